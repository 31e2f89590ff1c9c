import { readChunks } from "./read-chunks.js";

export interface TextLine {
  /** The line without its terminator ("\n" or "\r\n"); a leading UTF-8 BOM is removed from line 1. */
  text: string;
  /** 1-based. */
  line: number;
  /** False only for a last line with no "\n": a JSONL writer that crashed mid-line leaves one. */
  terminated: boolean;
}

const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

/**
 * Splits a file into lines without holding more than one chunk plus the current line in memory.
 * It splits on bytes rather than decoded text: 0x0A never occurs inside a multi-byte UTF-8 sequence, so
 * each line can be decoded on its own and a character cut by a chunk boundary is rejoined first.
 */
export async function* readLines(file: string, chunkSize: number): AsyncGenerator<TextLine> {
  // Pieces of a line that spans chunks; joined once, when its end is found, so very long lines cost O(n).
  let pending: Buffer[] = [];
  let line = 0;
  for await (const chunk of readChunks(file, chunkSize)) {
    let start = 0;
    for (let nl = chunk.indexOf(LF, start); nl !== -1; nl = chunk.indexOf(LF, start)) {
      let bytes = chunk.subarray(start, nl);
      if (pending.length > 0) {
        pending.push(bytes);
        bytes = Buffer.concat(pending);
        pending = [];
      }
      start = nl + 1;
      line += 1;
      yield { text: decodeLine(bytes, line), line, terminated: true };
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) {
    line += 1;
    yield { text: decodeLine(Buffer.concat(pending), line), line, terminated: false };
  }
}

function decodeLine(bytes: Buffer, line: number): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
  const text = bytes.toString("utf8", 0, end);
  return line === 1 && text.charCodeAt(0) === BOM ? text.slice(1) : text;
}
