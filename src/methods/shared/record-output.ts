/**
 * Output files of a method, resumable: a re-run recomputes its records (from the call cache) and
 * appends only those whose id is not in the file yet. Because every method derives ids from content
 * and its seeded choices, a resumed run writes exactly the records the interrupted one had not.
 */
import { JsonlWriter, readJsonlKeys } from "../../data/index.js";
import type { EventLog } from "../../engine/event-log.js";

export interface IdentifiedRecord {
  id: string;
}

export class RecordOutput<T extends IdentifiedRecord> {
  /** Records written in this session. */
  written = 0;
  /** Records that were already in the file (written by an earlier session). */
  alreadyThere = 0;

  private constructor(
    private readonly writer: JsonlWriter,
    private readonly existing: Set<string>,
  ) {}

  static async open<T extends IdentifiedRecord>(path: string, events?: EventLog): Promise<RecordOutput<T>> {
    const existing = await readJsonlKeys(path, (r) => (typeof r.id === "string" ? r.id : undefined));
    const writer = JsonlWriter.open(path);
    if (writer.repairedBytes > 0) {
      events?.emit({ type: "output-repaired", file: path, bytesCut: writer.repairedBytes });
    }
    return new RecordOutput<T>(writer, existing);
  }

  get path(): string {
    return this.writer.path;
  }

  /** Whether a record with this id is in the file (from an earlier session or this one). */
  has(id: string): boolean {
    return this.existing.has(id);
  }

  /** Appends the record unless its id is already in the file; says which happened. */
  write(record: T): boolean {
    if (this.existing.has(record.id)) {
      this.alreadyThere++;
      return false;
    }
    this.existing.add(record.id);
    this.writer.write(record);
    this.written++;
    return true;
  }

  close(): void {
    this.writer.close();
  }
}

/** A dropped record: what was made, why it was dropped, and where it came from. */
export interface DroppedRecord extends IdentifiedRecord {
  reason: string;
  detail?: string;
  [field: string]: unknown;
}

/** dropped.jsonl plus the count of drops by reason (this run's decisions, resumed or not). */
export class DropLog {
  readonly byReason: Record<string, number> = {};

  constructor(private readonly output: RecordOutput<DroppedRecord>) {}

  static async open(path: string, events?: EventLog): Promise<DropLog> {
    return new DropLog(await RecordOutput.open<DroppedRecord>(path, events));
  }

  drop(record: DroppedRecord): void {
    this.byReason[record.reason] = (this.byReason[record.reason] ?? 0) + 1;
    this.output.write(record);
  }

  /** Whether a record with this id was dropped (in an earlier session or this one). */
  has(id: string): boolean {
    return this.output.has(id);
  }

  get total(): number {
    let n = 0;
    for (const count of Object.values(this.byReason)) n += count;
    return n;
  }

  close(): void {
    this.output.close();
  }
}
