/**
 * What every model-calling command shares: open the run directory, build the engine and the model lanes,
 * turn Ctrl-C into a clean stop, show progress, and end with a token and cost summary. Commands supply
 * only their method call.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { RunConfig } from "../config/model-config.js";
import { RunEngine } from "../engine/engine.js";
import { type ProgressSnapshot, startProgress } from "../engine/progress.js";
import { RunDirectory } from "../engine/run-dir.js";
import type { LanguageModel } from "../llm/language-model.js";
import { type Price, type PriceTable, readPriceTable } from "../llm/pricing.js";
import type { ResolvedModelConfig } from "../llm/resolve-model.js";
import { redact } from "../util/secrets.js";

export type SessionStatus = "complete" | "budget" | "interrupted" | "partial";

export interface SessionOutcome {
  status: SessionStatus;
  /** Method-specific figures for the summary (counts, files). */
  result: Record<string, unknown>;
  /** One-line human summary of the method's result. */
  headline: string;
}

export interface SessionOptions {
  /** Also write the session summary here (e.g. `<out>/summary.json` beside a method's outputs). */
  summaryPath?: string;
}

export interface SessionContext {
  engine: RunEngine;
  progress(label: string, snapshot: () => Pick<ProgressSnapshot, "done" | "total" | "failed">): void;
}

export const EXIT = { ok: 0, error: 1, partial: 2, budget: 3, interrupted: 130 } as const;

export async function runSession(
  command: string,
  runDirPath: string,
  run: RunConfig,
  models: Array<{ model: LanguageModel; config: ResolvedModelConfig }>,
  config: Record<string, unknown>,
  body: (ctx: SessionContext) => Promise<SessionOutcome>,
  options: SessionOptions = {},
): Promise<number> {
  let runDir: RunDirectory | undefined;
  try {
    // Read before the run directory is touched: a bad price file should not leave a session behind.
    const prices: PriceTable = run.prices ? readPriceTable(run.prices) : {};
    runDir = RunDirectory.open(runDirPath, {
      command,
      ...config,
      run,
      models: models.map(({ config: c }) => describeModel(c)),
      versions: versions(),
    });
    return await runInDirectory(command, runDir, run, prices, models, body, options);
  } finally {
    // Also on a setup error (e.g. --max-cost without a price): release the lock and the models, so the
    // directory is not left locked and a local model does not keep the process alive.
    await closeModels(models);
    runDir?.close();
  }
}

async function runInDirectory(
  command: string,
  runDir: RunDirectory,
  run: RunConfig,
  prices: PriceTable,
  models: Array<{ model: LanguageModel; config: ResolvedModelConfig }>,
  body: (ctx: SessionContext) => Promise<SessionOutcome>,
  options: SessionOptions,
): Promise<number> {
  let engine: RunEngine;
  try {
    engine = new RunEngine(runDir, {
      seed: run.seed,
      budget: { maxCalls: run.maxCalls, maxTokens: run.maxTokens, maxCost: run.maxCost },
    });
    for (const { model, config: c } of models) {
      engine.addModel(model, {
        concurrency: c.concurrency,
        rpm: c.rpm,
        tpm: c.tpm,
        price: priceFor(model, c, prices),
        backoff: { retries: c.retries, baseMs: c.retryBaseMs, maxMs: 60_000 },
      });
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    runDir.events.emit({ type: "session-error", message });
    runDir.finish("error", { command, status: "error", error: message });
    throw error;
  }
  const startedAt = performance.now();
  runDir.events.emit({ type: "session-start", command, session: runDir.sessionId, pid: process.pid });

  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) {
      // Everything finished is already in the cache and the output; quitting now loses only calls in flight.
      process.stderr.write("\nquitting now; re-run the same command to resume\n");
      process.exit(EXIT.interrupted);
    }
    runDir.events.emit({ type: "interrupt", signal });
    process.stderr.write(
      `\n${signal}: finishing calls in flight, then stopping (press Ctrl-C again to quit now)\n`,
    );
    engine.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const stops: Array<() => void> = [];
  const ctx: SessionContext = {
    engine,
    progress(label, snapshot) {
      const reporter = startProgress(label, run.progress, () => ({
        ...snapshot(),
        ...engineFigures(engine),
      }));
      stops.push(() => reporter.stop());
    },
  };

  let outcome: SessionOutcome;
  try {
    outcome = await body(ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    runDir.events.emit({ type: "session-error", message });
    runDir.finish("error", { command, status: "error", error: message, ...spend(engine) });
    throw error;
  } finally {
    for (const stop of stops) stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const summary = {
    command,
    status: outcome.status,
    ...outcome.result,
    ...spend(engine),
    elapsedS: Math.round((performance.now() - startedAt) / 100) / 10,
    runDir: runDir.path,
  };
  runDir.events.emit({ type: "session-end", ...summary });
  runDir.finish(outcome.status, summary);
  if (options.summaryPath)
    writeFileSync(options.summaryPath, `${redact(JSON.stringify(summary, null, 2))}\n`);
  process.stderr.write(formatSummary(command, outcome, engine, runDir.path));
  return exitCodeOf(outcome.status);
}

function exitCodeOf(status: SessionStatus): number {
  if (status === "budget") return EXIT.budget;
  if (status === "interrupted") return EXIT.interrupted;
  if (status === "partial") return EXIT.partial;
  return EXIT.ok;
}

async function closeModels(models: Array<{ model: LanguageModel }>): Promise<void> {
  await Promise.all(models.map(({ model }) => model.close?.()));
}

function priceFor(model: LanguageModel, c: ResolvedModelConfig, table: PriceTable): Price | undefined {
  if (c.priceInput !== undefined || c.priceOutput !== undefined) {
    return { input: c.priceInput ?? 0, output: c.priceOutput ?? 0 };
  }
  return table[model.modelName];
}

/** The model part of config.json: how to reach it, never the key itself. */
function describeModel(c: ResolvedModelConfig): Record<string, unknown> {
  return { ...c, apiKey: undefined };
}

function engineFigures(engine: RunEngine) {
  let retries = 0;
  let failed = 0;
  for (const lane of engine.lanes()) {
    retries += lane.counters.retries;
    failed += lane.counters.failures;
  }
  const s = engine.session;
  return {
    cached: s.cachedSamples,
    calls: s.calls,
    retries,
    callFailures: failed,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    cost: s.cost,
  };
}

function spend(engine: RunEngine) {
  const s = engine.session;
  return {
    session: { ...engineFigures(engine), freshSamples: s.freshSamples },
    runTotals: engine.runDir.cache.totalsByModel(),
  };
}

function formatSummary(command: string, outcome: SessionOutcome, engine: RunEngine, path: string): string {
  const f = engineFigures(engine);
  const lines = [
    "",
    `${command}: ${outcome.status} - ${outcome.headline}`,
    `this session: ${f.calls} calls, ${f.cached} cached samples, ${f.retries} retries; tokens in ${f.inputTokens}, out ${f.outputTokens}; cost ${f.cost.toFixed(4)}`,
  ];
  for (const t of engine.runDir.cache.totalsByModel()) {
    lines.push(
      `run total ${t.model}: ${t.calls} calls; tokens in ${t.inputTokens}, out ${t.outputTokens}; cost ${t.cost.toFixed(4)}`,
    );
  }
  lines.push(`run directory: ${path}`, "");
  return lines.join("\n");
}

function versions(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return { selfalign: pkg.version, node: process.version };
}
