import { stat } from "node:fs/promises";
import {
  type AsyncBuffer,
  asyncBufferFromFile,
  type FileMetaData,
  parquetMetadataAsync,
  parquetReadObjects,
} from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { InputError } from "./input-error.js";
import type { InputRecord } from "./input-record.js";
import { errorMessage } from "./read-chunks.js";

/**
 * Streams the rows of a Parquet file as records, one row group in memory at a time: Parquet stores
 * columns, so a row group is the smallest unit that can be turned into rows without reading the rest
 * of the file. Snappy, gzip, zstd, brotli and lz4 pages are decompressed by hyparquet-compressors.
 *
 * Parquet has no lines: `line` is the 1-based row number, so an InputError about a row reads
 * `data.parquet:1234: ...` and points at row 1234. Values are made JSON-safe: 64-bit integers become
 * numbers when exact and strings otherwise, dates and timestamps ISO 8601 strings, raw bytes base64.
 */
export async function* readParquet(file: string): AsyncGenerator<InputRecord> {
  const buffer = await openFile(file);
  const metadata = await readMetadata(file, buffer);
  let groupStart = 0;
  for (const [group, rowGroup] of metadata.row_groups.entries()) {
    const rows = Number(rowGroup.num_rows);
    const groupEnd = groupStart + rows;
    if (rows > 0) {
      const values = await readRowGroup(file, buffer, metadata, group, groupStart, groupEnd);
      for (const [i, row] of values.entries()) {
        const index = groupStart + i;
        yield { value: jsonRow(row), line: index + 1, file, index };
      }
    }
    groupStart = groupEnd;
  }
}

async function openFile(file: string): Promise<AsyncBuffer> {
  try {
    if (!(await stat(file)).isFile()) throw new Error("not a file");
    return await asyncBufferFromFile(file);
  } catch (err) {
    throw new InputError(file, undefined, `cannot open: ${errorMessage(err)}`, { cause: err });
  }
}

async function readMetadata(file: string, buffer: AsyncBuffer): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync(buffer, { parsers: PARSERS });
  } catch (err) {
    throw new InputError(file, undefined, `not a readable Parquet file: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

async function readRowGroup(
  file: string,
  buffer: AsyncBuffer,
  metadata: FileMetaData,
  group: number,
  rowStart: number,
  rowEnd: number,
): Promise<Record<string, unknown>[]> {
  try {
    return await parquetReadObjects({
      file: buffer,
      metadata,
      rowStart,
      rowEnd,
      compressors,
      parsers: PARSERS,
    });
  } catch (err) {
    // Which row of the group is bad cannot be told (pages decode column by column): name the group's rows.
    const detail = `cannot decode row group ${group + 1} (rows ${rowStart + 1}-${rowEnd}): ${errorMessage(err)}`;
    throw new InputError(file, rowStart + 1, detail, { cause: err });
  }
}

/** A DATE column holds days, not instants: "2024-05-01" says that better than a midnight timestamp. */
const PARSERS = {
  dateFromDays: (days: number): string => {
    const date = new Date(days * 86_400_000);
    return Number.isNaN(date.getTime()) ? String(days) : date.toISOString().slice(0, 10);
  },
};

function jsonRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row)) out[key] = jsonValue(row[key]);
  return out;
}

/** Makes one decoded value JSON-safe; strings, numbers, booleans and null pass through untouched. */
export function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER
        ? Number(value)
        : String(value);
    case "object":
      return jsonObject(value);
    default:
      return String(value);
  }
}

function jsonObject(value: object): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  // Lists come as arrays or typed arrays (Int32Array, BigInt64Array, ...).
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    return Array.from(value as ArrayLike<unknown>, jsonValue);
  }
  return jsonRow(value as Record<string, unknown>);
}
