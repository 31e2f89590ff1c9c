/**
 * The shape shared by method commands (self-instruct, unnatural, topics, from-dataset, ...): an output
 * directory holding the method's files, the run directory (`<out>/run` unless --run-dir says otherwise)
 * and a copy of the session summary (`<out>/summary.json`); one model from the usual model options.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { LanguageModel } from "../llm/language-model.js";
import { createModel, type ResolvedModelConfig, withEnvironment } from "../llm/resolve-model.js";
import type { StopReason } from "../methods/shared/stop-reason.js";
import { statusOf } from "../methods/shared/stop-reason.js";
import { addModelOptions, addRunOptions, parseModelConfig, parseRunConfig } from "./options.js";
import { runSession, type SessionContext, type SessionOutcome } from "./session.js";

export const METHOD_HELP_FOOTER = `
Environment: OPENAI_BASE_URL, SELFALIGN_MODEL and the key variable (default OPENAI_API_KEY) fill in
--base-url, --model and the key. Without a base URL, --model names the local model (a GGUF path).
The run directory defaults to <out>/run; re-run the same command after a crash or Ctrl-C to resume:
finished calls come from the cache and records already written are not written again.
Exit codes: 0 done, 1 error, 2 stopped on a failed call (re-run to retry), 3 budget reached, 130 interrupted.`;

/** Adds --out DIR and the model and run options; the caller adds its own options first. */
export function addMethodOptions(cmd: Command): Command {
  cmd.requiredOption("--out <dir>", "output directory (created; a re-run with the same one resumes)");
  addModelOptions(cmd);
  addRunOptions(cmd);
  cmd.addHelpText("after", METHOD_HELP_FOOTER);
  return cmd;
}

export interface MethodContext extends SessionContext {
  model: LanguageModel;
  modelConfig: ResolvedModelConfig;
  outDir: string;
  /** The models of `MethodCommandOptions.extraModels`, in its order (empty without it). */
  extraModels: LanguageModel[];
}

export interface MethodCommandOptions {
  /**
   * Models the method calls besides the main one (e.g. Humpback's backward model), derived from the
   * main model's resolved config. Each gets its own lane (concurrency, limits, price) and is listed in
   * the run's config.json.
   */
  extraModels?: (main: ResolvedModelConfig) => ResolvedModelConfig[];
}

/**
 * Resolves the model and the run directory and runs `body` in a session. `validate` runs first, before a
 * model is loaded or a directory created: bad input should cost nothing.
 */
export async function runMethodCommand(
  command: string,
  opts: Record<string, unknown>,
  config: Record<string, unknown>,
  body: (ctx: MethodContext) => Promise<SessionOutcome>,
  options: MethodCommandOptions = {},
): Promise<number> {
  const modelConfig = withEnvironment(parseModelConfig(opts));
  const extraConfigs = options.extraModels?.(modelConfig) ?? [];
  const run = parseRunConfig(opts);
  const outDir = resolve(String(opts.out));
  mkdirSync(outDir, { recursive: true });
  const models: Array<{ model: LanguageModel; config: ResolvedModelConfig }> = [];
  try {
    for (const c of [modelConfig, ...extraConfigs]) models.push({ model: await createModel(c), config: c });
  } catch (error) {
    await Promise.all(models.map(({ model }) => model.close?.()));
    throw error;
  }
  const model = models[0]!.model;
  const extraModels = models.slice(1).map((m) => m.model);
  return runSession(
    command,
    run.runDir ?? join(outDir, "run"),
    run,
    models,
    { out: outDir, ...config },
    (ctx) => body({ ...ctx, model, modelConfig, outDir, extraModels }),
    { summaryPath: join(outDir, "summary.json") },
  );
}

/** A session outcome from a method's stop reason, result figures and headline. */
export function methodOutcome(
  stop: StopReason | undefined,
  result: Record<string, unknown>,
  headline: string,
): SessionOutcome {
  const status = statusOf(stop);
  const suffix = stop
    ? `; stopped: ${stop.message}${stop.kind === "failed" ? " (re-run to retry)" : ""}`
    : "";
  return { status, result: stop ? { ...result, stopped: stop } : result, headline: headline + suffix };
}
