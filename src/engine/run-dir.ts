/**
 * A run directory: everything needed to inspect and resume a run lives here.
 *   config.json   the resolved configuration of the latest session (no secrets: only key variable names)
 *   cache.sqlite  the call cache, run state and the list of sessions (WAL mode)
 *   cache.journal finished calls not yet committed to cache.sqlite (replayed on open)
 *   events.jsonl  the event log
 *   summary.json  tokens, cost and counts at the end of the latest session
 *   lock          pid of the process using the directory
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { replaceFile } from "../util/atomic-file.js";
import { redact } from "../util/secrets.js";
import { CallCache } from "./call-cache.js";
import { EventLog } from "./event-log.js";

export class RunDirectory {
  readonly path: string;
  readonly db: Database.Database;
  readonly cache: CallCache;
  readonly events: EventLog;
  readonly sessionId: number;
  private closed = false;

  private constructor(path: string, config: Record<string, unknown>) {
    this.path = path;
    mkdirSync(path, { recursive: true });
    takeLock(join(path, "lock"));
    this.db = new Database(join(path, "cache.sqlite"));
    // WAL + NORMAL: a committed row survives a killed process (it is in the WAL, in the OS cache); only
    // a power loss could drop the last commits, and those calls would simply be asked again.
    // 16 KiB pages: the cache's key index takes random inserts, and bigger pages halve the pages a batch
    // dirties (only effective when the file is created; existing run directories keep their size).
    this.db.pragma("page_size = 16384");
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.pragma("cache_size = -65536"); // 64 MiB of page cache keeps the key index in memory
    this.db.exec(`CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS sessions (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL,
        ended_at TEXT, status TEXT NOT NULL, config TEXT NOT NULL, summary TEXT);`);
    this.cache = new CallCache(this.db, join(path, "cache.journal"));
    this.events = new EventLog(join(path, "events.jsonl"));
    const configJson = redact(JSON.stringify(config, null, 2));
    replaceFile(join(path, "config.json"), `${configJson}\n`);
    const info = this.db
      .prepare("INSERT INTO sessions (started_at, status, config) VALUES (?, 'running', ?)")
      .run(new Date().toISOString(), configJson);
    this.sessionId = Number(info.lastInsertRowid);
  }

  /** Opens (creating if needed) a run directory for a new session of `config`. */
  static open(path: string, config: Record<string, unknown>): RunDirectory {
    return new RunDirectory(resolve(path), config);
  }

  getState<T>(key: string): T | undefined {
    const row = this.db.prepare("SELECT value FROM state WHERE key = ?").get(key) as
      | { value: string }
      | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setState(key: string, value: unknown): void {
    this.db
      .prepare(
        "INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(key, JSON.stringify(value));
  }

  /** Records how the session ended and writes summary.json. */
  finish(status: string, summary: Record<string, unknown>): void {
    const json = redact(JSON.stringify(summary, null, 2));
    this.db
      .prepare("UPDATE sessions SET ended_at = ?, status = ?, summary = ? WHERE id = ?")
      .run(new Date().toISOString(), status, json, this.sessionId);
    replaceFile(join(this.path, "summary.json"), `${json}\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cache.close();
    this.events.close();
    this.db.close();
    rmSync(join(this.path, "lock"), { force: true });
  }
}

/** One process per run directory: two writers would interleave the same output. A stale lock is taken over. */
function takeLock(lockPath: string): void {
  if (existsSync(lockPath)) {
    const pid = Number(readFileSync(lockPath, "utf8").trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(`run directory ${lockPath.slice(0, -5)} is in use by process ${pid}`);
    }
  }
  writeFileSync(lockPath, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
