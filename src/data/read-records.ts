import { extname } from "node:path";
import { InputError } from "./input-error.js";
import type { InputRecord, ReadOptions, RecordFormat } from "./input-record.js";
import { readCsv } from "./read-csv.js";
import { readJsonArray } from "./read-json-array.js";
import { readJsonl } from "./read-jsonl.js";
import { readParquet } from "./read-parquet.js";

const FORMAT_BY_EXTENSION: Readonly<Record<string, RecordFormat>> = {
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
  ".json": "json",
  ".csv": "csv",
  ".parquet": "parquet",
};

export const RECORD_FORMATS: readonly RecordFormat[] = ["jsonl", "json", "csv", "parquet"];

/** The format a file name implies, or undefined when its extension is not one we know. */
export function formatFromPath(file: string): RecordFormat | undefined {
  return FORMAT_BY_EXTENSION[extname(file).toLowerCase()];
}

export interface ReadRecordsOptions extends ReadOptions {
  /** Overrides the extension, e.g. for a `.txt` file that holds JSON Lines. */
  format?: RecordFormat;
}

/**
 * Streams the records of a JSONL, JSON-array, CSV or Parquet file, by `format` or else by extension. An
 * unknown extension throws here, at the call; problems with the file itself surface while iterating.
 */
export function readRecords(file: string, options: ReadRecordsOptions = {}): AsyncGenerator<InputRecord> {
  const format = options.format ?? formatFromPath(file);
  switch (format) {
    case "jsonl":
      return readJsonl(file, options);
    case "json":
      return readJsonArray(file, options);
    case "csv":
      return readCsv(file, options);
    case "parquet":
      return readParquet(file);
    case undefined:
      throw new InputError(
        file,
        undefined,
        `cannot tell the format from the extension "${extname(file)}": use .jsonl, .ndjson, .json, .csv or .parquet, or name the format`,
      );
  }
}
