/** Exports for trainers (Alpaca, ShareGPT, OpenAI, TRL, Parquet), dataset_info.json and the dataset card. */
export {
  type AlpacaSplit,
  type Canonical,
  type CanonicalPreference,
  type CanonicalSft,
  isSkip,
  type RecordKind,
  type RecordOrigin,
  type Skip,
  type SkipReason,
  toCanonical,
} from "./canonical.js";
export { CARD_MARKER, datasetCard, sizeCategory } from "./dataset-card.js";
export {
  type ExportDatasetOptions,
  type ExportResult,
  exportDataset,
  exportLayout,
  exportSummaryLine,
} from "./export.js";
export type { ExportCounts } from "./export-tally.js";
export {
  type DatasetInfoEntry,
  EXPORT_FORMATS,
  type Exporter,
  type ExportFormat,
  type FormatOptions,
  type Row,
} from "./exporter.js";
export { EXPORTERS } from "./formats.js";
export { parquetSchema } from "./parquet.js";
