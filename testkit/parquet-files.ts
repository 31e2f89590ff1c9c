/**
 * Writing Parquet test inputs with hyparquet-writer and an explicit schema (never inferred, so a test
 * states exactly which physical and logical types the reader must handle). Gzip and brotli pages are
 * compressed with node:zlib; snappy is built into the writer.
 */
import { writeFileSync } from "node:fs";
import { brotliCompressSync, gzipSync } from "node:zlib";
import type { SchemaElement } from "hyparquet";
import { type ColumnSource, parquetWriteBuffer } from "hyparquet-writer";

export type TestCodec = "UNCOMPRESSED" | "SNAPPY" | "GZIP" | "BROTLI";

export interface ParquetFileSpec {
  /** Root element first (`{ name: "root", num_children: n }`), then the columns, as in the file footer. */
  schema: SchemaElement[];
  columns: ColumnSource[];
  codec?: TestCodec;
  rowGroupSize?: number;
}

const COMPRESSORS = {
  GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)),
  BROTLI: (input: Uint8Array) => new Uint8Array(brotliCompressSync(input)),
};

export function writeParquetFile(path: string, spec: ParquetFileSpec): string {
  const buffer = parquetWriteBuffer({
    schema: spec.schema,
    columnData: spec.columns,
    codec: spec.codec ?? "SNAPPY",
    compressors: COMPRESSORS,
    rowGroupSize: spec.rowGroupSize ?? 1000,
  });
  writeFileSync(path, new Uint8Array(buffer));
  return path;
}

/** An explicit schema of optional UTF-8 string columns. */
export function stringSchema(names: readonly string[]): SchemaElement[] {
  return [
    { name: "root", num_children: names.length },
    ...names.map(
      (name): SchemaElement => ({
        name,
        type: "BYTE_ARRAY",
        converted_type: "UTF8",
        repetition_type: "OPTIONAL",
      }),
    ),
  ];
}

/** Rows (objects) as the column arrays hyparquet-writer takes; a missing key is a null. */
export function columnsOf(
  names: readonly string[],
  rows: ReadonlyArray<Record<string, unknown>>,
): ColumnSource[] {
  return names.map((name) => ({ name, data: rows.map((row) => row[name] ?? null) }));
}
