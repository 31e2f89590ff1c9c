/**
 * Tokens, cost and time per model and step. Totals come from each run directory's summary.json
 * (`runTotals`: all sessions, per model); time from its cache.sqlite, opened read-only: the sum of
 * call latencies per model, and the wall-clock time of all sessions. A step with several run
 * directories (respond with several models) adds them up.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { readJsonObject, type StepDir } from "./discover.js";
import type { SpendRow, StepTime } from "./types.js";

interface Totals {
  model?: unknown;
  calls?: unknown;
  inputTokens?: unknown;
  outputTokens?: unknown;
  cost?: unknown;
}

const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

export function spendOf(step: StepDir): { rows: SpendRow[]; time: StepTime } {
  const byModel = new Map<string, SpendRow>();
  const time: StepTime = { step: step.name, sessions: 0, seconds: null };
  const sources = step.runDirs.length > 0 ? step.runDirs : [null];
  for (const runDir of sources) {
    const summary = runDir ? readJsonObject(join(runDir, "summary.json")) : step.summary;
    const fromDb = readCache(runDir);
    const totals = Array.isArray(summary?.runTotals) ? (summary.runTotals as Totals[]) : [];
    const rows: Omit<SpendRow, "step">[] = totals.map((t) => {
      const model = String(t.model ?? "unknown");
      return {
        model,
        calls: n(t.calls),
        inputTokens: n(t.inputTokens),
        outputTokens: n(t.outputTokens),
        cost: n(t.cost),
        callSeconds: fromDb?.latency.get(model) ?? null,
      };
    });
    // No summary yet (the first session is still running): the cache's own totals.
    if (rows.length === 0 && fromDb) rows.push(...fromDb.totals);
    for (const r of rows) {
      const sum = byModel.get(r.model);
      if (!sum) byModel.set(r.model, { step: step.name, ...r });
      else {
        sum.calls += r.calls;
        sum.inputTokens += r.inputTokens;
        sum.outputTokens += r.outputTokens;
        sum.cost += r.cost;
        if (r.callSeconds !== null) sum.callSeconds = (sum.callSeconds ?? 0) + r.callSeconds;
      }
    }
    const elapsed = typeof summary?.elapsedS === "number" ? summary.elapsedS : null;
    const seconds = fromDb ? (fromDb.seconds ?? elapsed) : elapsed;
    time.sessions += fromDb ? fromDb.sessions : elapsed === null ? 0 : 1;
    if (seconds !== null) time.seconds = Math.round(((time.seconds ?? 0) + seconds) * 10) / 10;
  }
  return { rows: [...byModel.values()], time };
}

interface CacheFigures {
  latency: Map<string, number>;
  totals: Omit<SpendRow, "step">[];
  sessions: number;
  seconds: number | null;
}

function readCache(runDir: string | null): CacheFigures | null {
  const path = runDir ? join(runDir, "cache.sqlite") : null;
  if (!path || !existsSync(path)) return null;
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma("busy_timeout = 2000");
    // The samples of one call share its id and latency: count each call once.
    const rows = db
      .prepare(
        `SELECT model AS model, COUNT(*) AS calls, SUM(i) AS inputTokens, SUM(o) AS outputTokens,
          SUM(c) AS cost, SUM(l) AS latency FROM (SELECT model_name AS model, SUM(input_tokens) AS i,
          SUM(output_tokens) AS o, SUM(cost) AS c, MAX(latency_ms) AS l FROM calls GROUP BY call_id)
          GROUP BY model`,
      )
      .all() as Array<{
      model: string;
      calls: number;
      inputTokens: number;
      outputTokens: number;
      cost: number;
      latency: number;
    }>;
    const sessions = db.prepare("SELECT started_at AS s, ended_at AS e FROM sessions").all() as Array<{
      s: string;
      e: string | null;
    }>;
    let seconds = 0;
    for (const { s, e } of sessions) {
      const end = e ? Date.parse(e) : Date.now();
      if (Number.isFinite(end) && Number.isFinite(Date.parse(s))) seconds += (end - Date.parse(s)) / 1000;
    }
    return {
      latency: new Map(rows.map((r) => [r.model, Math.round(n(r.latency)) / 1000])),
      totals: rows.map((r) => ({
        model: r.model,
        calls: n(r.calls),
        inputTokens: n(r.inputTokens),
        outputTokens: n(r.outputTokens),
        cost: n(r.cost),
        callSeconds: Math.round(n(r.latency)) / 1000,
      })),
      sessions: sessions.length,
      seconds: sessions.length ? Math.round(seconds * 10) / 10 : null,
    };
  } catch {
    // Locked or not a cache: the summary's figures stand alone.
    return null;
  } finally {
    db?.close();
  }
}
