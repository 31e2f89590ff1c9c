import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { isJsonObject } from "./json-object.js";

const LF = 0x0a;
const BLOCK = 64 * 1024;
/** A torn tail longer than this is cut without checking whether it is in fact a whole record. */
const MAX_TAIL_CHECK = 16 * 1024 * 1024;

/** What open() did to the end of an existing file. Both zero/false for a new or clean file. */
export interface TailRepair {
  /** Bytes of a torn last line that were cut off: log this, those records will be redone. */
  truncatedBytes: number;
  /** The last line was a whole record missing only its "\n", which was added instead of cutting it. */
  addedNewline: boolean;
}

/**
 * Append-only JSON Lines output that survives being killed at any moment. Each record goes out as
 * one line in one synchronous write(2) on a file opened for append, so a SIGKILL leaves either the
 * whole line or none of it; only a crash of the machine mid-write can tear a line, and open() repairs
 * that. No fsync per line (too slow for millions of records): call flush() at checkpoints.
 */
export class JsonlWriter {
  private fd: number | undefined;
  private written = 0;

  private constructor(
    readonly path: string,
    fd: number,
    readonly repair: TailRepair,
  ) {
    this.fd = fd;
  }

  /** Opens (creating it and its directories if needed) and repairs a torn last line. */
  static open(path: string): JsonlWriter {
    mkdirSync(dirname(path), { recursive: true });
    // "a+": appends whatever the file position, and still lets us read and truncate the tail.
    const fd = openSync(path, "a+");
    try {
      return new JsonlWriter(path, fd, repairTail(fd));
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Bytes of a torn last line cut off by open(); 0 when the file was clean. */
  get repairedBytes(): number {
    return this.repair.truncatedBytes;
  }

  /** Records written through this writer (not counting what the file held before). */
  get linesWritten(): number {
    return this.written;
  }

  /** Writes one record as one line. */
  write(record: object): void {
    const fd = this.openFd();
    const json = JSON.stringify(record);
    if (json === undefined) throw new TypeError(`${this.path}: cannot write a value that has no JSON form`);
    writeLine(fd, `${json}\n`);
    this.written += 1;
  }

  /** Makes what was written so far durable (fsync). */
  flush(): void {
    fsyncSync(this.openFd());
  }

  /** Flushes and closes; later calls do nothing. */
  close(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`${this.path}: JsonlWriter is closed`);
    return this.fd;
  }
}

/**
 * Writes a string without first copying it into a Buffer (the common case: one call, done). Only a short
 * write, which on a regular file means trouble such as a full disk, falls back to writing the remainder.
 */
function writeLine(fd: number, line: string): void {
  const written = writeSync(fd, line);
  if (written === line.length) return; // ASCII line written whole (bytes === chars)
  const bytes = Buffer.from(line, "utf8");
  if (written < bytes.length) writeFully(fd, bytes.subarray(written));
}

/** write(2) on a regular file only comes back short when something is wrong (disk full); retry the rest. */
function writeFully(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

/**
 * Makes the file end with "\n". A last line without one is either a whole record whose newline was
 * lost (kept, newline added) or a torn record (cut back to the previous line end). Reads backwards in
 * blocks so that only the tail of a large file is touched.
 */
export function repairTail(fd: number): TailRepair {
  const size = fstatSync(fd).size;
  const clean: TailRepair = { truncatedBytes: 0, addedNewline: false };
  if (size === 0) return clean;
  const blocks: Buffer[] = [];
  let lineStart = 0;
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - BLOCK);
    const block = Buffer.alloc(end - start);
    readExactly(fd, block, start);
    const nl = block.lastIndexOf(LF);
    if (nl === block.length - 1 && end === size) return clean;
    if (nl !== -1) {
      lineStart = start + nl + 1;
      blocks.unshift(block.subarray(nl + 1));
      break;
    }
    blocks.unshift(block);
    end = start;
  }
  const tailBytes = size - lineStart;
  if (tailBytes <= MAX_TAIL_CHECK && isWholeRecord(Buffer.concat(blocks).toString("utf8"))) {
    writeFully(fd, Buffer.from("\n"));
    return { truncatedBytes: 0, addedNewline: true };
  }
  ftruncateSync(fd, lineStart);
  return { truncatedBytes: tailBytes, addedNewline: false };
}

function readExactly(fd: number, into: Buffer, position: number): void {
  let offset = 0;
  while (offset < into.length) {
    const n = readSync(fd, into, offset, into.length - offset, position + offset);
    if (n === 0) throw new Error("file shrank while its tail was being repaired");
    offset += n;
  }
}

function isWholeRecord(text: string): boolean {
  try {
    return isJsonObject(JSON.parse(text));
  } catch {
    return false;
  }
}
