/**
 * `selfalign export`: streams records of any shape we produce (or a trainer format), converts each to
 * the canonical form, writes the trainer format, then the LLaMA-Factory dataset_info.json entry and the
 * dataset card beside the data. No model calls; the output is replaced as a whole (atomic rename).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { InputError } from "../input-error.js";
import type { InputRecord } from "../input-record.js";
import { readRecords } from "../read-records.js";
import { isSkip, type RecordKind, type Skip, skipError, toCanonical } from "./canonical.js";
import { datasetCard, writeCard } from "./dataset-card.js";
import { readDatasetInfo, writeDatasetInfo } from "./dataset-info.js";
import { type ExportCounts, ExportTally } from "./export-tally.js";
import type { ExportFormat, FormatOptions, Row } from "./exporter.js";
import { EXPORTERS } from "./formats.js";
import { ParquetSink } from "./parquet.js";
import { JsonArraySink, JsonlSink, type RowSink } from "./sinks.js";

export interface ExportDatasetOptions {
  inputPath: string;
  format: ExportFormat;
  /**
   * The data file, or a directory (existing, or written with a trailing slash) for the Hub layout:
   * DIR/data/train-00000-of-00001.{jsonl,parquet} with README.md and dataset_info.json in DIR.
   */
  outputPath: string;
  /** dpo/trl: message lists instead of strings. */
  conversational?: boolean;
  /** A record that cannot be exported is an InputError instead of a counted skip. */
  strict?: boolean;
  /** Name of the dataset_info.json entry and the card's title; default from the output path. */
  name?: string;
  /** Write README.md (default true). */
  card?: boolean;
  /** Merge an entry into dataset_info.json (default true). */
  datasetInfo?: boolean;
  /** The card's license (default "other", a placeholder). */
  license?: string;
}

export interface ExportResult extends ExportCounts {
  format: ExportFormat;
  dataPath: string;
  /** Set when an entry was written. */
  datasetInfoPath?: string;
  /** Set when the card was written. */
  cardPath?: string;
  name: string;
  /** What was not written and why (shown on stderr by the CLI). */
  notes: string[];
}

const HUB_DATA_FILE = "data/train-00000-of-00001";

interface Layout {
  dir: string;
  dataPath: string;
  name: string;
}

/** Where the data, the card and dataset_info.json go. */
export function exportLayout(outputPath: string, format: ExportFormat, name?: string): Layout {
  const isDir = /[\\/]$/.test(outputPath) || (existsSync(outputPath) && statSync(outputPath).isDirectory());
  const out = resolve(outputPath);
  if (isDir) {
    const ext = format === "parquet" ? ".parquet" : ".jsonl";
    return { dir: out, dataPath: join(out, `${HUB_DATA_FILE}${ext}`), name: name ?? basename(out) };
  }
  const ext = extname(out).toLowerCase();
  if (format === "parquet" && ext !== ".parquet")
    throw new Error(`--format parquet writes Parquet: name the output *.parquet (got "${basename(out)}")`);
  if (format !== "parquet" && ext === ".parquet")
    throw new Error(
      `"${basename(out)}" names a Parquet file: use --format parquet, or a .jsonl/.json output`,
    );
  return { dir: dirname(out), dataPath: out, name: name ?? basename(out, extname(out)) };
}

export async function exportDataset(options: ExportDatasetOptions): Promise<ExportResult> {
  const exporter = EXPORTERS[options.format];
  const o: FormatOptions = { conversational: options.conversational === true };
  const layout = exportLayout(options.outputPath, options.format, options.name);
  const infoPath = join(layout.dir, "dataset_info.json");
  // Read first: a broken dataset_info.json stops the export before anything is written.
  const infoEntries = options.datasetInfo === false ? {} : readDatasetInfo(infoPath);
  const tally = new ExportTally();
  let sink: RowSink | undefined;
  try {
    for await (const record of readRecords(resolve(options.inputPath))) {
      tally.read++;
      const c = toCanonical(record);
      let row: Row | Skip;
      if (isSkip(c)) row = c;
      else {
        tally.kind ??= firstKind(record, c.kind, options.format);
        if (c.kind !== tally.kind) row = mixedKind(c.kind, tally.kind);
        else if (c.kind === "sft") row = exporter.sft!(c, o);
        else row = exporter.preference(c, o);
      }
      if (isSkip(row)) {
        if (options.strict) throw skipError(record, row);
        tally.skip(row.skip);
        continue;
      }
      sink ??= openSink(layout.dataPath, options.format, tally.kind!);
      await sink.write(row);
      tally.add(c as Exclude<typeof c, Skip>, row);
    }
    if (!sink) throw nothingToExport(options.inputPath, tally);
    await sink.finish();
  } catch (error) {
    sink?.abort();
    throw error;
  }

  const counts = tally.counts();
  const kind = tally.kind!;
  const result: ExportResult = {
    ...counts,
    format: options.format,
    dataPath: layout.dataPath,
    name: layout.name,
    notes: [],
  };
  const dataFile = relative(layout.dir, layout.dataPath).split(sep).join("/");
  if (options.datasetInfo !== false) {
    const entry = exporter.datasetInfo(kind, dataFile, tally.keys, o);
    if (entry) {
      writeDatasetInfo(infoPath, infoEntries, layout.name, entry);
      result.datasetInfoPath = infoPath;
    } else
      result.notes.push(
        `dataset_info.json: not written (LLaMA-Factory has no reader for ${describeShape(options.format, kind, o)})`,
      );
  }
  if (options.card !== false) {
    const cardPath = join(layout.dir, "README.md");
    const text = datasetCard(counts, {
      name: layout.name,
      format: options.format,
      options: o,
      dataFile,
      inputName: basename(options.inputPath),
      readers: exporter.readers(kind, o),
      license: options.license ?? "other",
      version: packageVersion(),
    });
    if (writeCard(cardPath, text)) result.cardPath = cardPath;
    else result.notes.push(`README.md: kept as it is (not written by selfalign export)`);
  }
  return result;
}

function firstKind(record: InputRecord, kind: RecordKind, format: ExportFormat): RecordKind {
  if (kind === "sft" && !EXPORTERS[format].sft)
    throw new InputError(
      record.file,
      record.line,
      `--format ${format} needs preference records (prompt, chosen, rejected) and this file holds SFT records: use --format trl, openai, alpaca, sharegpt or parquet`,
      { field: "chosen" },
    );
  return kind;
}

function mixedKind(kind: RecordKind, fileKind: RecordKind): Skip {
  return {
    skip: "mixed-kind",
    field: kind === "sft" ? "messages" : "chosen",
    detail: `a ${kind} record in a file whose first exported record is ${fileKind === "sft" ? "an sft" : "a preference"} record`,
  };
}

function openSink(path: string, format: ExportFormat, kind: RecordKind): RowSink {
  if (format === "parquet") return new ParquetSink(path, kind);
  return extname(path).toLowerCase() === ".json" ? new JsonArraySink(path) : new JsonlSink(path);
}

function nothingToExport(inputPath: string, tally: ExportTally): InputError {
  const reasons = Object.entries(tally.skipped)
    .map(([r, n]) => `${r} ${n}`)
    .join(", ");
  const detail =
    tally.read === 0
      ? "no records to export"
      : `none of ${tally.read} records could be exported (skipped: ${reasons})`;
  return new InputError(inputPath, undefined, `${detail}; nothing was written`);
}

function describeShape(format: ExportFormat, kind: RecordKind, o: FormatOptions): string {
  if (format === "openai") return "OpenAI's DPO shape";
  if (o.conversational || format === "parquet")
    return `conversational ${kind === "sft" ? "prompt-completion" : "preference"} rows`;
  return `${format} ${kind} rows`;
}

let version: string | undefined;

function packageVersion(): string {
  version ??= (
    JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }
  ).version;
  return version;
}

/** The summary line of the CLI: read, written, skipped by reason, files. */
export function exportSummaryLine(r: ExportResult): string {
  const skipped = Object.entries(r.skipped)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  const total = Object.values(r.skipped).reduce((a, b) => a + (b ?? 0), 0);
  return `export (${r.format}, ${r.kind}): read ${r.read}, wrote ${r.written}, skipped ${total}${skipped ? ` (${skipped})` : ""} -> ${r.dataPath}`;
}
