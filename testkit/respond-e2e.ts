/**
 * Shared pieces of the end-to-end `selfalign respond` / `selfalign demo` tests (test/respond-*.test.ts):
 * input files, reading back what the CLI wrote (output JSONL, run directory, SQLite cache, journal,
 * events) and looking into the requests the scripted server recorded. Everything reads files only;
 * nothing here imports the code under test.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach } from "vitest";
import { tempDir } from "./cli.js";
import {
  type RecordedRequest,
  type ScriptedServer,
  type ScriptedServerOptions,
  startScriptedServer,
} from "./scripted-server.js";

export interface Instruction {
  id?: string | number;
  instruction?: unknown;
  input?: string;
  [key: string]: unknown;
}

/** `count` simple instructions with ids "r1", "r2", ... */
export function instructions(count: number, prefix = "Instruction number"): Instruction[] {
  return Array.from({ length: count }, (_, i) => ({ id: `r${i + 1}`, instruction: `${prefix} ${i + 1}` }));
}

export function writeJsonl(path: string, records: readonly unknown[]): string {
  writeFileSync(path, records.map((r) => `${JSON.stringify(r)}\n`).join(""));
  return path;
}

/** Every line of a JSONL file parsed; a line that is not valid JSON fails the test with its number. */
export function readJsonlFile(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, "utf8");
  if (text.length > 0 && !text.endsWith("\n")) throw new Error(`${path}: last line has no newline`);
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line, i) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch (error) {
        throw new Error(
          `${path}:${i + 1}: not valid JSON (${(error as Error).message}): ${line.slice(0, 200)}`,
        );
      }
    });
}

export interface RunEvent {
  type: string;
  [key: string]: unknown;
}

export function readEvents(runDir: string): RunEvent[] {
  return readJsonlFile(join(runDir, "events.jsonl")) as RunEvent[];
}

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

/** The last user message of a chat request body (the instruction, plus its input). */
export function userMessageOf(body: unknown): string | undefined {
  const messages = (body as { messages?: Array<{ role: string; content: string }> } | undefined)?.messages;
  if (!Array.isArray(messages)) return undefined;
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]?.role === "user") return messages[i]?.content;
  return undefined;
}

/** Chat-completion requests only (the server also answers GET /v1/models, which the CLI never calls). */
export function chatRequests(server: ScriptedServer, from = 0): RecordedRequest[] {
  return server.requests.slice(from).filter((r) => r.path === "/v1/chat/completions");
}

export interface CachedRow {
  key: string;
  request: string;
  result: string;
  sample: number;
}

/**
 * Every finished call the run directory holds: rows of cache.sqlite (opened read-only, so nothing is
 * checkpointed or replayed) plus the lines of cache.journal (finished calls not yet committed; replayed
 * into SQLite by the next open). A torn last journal line is not a finished call and is skipped.
 */
export function finishedCalls(runDir: string): CachedRow[] {
  const rows: CachedRow[] = [];
  const dbPath = join(runDir, "cache.sqlite");
  if (existsSync(dbPath)) {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const hasTable = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'calls'")
        .get();
      if (hasTable)
        rows.push(...(db.prepare("SELECT key, request, result, sample FROM calls").all() as CachedRow[]));
    } finally {
      db.close();
    }
  }
  const journal = join(runDir, "cache.journal");
  if (existsSync(journal)) {
    for (const line of readFileSync(journal, "utf8").split("\n")) {
      if (!line) continue;
      try {
        const row = JSON.parse(line) as CachedRow;
        rows.push({ key: row.key, request: row.request, result: row.result, sample: row.sample });
      } catch {
        // torn last line: the call was not finished
      }
    }
  }
  return rows;
}

/** User messages of the finished calls (the cached `request` is canonical JSON with `messages`). */
export function finishedUserMessages(runDir: string): Set<string> {
  const out = new Set<string>();
  for (const row of finishedCalls(runDir)) {
    const message = userMessageOf(JSON.parse(row.request));
    if (message !== undefined) out.add(message);
  }
  return out;
}

/** Every regular file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = statSync(path);
    if (info.isDirectory()) out.push(...filesUnder(path));
    else if (info.isFile()) out.push(path);
  }
  return out;
}

/** Polls `condition` every few milliseconds; fails after `timeoutMs` (a safety net, not a speed check). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Counts the keys of `values`, for assertions like "each (source, sample) exactly once". */
export function countBy<T>(values: readonly T[], keyOf: (value: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(keyOf(value), (counts.get(keyOf(value)) ?? 0) + 1);
  return counts;
}

/** `source_id#sample` of an output record. */
export function sourceSample(record: Record<string, unknown>): string {
  const lineage = record.lineage as { source_id: string };
  return `${lineage.source_id}#${String(record.sample)}`;
}

export const MODEL = "test-model";

/** The options every CLI test run against a scripted server passes: server, model, quiet, fast retries. */
export function serverArgs(baseUrl: string): string[] {
  return ["--base-url", baseUrl, "--model", MODEL, "--progress", "none", "--retry-base-ms", "20"];
}

export type Cleanup = () => Promise<void> | void;

/** A list of cleanups run (last first) after each test of the calling file. */
export function cleanupsAfterEach(): Cleanup[] {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });
  return cleanups;
}

export interface RespondFixture {
  dir: string;
  server: ScriptedServer;
  input: string;
  out: string;
  runDir: string;
  /** `respond` with input, output, server, model, quiet progress and fast retries, plus `extra`. */
  args(extra?: string[], input?: string): string[];
}

/** A temp dir, a scripted server and the argv of a `respond` run against it; all cleaned up after the test. */
export async function respondFixture(
  cleanups: Cleanup[],
  options: ScriptedServerOptions = {},
  inputName = "instructions.jsonl",
): Promise<RespondFixture> {
  const dir = tempDir("selfalign-respond-");
  cleanups.push(() => removeDir(dir));
  const server = await startScriptedServer(options);
  cleanups.push(() => server.close());
  const input = join(dir, inputName);
  const out = join(dir, "out.jsonl");
  const base = ["--out", out, "--base-url", server.baseUrl, "--model", MODEL, "--progress", "none"];
  return {
    dir,
    server,
    input,
    out,
    runDir: `${out}.run`,
    args: (extra = [], inPath = input) => [
      "respond",
      "--in",
      inPath,
      ...base,
      "--retry-base-ms",
      "20",
      ...extra,
    ],
  };
}
