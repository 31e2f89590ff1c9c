import { Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import { InputError } from "./input-error.js";
import type { InputRecord, ReadOptions } from "./input-record.js";
import { DEFAULT_CHUNK_SIZE } from "./input-record.js";
import { NewlineCounter } from "./newline-counter.js";
import { readChunks } from "./read-chunks.js";

/** What csv-parse emits with `columns: true, info: true`. */
interface CsvRow {
  record: Record<string, string>;
  info: { bytes: number };
}

/**
 * Streams a CSV file whose first row names the columns. Every value is a string (CSV has no types);
 * quoted fields may span lines, and `line` is where the record starts.
 */
export async function* readCsv(file: string, options: ReadOptions = {}): AsyncGenerator<InputRecord> {
  const counter = new NewlineCounter();
  const source = Readable.from(tap(readChunks(file, options.chunkSize ?? DEFAULT_CHUNK_SIZE), counter));
  const parser = parse({ columns: true, bom: true, info: true, skip_empty_lines: true });
  // pipe() does not forward errors; without this a read error would leave the parser waiting forever.
  source.on("error", (err) => parser.destroy(err));
  source.pipe(parser);
  let index = 0;
  try {
    for await (const row of parser as AsyncIterable<CsvRow>) {
      // info.bytes is the offset just past the record's terminator, so the byte before it is on the
      // record's last line; quoted newlines inside the values take us back to its first line.
      const endLine = 1 + counter.countBefore(row.info.bytes - 1);
      const line = endLine - newlinesIn(row.record);
      yield { value: row.record, line, file, index };
      index += 1;
    }
  } catch (err) {
    throw toInputError(err, file);
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** Hands each chunk to the counter before the parser sees it. */
async function* tap(chunks: AsyncIterable<Buffer>, counter: NewlineCounter): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    counter.push(chunk);
    yield chunk;
  }
}

function newlinesIn(record: Record<string, string>): number {
  let count = 0;
  for (const value of Object.values(record)) {
    if (typeof value !== "string") continue;
    for (let nl = value.indexOf("\n"); nl !== -1; nl = value.indexOf("\n", nl + 1)) count += 1;
  }
  return count;
}

function toInputError(err: unknown, file: string): unknown {
  if (!(err instanceof CsvError)) return err;
  const line = typeof err.lines === "number" ? err.lines : undefined;
  return new InputError(file, line, `invalid CSV: ${err.message}`, { cause: err });
}
