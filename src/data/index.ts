/** Streaming record I/O: readers for JSONL, JSON arrays and CSV, field access, crash-safe JSONL output. */
export { fieldError, getField, optionalString, requireString, sourceIdOf } from "./fields.js";
export { InputError } from "./input-error.js";
export type { InputRecord, ReadOptions, RecordFormat } from "./input-record.js";
export { readJsonlKeys } from "./jsonl-keys.js";
export { JsonlWriter, repairTail, type TailRepair } from "./jsonl-writer.js";
export { readCsv } from "./read-csv.js";
export { readJsonArray } from "./read-json-array.js";
export { type JsonlReadOptions, readJsonl } from "./read-jsonl.js";
export { readParquet } from "./read-parquet.js";
export { formatFromPath, RECORD_FORMATS, type ReadRecordsOptions, readRecords } from "./read-records.js";
