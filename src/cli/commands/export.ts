import { Command, Option } from "commander";
import { exportDataset, exportSummaryLine } from "../../data/export/export.js";
import { EXPORT_FORMATS, type ExportFormat } from "../../data/export/exporter.js";

export function exportCommand(): Command {
  const cmd = new Command("export")
    .description(
      "convert records (respond, preferences or any SFT/preference shape) into a trainer's format, with a LLaMA-Factory dataset_info.json entry and a dataset card",
    )
    .requiredOption("--in <file>", "records: JSONL, JSON array, CSV or Parquet")
    .addOption(
      new Option("--format <format>", "alpaca | sharegpt | openai | dpo | trl | parquet")
        .choices([...EXPORT_FORMATS])
        .makeOptionMandatory(),
    )
    .requiredOption(
      "--out <path>",
      "output file (.jsonl, .json for one JSON array, .parquet), or a directory (DIR/ or existing) for the Hub layout DIR/data/train-00000-of-00001.*",
    )
    .option("--conversational", "dpo/trl: {role, content} message lists instead of plain strings")
    .option("--strict", "a record that cannot be exported is an error (file:line) instead of a counted skip")
    .option("--name <name>", "dataset name in dataset_info.json and the card (default: from --out)")
    .option("--license <id>", "license in the card's front matter (a placeholder by default)", "other")
    .option("--no-card", "do not write README.md (the dataset card)")
    .option("--no-dataset-info", "do not add an entry to dataset_info.json");
  cmd.action(async (opts: Record<string, unknown>) => {
    const result = await exportDataset({
      inputPath: String(opts.in),
      format: opts.format as ExportFormat,
      outputPath: String(opts.out),
      conversational: opts.conversational === true,
      strict: opts.strict === true,
      name: opts.name === undefined ? undefined : String(opts.name),
      license: String(opts.license),
      card: opts.card !== false,
      datasetInfo: opts.datasetInfo !== false,
    });
    const lines = [exportSummaryLine(result)];
    if (result.datasetInfoPath)
      lines.push(`dataset_info.json: entry "${result.name}" in ${result.datasetInfoPath}`);
    if (result.cardPath) lines.push(`dataset card: ${result.cardPath}`);
    lines.push(...result.notes);
    process.stderr.write(`${lines.join("\n")}\n`);
  });
  return cmd;
}
