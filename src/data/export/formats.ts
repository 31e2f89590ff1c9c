/** The trainer formats by name. */
import { alpacaExporter } from "./alpaca.js";
import type { Exporter, ExportFormat } from "./exporter.js";
import { openaiExporter } from "./openai.js";
import { parquetExporter } from "./parquet.js";
import { sharegptExporter } from "./sharegpt.js";
import { dpoExporter, trlExporter } from "./trl.js";

export const EXPORTERS: Readonly<Record<ExportFormat, Exporter>> = {
  alpaca: alpacaExporter,
  sharegpt: sharegptExporter,
  openai: openaiExporter,
  dpo: dpoExporter,
  trl: trlExporter,
  parquet: parquetExporter,
};
