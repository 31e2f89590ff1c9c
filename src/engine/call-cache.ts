/**
 * The content-addressed call cache: one SQLite row per finished sample. A finished call is made durable
 * the moment it returns by one append to a journal file (a single write of whole lines, cheap), and
 * reaches SQLite in batched transactions (a commit per call would cost more than the HTTP round trip
 * against a fast local server). Opening the cache replays the journal, so a crash, SIGKILL or Ctrl-C at
 * any point loses no finished call, and a re-run finds it under the same key instead of paying again.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import type Database from "better-sqlite3";
import { KeyFilter } from "./key-filter.js";

export interface CachedCall {
  key: string;
  /** One id per paid model call; the samples of one `n > 1` call share it. */
  callId: string;
  modelId: string;
  modelName: string;
  kind: "generate" | "logprobs";
  /** Canonical JSON of the request (without the sample count). */
  request: string;
  sample: number;
  /** JSON of the result for this sample. */
  result: string;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  latencyMs: number;
  attempts: number;
  /** ISO time the call finished; set by the cache. */
  createdAt?: string;
}

export interface SpendTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

/** Rows waiting for the batched commit; flushed when this many are pending or after FLUSH_MS. */
const FLUSH_ROWS = 4096;
const FLUSH_MS = 1000;

export class CallCache {
  private readonly getStmt: Database.Statement<[string], string>;
  private readonly putStmt: Database.Statement<unknown[]>;
  private readonly pending = new Map<string, CachedCall>();
  private readonly journalFd: number;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly insertMany: (rows: Iterable<CachedCall>) => void;
  private filter: KeyFilter;

  constructor(
    private readonly db: Database.Database,
    private readonly journalPath: string,
  ) {
    // A rowid table with a unique key index: appends stay sequential, only the small index is random.
    db.exec(`CREATE TABLE IF NOT EXISTS calls (
      id INTEGER PRIMARY KEY,
      key TEXT NOT NULL UNIQUE,
      call_id TEXT NOT NULL,
      model_id TEXT NOT NULL,
      model_name TEXT NOT NULL,
      kind TEXT NOT NULL,
      request TEXT NOT NULL,
      sample INTEGER NOT NULL,
      result TEXT NOT NULL,
      input_tokens INTEGER NOT NULL,
      output_tokens INTEGER NOT NULL,
      cost REAL NOT NULL,
      latency_ms INTEGER NOT NULL,
      attempts INTEGER NOT NULL,
      created_at TEXT NOT NULL
    )`);
    this.getStmt = db.prepare<[string], string>("SELECT result FROM calls WHERE key = ?").pluck();
    // INSERT OR IGNORE: two identical requests racing in one run store one row; the first one wins.
    this.putStmt = db.prepare(
      `INSERT OR IGNORE INTO calls (key, call_id, model_id, model_name, kind, request, sample, result, input_tokens,
        output_tokens, cost, latency_ms, attempts, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    );
    this.insertMany = db.transaction((rows: Iterable<CachedCall>) => {
      for (const r of rows) {
        this.putStmt.run(
          r.key,
          r.callId,
          r.modelId,
          r.modelName,
          r.kind,
          r.request,
          r.sample,
          r.result,
          r.inputTokens,
          r.outputTokens,
          r.cost,
          r.latencyMs,
          r.attempts,
          r.createdAt ?? new Date().toISOString(),
        );
      }
    });
    this.journalFd = openSync(journalPath, "a+");
    this.replayJournal();
    this.filter = this.buildFilter();
  }

  get(key: string): string | undefined {
    if (!this.filter.mightContain(key)) return undefined;
    return this.pending.get(key)?.result ?? this.getStmt.get(key);
  }

  private buildFilter(): KeyFilter {
    const count = this.db.prepare("SELECT COUNT(*) FROM calls").pluck().get() as number;
    const filter = new KeyFilter(count + this.pending.size);
    for (const key of this.db
      .prepare("SELECT key FROM calls")
      .pluck()
      .iterate() as IterableIterator<string>) {
      filter.add(key);
    }
    for (const key of this.pending.keys()) filter.add(key);
    return filter;
  }

  /** Stores all samples of one call: durable on return (one journal write), in SQLite at the next flush. */
  putAll(rows: readonly CachedCall[]): void {
    const createdAt = new Date().toISOString();
    let lines = "";
    for (const row of rows) {
      row.createdAt = createdAt;
      this.pending.set(row.key, row);
      this.filter.add(row.key);
      lines += `${JSON.stringify(row)}\n`;
    }
    writeSync(this.journalFd, lines);
    if (this.filter.overfull) {
      this.flush();
      this.filter = this.buildFilter();
    } else if (this.pending.size >= FLUSH_ROWS) this.flush();
    else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  /** Commits pending rows to SQLite and empties the journal. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.size === 0) return;
    this.insertMany(this.pending.values());
    this.pending.clear();
    // Safe at any point: rows replayed twice are ignored (INSERT OR IGNORE on the key).
    ftruncateSync(this.journalFd, 0);
  }

  close(): void {
    this.flush();
    closeSync(this.journalFd);
  }

  /** Rows a killed process left in the journal go into SQLite before anything else happens. */
  private replayJournal(): void {
    const text = readFileSync(this.journalPath, "utf8");
    if (text.length === 0) return;
    const rows: CachedCall[] = [];
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        rows.push(JSON.parse(line) as CachedCall);
      } catch {
        // A torn last line (power loss mid-write) holds no finished call we could trust.
      }
    }
    this.insertMany(rows);
    ftruncateSync(this.journalFd, 0);
  }

  /** What the run has paid for so far, over every session (a row is one paid sample). */
  totals(): SpendTotals {
    this.flush();
    const row = this.db
      .prepare(
        `SELECT COUNT(DISTINCT call_id) AS calls,
          COALESCE(SUM(input_tokens),0) AS inputTokens, COALESCE(SUM(output_tokens),0) AS outputTokens,
          COALESCE(SUM(cost),0) AS cost FROM calls`,
      )
      .get() as SpendTotals;
    return row;
  }

  /** Per-model totals for the end-of-run summary. */
  totalsByModel(): Array<SpendTotals & { model: string }> {
    this.flush();
    return this.db
      .prepare(
        `SELECT model_name AS model, COUNT(DISTINCT call_id) AS calls, SUM(input_tokens) AS inputTokens,
          SUM(output_tokens) AS outputTokens, SUM(cost) AS cost FROM calls GROUP BY model_name`,
      )
      .all() as Array<SpendTotals & { model: string }>;
  }
}
