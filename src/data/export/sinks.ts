/**
 * Where exported rows go. Every sink writes a temporary file beside the target and renames it over the
 * target only when finished, so an interrupted export never leaves a half file that a trainer would
 * read as the whole dataset. JSONL and JSON arrays stream; Parquet buffers one row group at a time.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { JsonlWriter } from "../jsonl-writer.js";
import type { Row } from "./exporter.js";

export interface RowSink {
  write(row: Row): void | Promise<void>;
  /** Completes the file and moves it into place. */
  finish(): Promise<void>;
  /** Removes the temporary file; the target is left as it was. */
  abort(): void;
}

/** A temporary path in the target's directory (same file system, so the final rename is atomic). */
export function temporaryPath(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  return `${path}.tmp-${process.pid}`;
}

export class JsonlSink implements RowSink {
  private readonly tmp: string;
  private readonly writer: JsonlWriter;

  constructor(private readonly path: string) {
    this.tmp = temporaryPath(path);
    rmSync(this.tmp, { force: true });
    this.writer = JsonlWriter.open(this.tmp);
  }

  write(row: Row): void {
    this.writer.write(row);
  }

  async finish(): Promise<void> {
    this.writer.close();
    renameSync(this.tmp, this.path);
  }

  abort(): void {
    this.writer.close();
    rmSync(this.tmp, { force: true });
  }
}

/** One JSON array (LLaMA-Factory's own files are arrays), written element by element. */
export class JsonArraySink implements RowSink {
  private readonly tmp: string;
  private fd: number | undefined;
  private rows = 0;

  constructor(private readonly path: string) {
    this.tmp = temporaryPath(path);
    this.fd = openSync(this.tmp, "w");
    writeSync(this.fd, "[");
  }

  write(row: Row): void {
    writeSync(this.openFd(), `${this.rows === 0 ? "\n" : ",\n"}  ${JSON.stringify(row)}`);
    this.rows++;
  }

  async finish(): Promise<void> {
    const fd = this.openFd();
    writeSync(fd, this.rows === 0 ? "]\n" : "\n]\n");
    this.close();
    renameSync(this.tmp, this.path);
  }

  abort(): void {
    this.close();
    rmSync(this.tmp, { force: true });
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`${this.path}: already closed`);
    return this.fd;
  }

  private close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
