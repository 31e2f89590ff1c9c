/**
 * `selfInstruct`: the library entry point behind `selfalign self-instruct`. Opens the output files,
 * picks the strategy (Self-Instruct or its Alpaca variant), runs the bootstrap loop and reports the
 * funnel. Output files in `outDir`: instructions.jsonl (kept tasks) and dropped.jsonl (with reasons).
 */
import { join } from "node:path";
import { InputError } from "../../data/input-error.js";
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import type { FilterOptions } from "../../text/filters.js";
import type { TokenizerMode } from "../../text/tokenize.js";
import { canonicalJson, sha256 } from "../../util/canonical.js";
import { pinRecipe } from "../shared/recipe.js";
import { DropLog, type IdentifiedRecord, RecordOutput } from "../shared/record-output.js";
import { withDefaults } from "../shared/settings.js";
import { ALPACA_DEFAULTS, type AlpacaSettings, AlpacaStrategy } from "./alpaca.js";
import { type BootstrapStats, type BootstrapStrategy, newBootstrapStats, runBootstrap } from "./bootstrap.js";
import type { SeedTask } from "./seed-tasks.js";
import { SELF_INSTRUCT_DEFAULTS, type SelfInstructSettings, SelfInstructStrategy } from "./self-instruct.js";

export interface SelfInstructOptions {
  engine: RunEngine;
  model: LanguageModel;
  seeds: readonly SeedTask[];
  /** Tasks wanted in instructions.jsonl. */
  count: number;
  outDir: string;
  style?: "self-instruct" | "alpaca";
  /** Prompts per round (default 5, as both papers). */
  batchSize?: number;
  /** Give up after this many rounds (default: enough for 4x the expected need, at least 10). */
  maxRounds?: number;
  /** ROUGE-L F above which a new task is a near-duplicate of the pool (default 0.7). */
  threshold?: number;
  tokenizer?: TokenizerMode;
  filters?: FilterOptions;
  selfInstruct?: Partial<SelfInstructSettings>;
  alpaca?: Partial<AlpacaSettings>;
  /** Counters updated while the run goes (live progress); a fresh object when omitted. */
  stats?: BootstrapStats;
}

export interface SelfInstructResult extends BootstrapStats {
  instructionsPath: string;
  droppedPath: string;
  /** Records found already written by an earlier session. */
  alreadyWritten: number;
}

export async function selfInstruct(options: SelfInstructOptions): Promise<SelfInstructResult> {
  const { engine, model, seeds, count } = options;
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`count must be a positive integer, got ${count}`);
  if (seeds.length === 0) throw new Error("no seed tasks");
  const style = options.style ?? "self-instruct";
  if (style === "alpaca") requireOutputs(seeds);
  const batchSize = options.batchSize ?? 5;
  const threshold = options.threshold ?? 0.7;
  const tokenizer = options.tokenizer ?? "auto";
  const filters = options.filters ?? {};
  const completion = options.selfInstruct?.completion ?? options.alpaca?.completion ?? false;
  const alpaca = mergeSettings(ALPACA_DEFAULTS, { completion, ...options.alpaca });
  const selfInstructSettings = mergeSettings(SELF_INSTRUCT_DEFAULTS, { completion, ...options.selfInstruct });
  // Everything that shapes the rounds; resuming with other values would mix two runs in one file.
  pinRecipe(engine.runDir, "self-instruct", {
    style,
    batchSize,
    threshold,
    tokenizer,
    filters,
    settings: style === "alpaca" ? alpaca : selfInstructSettings,
    seeds: sha256(canonicalJson(seeds.map((s) => [s.id, s.instruction, s.instances]))),
    rngSeed: engine.rng.seed,
    model: model.id,
  });

  const instructionsPath = join(options.outDir, "instructions.jsonl");
  const droppedPath = join(options.outDir, "dropped.jsonl");
  const output = await RecordOutput.open(instructionsPath, engine.runDir.events);
  const drops = await DropLog.open(droppedPath, engine.runDir.events);
  const stats = options.stats ?? newBootstrapStats();
  const strategy: BootstrapStrategy<IdentifiedRecord> =
    style === "alpaca"
      ? new AlpacaStrategy(model, alpaca)
      : new SelfInstructStrategy(engine, model, selfInstructSettings);
  // Expected yield per request is unknown up front; allow generously, then stop rather than loop forever
  // on a model whose replies never parse.
  const perRequest = style === "alpaca" ? alpaca.perRequest : 4;
  const maxRounds = options.maxRounds ?? Math.max(10, 4 * Math.ceil(count / (batchSize * perRequest)));
  try {
    await runBootstrap(strategy, {
      engine,
      model,
      seeds,
      count,
      batchSize,
      maxRounds,
      threshold,
      tokenizer,
      filters,
      lookahead: engine.lane(model).settings.concurrency * 2,
      output,
      drops,
      stats,
    });
  } finally {
    output.close();
    drops.close();
  }
  return { ...stats, instructionsPath, droppedPath, alreadyWritten: output.alreadyThere };
}

/** Defaults under overrides, one level deep: setting only a temperature keeps the default token limit. */
function mergeSettings<T extends object>(defaults: T, overrides: Partial<T>): T {
  const out = withDefaults(defaults, overrides);
  for (const [key, base] of Object.entries(defaults)) {
    const given = (overrides as Record<string, unknown>)[key];
    if (base && typeof base === "object" && !Array.isArray(base) && given && typeof given === "object") {
      (out as Record<string, unknown>)[key] = withDefaults(base as object, given);
    }
  }
  return out;
}

/** The Alpaca style shows complete tasks, so every seed needs an output. */
function requireOutputs(seeds: readonly SeedTask[]): void {
  const bare = seeds.find((seed) => seed.instances.length === 0);
  if (bare) {
    throw new InputError(
      bare.source.file,
      bare.source.line,
      "the alpaca style shows complete seed tasks, and this seed has no output (give `output` or `instances`)",
      { field: "output" },
    );
  }
}
