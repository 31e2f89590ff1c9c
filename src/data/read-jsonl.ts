import { InputError } from "./input-error.js";
import type { InputRecord, ReadOptions } from "./input-record.js";
import { DEFAULT_CHUNK_SIZE } from "./input-record.js";
import { parseJsonObject } from "./json-object.js";
import { readLines } from "./read-lines.js";

const TORN_HINT = " (the last line has no newline: the file looks truncated)";

export interface JsonlReadOptions extends ReadOptions {
  /**
   * Skip, instead of failing on, a last line with no "\n" that does not parse: what a crash leaves at
   * the end of our own output. For reading output back when a run resumes; inputs should fail loudly.
   */
  skipTornLastLine?: boolean;
}

/**
 * Streams a JSON Lines file: one JSON object per line, blank lines skipped, CRLF and a BOM accepted.
 * A line that is not a JSON object stops the read with an InputError naming file and line.
 */
export async function* readJsonl(file: string, options: JsonlReadOptions = {}): AsyncGenerator<InputRecord> {
  let index = 0;
  for await (const { text, line, terminated } of readLines(file, options.chunkSize ?? DEFAULT_CHUNK_SIZE)) {
    if (isBlank(text)) continue;
    let value: Record<string, unknown>;
    try {
      value = parseJsonObject(text, file, line, terminated ? "" : TORN_HINT);
    } catch (err) {
      if (!terminated && options.skipTornLastLine === true && InputError.is(err)) return;
      throw err;
    }
    yield { value, line, file, index };
    index += 1;
  }
}

/** Cheaper than `text.trim() === ""` for the common case: a line starting with "{". */
export function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  return text.charCodeAt(0) !== 0x7b && text.trim().length === 0;
}
