/**
 * Unnatural Instructions (Honovich et al., 2022). The algorithm, step by step:
 *  1. Core generation (unnatural-core.ts): show the model three seed examples of (instruction, input,
 *     constraints), chosen at random, and sample a fourth; ask its output in a separate, greedy call;
 *     drop invalid examples and exact duplicates (same instruction and input); repeat until `count`
 *     examples are kept.
 *  2. Template expansion (unnatural-reformulate.ts): reword every kept instruction K times; a rewording
 *     keeps the input, constraints and output of its example. Drop rewordings equal to the original or
 *     to an example already in the output.
 * Output, in `outDir`: instructions.jsonl (core examples first, in draw order, then the reformulations,
 * in the order of their examples) and dropped.jsonl (every drop with its reason).
 */
import { join } from "node:path";
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { ExactDedup } from "../../text/exact-dup.js";
import type { FilterOptions } from "../../text/filters.js";
import { canonicalJson, sha256 } from "../../util/canonical.js";
import { Draws } from "../shared/draws.js";
import { pinRecipe } from "../shared/recipe.js";
import { DropLog, RecordOutput } from "../shared/record-output.js";
import { withDefaults } from "../shared/settings.js";
import { type StopReason, stopReasonOf } from "../shared/stop-reason.js";
import type { SeedTask } from "./seed-tasks.js";
import { type CoreCounters, generateCore, type Sampling } from "./unnatural-core.js";
import { dedupKey, seedExample, type UnnaturalRecord } from "./unnatural-example.js";
import { askRewordings, decideRewordings, type Reformulation } from "./unnatural-reformulate.js";

export interface UnnaturalSettings {
  /** Rewordings asked per core example (0: none). */
  reformulations: number;
  /** Seed examples shown per generation prompt (the paper: 3). */
  inContext: number;
  /** Generation draws after which the loop gives up short of `count`; default 4 × count. */
  maxDraws?: number;
  /** Sampling of the generation and reformulation calls. */
  generation: Sampling;
  /** Sampling of the output calls. */
  output: Sampling;
  /** Apply Self-Instruct's heuristic instruction filters (off unless given). */
  heuristics?: FilterOptions;
  /** Draws in progress at once; default twice the model's concurrency. */
  lookahead?: number;
}

export const UNNATURAL_DEFAULTS: UnnaturalSettings = {
  reformulations: 3,
  inContext: 3,
  // The paper decoded with nucleus sampling, p = 0.99, for examples and greedily for outputs.
  generation: { temperature: 1, topP: 0.99, maxTokens: 1024 },
  output: { temperature: 0, maxTokens: 1024 },
};

export interface UnnaturalOptions extends Partial<UnnaturalSettings> {
  engine: RunEngine;
  model: LanguageModel;
  seeds: readonly SeedTask[];
  /** Core examples wanted. */
  count: number;
  /** Directory for instructions.jsonl and dropped.jsonl (must exist). */
  outDir: string;
  /** Counters to update as the run goes (for live progress); a fresh object when omitted. */
  stats?: UnnaturalStats;
}

export interface UnnaturalStats {
  /** Core examples kept (written now or found already written). */
  core: number;
  /** Reformulation records kept. */
  reformulations: number;
  /** Requests asked of the engine, cached or not. */
  requests: { generate: number; output: number; reformulate: number };
  /** Records written to instructions.jsonl in this session / already there from an earlier one. */
  written: number;
  alreadyWritten: number;
  dropped: Record<string, number>;
  /** maxDraws were spent before `count` core examples were kept. */
  exhausted: boolean;
  maxDraws: number;
  stoppedBy?: StopReason;
}

export function newUnnaturalStats(): UnnaturalStats {
  return {
    core: 0,
    reformulations: 0,
    requests: { generate: 0, output: 0, reformulate: 0 },
    written: 0,
    alreadyWritten: 0,
    dropped: {},
    exhausted: false,
    maxDraws: 0,
  };
}

export async function unnatural(options: UnnaturalOptions): Promise<UnnaturalStats> {
  const { engine, model, seeds, count } = options;
  const D = UNNATURAL_DEFAULTS;
  const settings: UnnaturalSettings = {
    reformulations: options.reformulations ?? D.reformulations,
    inContext: options.inContext ?? D.inContext,
    maxDraws: options.maxDraws,
    generation: withDefaults(D.generation, options.generation),
    output: withDefaults(D.output, options.output),
    heuristics: options.heuristics,
    lookahead: options.lookahead,
  };
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`count must be a positive integer, got ${count}`);
  if (seeds.length === 0) throw new Error("no seed examples");
  if (!Number.isInteger(settings.reformulations) || settings.reformulations < 0) {
    throw new Error(`reformulations must be an integer >= 0, got ${settings.reformulations}`);
  }
  // Everything that shapes the draws and the decisions; resuming with other values would append records
  // of a different run, never compared with those already written. (count and maxDraws only say how much.)
  pinRecipe(engine.runDir, "unnatural", {
    reformulations: settings.reformulations,
    inContext: settings.inContext,
    generation: settings.generation,
    output: settings.output,
    heuristics: settings.heuristics ?? null,
    seeds: sha256(
      canonicalJson(seeds.map((s) => [s.id, s.instruction, seedExample(s).input, s.constraints])),
    ),
    rngSeed: engine.rng.seed,
    model: model.id,
  });
  const stats = options.stats ?? newUnnaturalStats();
  stats.maxDraws = settings.maxDraws ?? 4 * count;
  const output = await RecordOutput.open<UnnaturalRecord>(
    join(options.outDir, "instructions.jsonl"),
    engine.runDir.events,
  );
  const drops = await DropLog.open(join(options.outDir, "dropped.jsonl"), engine.runDir.events);
  stats.dropped = drops.byReason;
  const write = (record: UnnaturalRecord) => {
    output.write(record);
    stats.written = output.written;
    stats.alreadyWritten = output.alreadyThere;
  };

  // Seeds are part of the duplicate check: an example copied from a seed is not new.
  const dedup = new ExactDedup();
  for (const seed of seeds) dedup.add(`seed:${seed.id}`, dedupKey(seed.instruction, seedExample(seed).input));
  const draws = new Draws(engine);
  const K = settings.reformulations;
  const reformulating: Array<{ core: UnnaturalRecord; reply: Promise<Reformulation> }> = [];
  const counters: CoreCounters = { draws: 0, outputs: 0, kept: 0 };
  const sync = () => {
    stats.requests.generate = counters.draws;
    stats.requests.output = counters.outputs;
    stats.core = counters.kept;
  };

  try {
    const core = await generateCore({
      engine,
      model,
      seeds,
      draws,
      dedup,
      settings: {
        count,
        maxDraws: stats.maxDraws,
        inContext: settings.inContext,
        generation: settings.generation,
        output: settings.output,
        heuristics: settings.heuristics,
        lookahead: settings.lookahead ?? 2 * engine.lane(model).settings.concurrency,
      },
      counters,
      keep(record) {
        write(record);
        sync();
        if (K > 0) {
          stats.requests.reformulate++;
          const reply = askRewordings(
            { engine, model, draws, count: K, sampling: settings.generation },
            record,
          );
          reply.catch(() => {}); // awaited (and its error handled) in order below
          reformulating.push({ core: record, reply });
        }
      },
      drop: (record) => drops.drop(record),
    });
    sync();
    stats.exhausted = core.exhausted;
    stats.stoppedBy = core.stop;
    // Reformulations are decided only once the core set is final: a stopped run would otherwise keep
    // rewordings that a core example made after the resume turns into duplicates.
    if (!stats.stoppedBy) {
      for (const { core: record, reply } of reformulating) {
        let reformulation: Reformulation;
        try {
          reformulation = await reply;
        } catch (error) {
          stats.stoppedBy = stopReasonOf(error);
          break;
        }
        const decided = decideRewordings(record, reformulation, K, dedup, settings.heuristics);
        for (const r of decided.kept) write(r);
        for (const d of decided.dropped) drops.drop(d);
        stats.reformulations += decided.kept.length;
      }
    }
  } finally {
    await Promise.allSettled(reformulating.map((r) => r.reply));
    output.close();
    drops.close();
  }
  return stats;
}
