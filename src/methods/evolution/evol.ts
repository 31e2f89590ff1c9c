/**
 * Evol-Instruct (Xu et al., 2023, WizardLM). The algorithm:
 *  0. The pool is the input instructions (seeds; an input goes with its instruction).
 *  1. Each round, every pool member gets ONE operation, drawn at random: in-breadth (write a new, rarer
 *     instruction of the same domain) with probability `breadthShare`, else one of the in-depth operations
 *     (add constraints, deepen, concretize, add reasoning steps, complicate the input; or the code or math
 *     domain's own). The model rewrites the member with it (evolve-step.ts), answers the result, and the
 *     elimination rules judge the attempt (elimination.ts).
 *  2. A kept in-depth evolution replaces its parent in the pool: the next round evolves it further. A kept
 *     in-breadth evolution is a new instruction and joins the pool beside its parent. An eliminated attempt
 *     leaves its parent in the pool, un-evolved, to be tried again next round with a new draw.
 *  3. Repeat for `rounds` rounds (the paper: 4).
 * Output, in `outDir`: generations.jsonl (seeds and every attempt), dropped.jsonl (the eliminated ones),
 * pool.jsonl (the final pool, once the last round is done); see evol-records.ts.
 */
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { canonicalJson, sha256 } from "../../util/canonical.js";
import type { SeedTask } from "../in-context/seed-tasks.js";
import type { GenerationSettings } from "../responses/respond.js";
import { Draws } from "../shared/draws.js";
import { pinRecipe } from "../shared/recipe.js";
import { withDefaults } from "../shared/settings.js";
import type { StopReason } from "../shared/stop-reason.js";
import { operationChoice, type PoolMember, rootMembers } from "./evol-pool.js";
import {
  type DecideContext,
  decide,
  EvolOutputs,
  type EvolRoundStats,
  newRoundStats,
  poolRecord,
  seedRecord,
} from "./evol-records.js";
import { runEvolRound } from "./evol-round.js";
import { BUILT_IN_OPERATIONS, type EvolDomain, type EvolOperation } from "./operations.js";

export interface EvolSettings {
  /** Rounds of evolution (the paper: 4). */
  rounds: number;
  domain: EvolDomain;
  /** Probability that a member's operation is in-breadth (the paper: 1 of its 6 operations). */
  breadthShare: number;
  /** Ask the model whether an in-depth evolution adds anything (the paper's first elimination rule). */
  gainJudge: boolean;
  /** Sampling of the rewrites (WizardLM's calls: temperature 1, top-p 0.95, up to 2048 tokens). */
  evolution: GenerationSettings;
  /** Sampling of the responses the elimination rules look at (the same as WizardLM's, by default). */
  response: GenerationSettings;
}

export const EVOL_DEFAULTS: EvolSettings = {
  rounds: 4,
  domain: "general",
  breadthShare: 1 / 6,
  gainJudge: true,
  evolution: { temperature: 1, topP: 0.95, maxTokens: 2048 },
  response: { temperature: 1, topP: 0.95, maxTokens: 2048 },
};

export interface EvolOptions extends Partial<EvolSettings> {
  engine: RunEngine;
  model: LanguageModel;
  /** The instructions to evolve (`readSeedTasks`: Self-Instruct, Alpaca or plain text). */
  seeds: readonly SeedTask[];
  /** The operations to draw from; default: the domain's built-in set (see `resolveOperations`). */
  operations?: readonly EvolOperation[];
  /** Directory of generations.jsonl, pool.jsonl and dropped.jsonl (must exist). */
  outDir: string;
  /** Members in progress at once; default twice the model's concurrency. */
  lookahead?: number;
  /** Counters updated as the run goes (live progress); a fresh object when omitted. */
  stats?: EvolStats;
}

export interface EvolStats {
  rounds: number;
  /** Rounds finished (a stopped run finishes fewer). */
  completedRounds: number;
  seeds: number;
  domain: EvolDomain;
  operations: string[];
  perRound: EvolRoundStats[];
  /** The final pool (0 until the last round is done) and how many of its members evolved at least once. */
  pool: number;
  evolved: number;
  /** Eliminations of all rounds, by rule. */
  eliminated: Record<string, number>;
  written: { generations: number; pool: number; dropped: number };
  /** Records found already written by an earlier session (of this run's decisions). */
  alreadyWritten: { generations: number; pool: number };
  stoppedBy?: StopReason;
}

export function newEvolStats(): EvolStats {
  return {
    rounds: 0,
    completedRounds: 0,
    seeds: 0,
    domain: EVOL_DEFAULTS.domain,
    operations: [],
    perRound: [],
    pool: 0,
    evolved: 0,
    eliminated: {},
    written: { generations: 0, pool: 0, dropped: 0 },
    alreadyWritten: { generations: 0, pool: 0 },
  };
}

export async function evolInstruct(options: EvolOptions): Promise<EvolStats> {
  const { engine, model, seeds } = options;
  const settings = resolveSettings(options);
  const operations = options.operations ?? BUILT_IN_OPERATIONS[settings.domain];
  const choice = operationChoice(operations, settings.breadthShare);
  if (seeds.length === 0) throw new Error("no instructions to evolve");
  const roots = rootMembers(seeds);
  // Everything that decides what the rounds make; resuming with other values would mix two runs' trees.
  pinRecipe(engine.runDir, "evol", {
    ...settings,
    operations,
    seeds: sha256(canonicalJson(roots.map((m) => [m.id, m.instruction, m.response ?? null]))),
    rngSeed: engine.rng.seed,
    model: model.id,
  });

  const stats = options.stats ?? newEvolStats();
  stats.rounds = settings.rounds;
  stats.seeds = roots.length;
  stats.domain = settings.domain;
  stats.operations = operations.map((op) => op.id);
  const outputs = await EvolOutputs.open(options.outDir, engine.runDir.events);
  stats.eliminated = outputs.drops.byReason;
  const lookahead = options.lookahead ?? 2 * engine.lane(model).settings.concurrency;
  const draws = new Draws(engine);
  const evolveSettings = {
    evolution: settings.evolution,
    response: settings.response,
    skipGainJudge: !settings.gainJudge,
  };

  try {
    roots.forEach((root, i) => {
      outputs.generations.write(seedRecord(root, settings.domain, (seeds[i] as SeedTask).source));
    });
    syncWritten(stats, outputs);
    let pool: PoolMember[] = roots;
    for (let round = 1; round <= settings.rounds; round++) {
      const roundStats = newRoundStats(round, pool.length);
      stats.perRound.push(roundStats);
      const next: PoolMember[] = [];
      const ctx: DecideContext = {
        round,
        domain: settings.domain,
        model: model.modelName,
        outputs,
        stats: roundStats,
      };
      const stop = await runEvolRound(
        { engine, model, draws, round, choice, settings: evolveSettings, lookahead },
        pool,
        ({ member, operation, evolution }) => {
          next.push(...decide(ctx, member, operation, evolution));
          syncWritten(stats, outputs);
        },
      );
      if (stop) {
        stats.stoppedBy = stop;
        break;
      }
      stats.completedRounds = round;
      pool = next;
    }
    if (!stats.stoppedBy) {
      for (const member of pool) outputs.pool.write(poolRecord(member, settings.domain, model.modelName));
      stats.pool = pool.length;
      stats.evolved = pool.filter((m) => m.depth > 0).length;
    }
  } finally {
    syncWritten(stats, outputs);
    outputs.close();
  }
  return stats;
}

function syncWritten(stats: EvolStats, outputs: EvolOutputs): void {
  stats.written.generations = outputs.generations.written;
  stats.written.pool = outputs.pool.written;
  stats.written.dropped = outputs.drops.total;
  stats.alreadyWritten.generations = outputs.generations.alreadyThere;
  stats.alreadyWritten.pool = outputs.pool.alreadyThere;
}

function resolveSettings(options: Partial<EvolSettings>): EvolSettings {
  const D = EVOL_DEFAULTS;
  const s: EvolSettings = {
    rounds: options.rounds ?? D.rounds,
    domain: options.domain ?? D.domain,
    breadthShare: options.breadthShare ?? D.breadthShare,
    gainJudge: options.gainJudge ?? D.gainJudge,
    evolution: withDefaults(D.evolution, options.evolution),
    response: withDefaults(D.response, options.response),
  };
  if (!Number.isInteger(s.rounds) || s.rounds < 1)
    throw new RangeError(`rounds must be 1 or more, got ${s.rounds}`);
  if (!(s.domain in BUILT_IN_OPERATIONS))
    throw new RangeError(`domain must be general, code or math, got ${s.domain}`);
  return s;
}
