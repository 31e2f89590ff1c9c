/**
 * Output of a long, deterministic sequence of records (every row of a dataset times every task), resumed
 * without holding every id in memory. A re-run makes the same records in the same order, so the file
 * is a prefix of the sequence: the ids already there are read back one at a time alongside, and records
 * are appended only once that prefix is used up. A file that is not a prefix (other settings or data
 * wrote it) falls back to RecordOutput's rule, skip any id in the file, at the memory cost of its ids.
 */
import { JsonlWriter, readJsonl, readJsonlKeys } from "../../data/index.js";
import type { InputRecord } from "../../data/input-record.js";
import type { EventLog } from "../../engine/event-log.js";
import type { IdentifiedRecord } from "./record-output.js";

export class SequenceOutput<T extends IdentifiedRecord> {
  /** Records written in this session. */
  written = 0;
  /** Records that were already in the file. */
  alreadyThere = 0;
  /** Whether the file turned out not to be a prefix of this run's sequence. */
  diverged = false;
  private prefix: AsyncIterator<InputRecord> | undefined;
  private ids: Set<string> | undefined;

  private constructor(private readonly writer: JsonlWriter) {
    // Opened after the writer, which cuts a torn last line; nothing is appended until the prefix is read.
    this.prefix = readJsonl(writer.path, { skipTornLastLine: true })[Symbol.asyncIterator]();
  }

  static open<T extends IdentifiedRecord>(path: string, events?: EventLog): SequenceOutput<T> {
    const writer = JsonlWriter.open(path);
    if (writer.repairedBytes > 0) {
      events?.emit({ type: "output-repaired", file: path, bytesCut: writer.repairedBytes });
    }
    return new SequenceOutput<T>(writer);
  }

  get path(): string {
    return this.writer.path;
  }

  /** Appends the record unless the file already holds it; says which happened. */
  async write(record: T): Promise<boolean> {
    if (this.prefix) {
      const next = await this.prefix.next();
      if (!next.done && next.value.value.id === record.id) {
        this.alreadyThere++;
        return false;
      }
      await this.prefix.return?.();
      this.prefix = undefined;
      if (!next.done) await this.diverge();
    }
    if (this.ids?.has(record.id)) {
      this.alreadyThere++;
      return false;
    }
    this.ids?.add(record.id);
    this.writer.write(record);
    this.written++;
    return true;
  }

  close(): void {
    void this.prefix?.return?.();
    this.prefix = undefined;
    this.writer.close();
  }

  private async diverge(): Promise<void> {
    this.diverged = true;
    this.ids = await readJsonlKeys(this.writer.path, (r) => (typeof r.id === "string" ? r.id : undefined));
  }
}
