/**
 * Records parked on disk by their position in the input, for methods that must see records far apart
 * in a file together (the responses to one instruction, written model by model) without holding a
 * million of them in memory. A scratch SQLite file: created empty, deleted on close.
 */
import { rmSync } from "node:fs";
import Database from "better-sqlite3";

const BATCH = 4096;

export class ParkedRecords<T> {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[number, string]>;
  private readonly select: Database.Statement<[number], { value: string }>;
  private readonly flushBatch: (rows: Array<[number, string]>) => void;
  private batch: Array<[number, string]> = [];

  constructor(readonly path: string) {
    ParkedRecords.remove(path);
    this.db = new Database(path);
    // Nothing to recover after a crash (the next run parks again): no journal, no syncing.
    this.db.pragma("journal_mode = OFF");
    this.db.pragma("synchronous = OFF");
    this.db.exec("CREATE TABLE parked (ordinal INTEGER PRIMARY KEY, value TEXT NOT NULL)");
    this.insert = this.db.prepare("INSERT INTO parked (ordinal, value) VALUES (?, ?)");
    this.select = this.db.prepare("SELECT value FROM parked WHERE ordinal = ?");
    this.flushBatch = this.db.transaction((rows: Array<[number, string]>) => {
      for (const [ordinal, value] of rows) this.insert.run(ordinal, value);
    });
  }

  put(ordinal: number, value: T): void {
    this.batch.push([ordinal, JSON.stringify(value)]);
    if (this.batch.length >= BATCH) this.flush();
  }

  /** Call after the last put and before reading. */
  flush(): void {
    if (this.batch.length === 0) return;
    const rows = this.batch;
    this.batch = [];
    this.flushBatch(rows);
  }

  get(ordinal: number): T {
    const row = this.select.get(ordinal);
    if (!row) throw new Error(`internal: record ${ordinal} was not parked in ${this.path}`);
    return JSON.parse(row.value) as T;
  }

  /** Closes and deletes the file. */
  close(): void {
    if (this.db.open) this.db.close();
    ParkedRecords.remove(this.path);
  }

  private static remove(path: string): void {
    for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
  }
}
