/** One record read from an input file, with enough provenance to point the user at it. */
export interface InputRecord {
  value: Record<string, unknown>;
  /** 1-based line where the record starts. */
  line: number;
  file: string;
  /** 0-based ordinal of the record in the file (blank lines and headers are not records). */
  index: number;
}

export type RecordFormat = "jsonl" | "json" | "csv" | "parquet";

export interface ReadOptions {
  /** Bytes per read; the default suits large files, tests use tiny values to hit chunk boundaries. */
  chunkSize?: number;
}

export const DEFAULT_CHUNK_SIZE = 256 * 1024;
