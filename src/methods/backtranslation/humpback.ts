/**
 * Humpback (Li et al., 2023, "Self-Alignment with Instruction Backtranslation"). The algorithm:
 *  0. Candidates: passages of human-written text from a corpus (`readCorpus`, passage unit).
 *  1. Self-augmentation (augment.ts): the backward model writes, for each passage, the instruction it
 *     answers, shown k (output -> instruction) examples drawn from the seeds.
 *  2. Self-curation (curate.ts): the model rates each (instruction, passage) pair on a 5-point rubric
 *     with a short reason; pairs scoring >= the threshold (5) are kept.
 *  3. Rounds 2..R: the pairs the previous round kept join the few-shot pool; each kept passage gets a
 *     new instruction from the enlarged pool, and the new pair is rated again, the rater calibrated by
 *     a few kept pairs. The last round's kept pairs are the result.
 * Output, in `outDir`: curated.jsonl (the final pairs), rated.jsonl (every rating of every round) and
 * dropped.jsonl (ingestion drops, failed instructions, invalid ratings, pairs below the threshold).
 */
import { resolve } from "node:path";
import {
  type CorpusOptions,
  type CorpusReport,
  newCorpusReport,
  readCorpus,
} from "../../data/corpus/index.js";
import { InputError } from "../../data/input-error.js";
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { AUGMENT, AUGMENT_RAW, CURATE } from "../../prompts/humpback.js";
import { promptTag } from "../../prompts/prompt.js";
import { canonicalJson, sha256 } from "../../util/canonical.js";
import type { SeedTask } from "../in-context/seed-tasks.js";
import type { GenerationSettings } from "../responses/respond.js";
import { pinRecipe } from "../shared/recipe.js";
import { withDefaults } from "../shared/settings.js";
import type { StopReason } from "../shared/stop-reason.js";
import { decide, HumpbackOutputs, newRoundStats, type RoundStats } from "./humpback-decide.js";
import { asExample, type KeptPair, type PoolExample, seedExamples } from "./humpback-pairs.js";
import { type RoundContext, type RoundItem, runRound } from "./humpback-round.js";

export interface HumpbackSettings {
  /** Rounds of augmentation and curation (the paper: 2 iterations of curation). */
  rounds: number;
  /** Score (1..5) a pair needs to be kept (the paper's best set: 5). */
  threshold: number;
  /** (output -> instruction) examples per augmentation prompt. */
  inContext: number;
  /** Kept pairs shown to the rater as calibration in rounds after the first (0: none). */
  calibration: number;
  /** Send the backward model the passage alone (a model fine-tuned on output -> instruction). */
  backwardRaw: boolean;
  /** Sampling of the augmentation calls. */
  augmentation: GenerationSettings;
  /** Sampling of the rating calls (greedy by default: a rating should not depend on luck). */
  rating: GenerationSettings;
}

export const HUMPBACK_DEFAULTS: HumpbackSettings = {
  rounds: 2,
  threshold: 5,
  inContext: 3,
  calibration: 2,
  backwardRaw: false,
  augmentation: { temperature: 0.7, maxTokens: 1024 },
  rating: { temperature: 0, maxTokens: 1024 },
};

export interface HumpbackOptions extends Partial<HumpbackSettings> {
  engine: RunEngine;
  /** Rates the pairs (and writes the instructions when no backward model is given). */
  model: LanguageModel;
  /** Writes the instructions; must be added to the engine too. Default: `model`. */
  backwardModel?: LanguageModel;
  /** A file or directory of .txt, .md, .html or record files. */
  corpus: string;
  corpusOptions?: Omit<CorpusOptions, "unit" | "onDrop">;
  /** Seed (instruction, output) pairs for the few-shot prompt; seeds without an output are passed over. */
  seeds: readonly SeedTask[];
  /** Directory of curated.jsonl, rated.jsonl and dropped.jsonl (must exist). */
  outDir: string;
  /** Passages in progress at once; default twice the larger concurrency of the two models. */
  lookahead?: number;
  /** Counters updated as the run goes (live progress); a fresh object when omitted. */
  stats?: HumpbackStats;
}

export interface HumpbackStats {
  rounds: number;
  /** Rounds finished (a stopped run finishes fewer). */
  completedRounds: number;
  /** Seeds usable as examples (those with an output). */
  seedExamples: number;
  ingest: CorpusReport;
  perRound: RoundStats[];
  /** Final pairs: those the last round kept. */
  curated: number;
  written: { rated: number; curated: number; dropped: number };
  /** Records found already written by an earlier session (of this run's decisions). */
  alreadyWritten: { rated: number; curated: number };
  /** Drops of every round and stage, by reason. */
  dropped: Record<string, number>;
  stoppedBy?: StopReason;
}

export function newHumpbackStats(): HumpbackStats {
  return {
    rounds: 0,
    completedRounds: 0,
    seedExamples: 0,
    ingest: newCorpusReport(),
    perRound: [],
    curated: 0,
    written: { rated: 0, curated: 0, dropped: 0 },
    alreadyWritten: { rated: 0, curated: 0 },
    dropped: {},
  };
}

export async function humpback(options: HumpbackOptions): Promise<HumpbackStats> {
  const { engine, model, seeds } = options;
  const backward = options.backwardModel ?? model;
  const settings = resolveSettings(options);
  const seedPool = usableSeedExamples(seeds, settings);
  const corpus = resolve(options.corpus);
  const corpusOptions: CorpusOptions = { ...options.corpusOptions, unit: "passage" };
  // Everything that decides what the rounds make; resuming with other values would mix two runs' records.
  pinRecipe(engine.runDir, "humpback", {
    ...settings,
    corpus,
    corpusOptions,
    seeds: sha256(canonicalJson(seedPool)),
    rngSeed: engine.rng.seed,
    model: model.id,
    backwardModel: backward.id,
  });

  const stats = options.stats ?? newHumpbackStats();
  stats.rounds = settings.rounds;
  stats.seedExamples = seedPool.length;
  const records = {
    model: model.modelName,
    backwardModel: backward.modelName,
    prompts: [settings.backwardRaw ? AUGMENT_RAW : AUGMENT, CURATE].map(promptTag),
  };
  const lookahead =
    options.lookahead ??
    2 * Math.max(engine.lane(model).settings.concurrency, engine.lane(backward).settings.concurrency);
  const outputs = await HumpbackOutputs.open(options.outDir, engine.runDir.events);
  stats.dropped = outputs.drops.byReason;

  let previous: KeptPair[] = [];
  let pool: PoolExample[] = seedPool;
  try {
    for (let round = 1; round <= settings.rounds; round++) {
      const roundStats = newRoundStats(round, pool.length, previous.length);
      stats.perRound.push(roundStats);
      const kept: KeptPair[] = [];
      const items: AsyncIterable<RoundItem> | Iterable<RoundItem> =
        round === 1
          ? corpusItems(corpus, corpusOptions, stats.ingest, roundStats)
          : previous.map((pair) => ({ kind: "candidate", passage: pair.passage, parent: pair }));
      const ctx: RoundContext = {
        engine,
        model,
        backward,
        round,
        pool,
        previous,
        augment: {
          inContext: settings.inContext,
          raw: settings.backwardRaw,
          sampling: settings.augmentation,
        },
        curate: {
          calibration: settings.calibration,
          threshold: settings.threshold,
          sampling: settings.rating,
        },
        lookahead,
        requests: roundStats.requests,
      };
      const last = round === settings.rounds;
      const decideCtx = {
        round,
        last,
        threshold: settings.threshold,
        records,
        outputs,
        stats: roundStats,
        kept,
      };
      const stop = await runRound(ctx, items, (outcome) => {
        decide(decideCtx, outcome);
        if (last) stats.curated = kept.length;
        syncWritten(stats, outputs);
      });
      if (stop) {
        stats.stoppedBy = stop;
        break;
      }
      stats.completedRounds = round;
      previous = kept;
      // The curated pairs join the seeds as examples for the next round's instructions.
      pool = [...seedPool, ...kept.map(asExample)];
    }
  } finally {
    syncWritten(stats, outputs);
    outputs.close();
  }
  return stats;
}

/**
 * The seeds as few-shot examples; an error naming the seed file when the prompt needs examples and no
 * seed has an output (checked by the CLI before a model is loaded, too).
 */
export function usableSeedExamples(
  seeds: readonly SeedTask[],
  settings: Pick<HumpbackSettings, "backwardRaw" | "inContext">,
): PoolExample[] {
  const pool = seedExamples(seeds);
  if (!settings.backwardRaw && settings.inContext > 0 && pool.length === 0) {
    throw new InputError(
      seeds[0]?.source.file ?? "(seeds)",
      undefined,
      "no seed has an output: the few-shot prompt shows (output -> instruction) pairs (give `output` or `instances`)",
      { field: "output" },
    );
  }
  return pool;
}

/** Passages of the corpus, with the passages ingestion dropped in their place in the order. */
async function* corpusItems(
  corpus: string,
  options: CorpusOptions,
  report: CorpusReport,
  roundStats: RoundStats,
): AsyncGenerator<RoundItem> {
  const dropped: RoundItem[] = [];
  const passages = readCorpus(
    corpus,
    {
      ...options,
      onDrop: (passage, reason, detail) => dropped.push({ kind: "ingest-drop", passage, reason, detail }),
    },
    report,
  );
  for await (const passage of passages) {
    yield* dropped.splice(0);
    roundStats.candidates++;
    yield { kind: "candidate", passage };
  }
  yield* dropped.splice(0);
}

function syncWritten(stats: HumpbackStats, outputs: HumpbackOutputs): void {
  stats.written.rated = outputs.rated.written;
  stats.written.curated = outputs.curated.written;
  stats.written.dropped = outputs.drops.total;
  stats.alreadyWritten.rated = outputs.rated.alreadyThere;
  stats.alreadyWritten.curated = outputs.curated.alreadyThere;
}

function resolveSettings(options: Partial<HumpbackSettings>): HumpbackSettings {
  const D = HUMPBACK_DEFAULTS;
  const s: HumpbackSettings = {
    rounds: options.rounds ?? D.rounds,
    threshold: options.threshold ?? D.threshold,
    inContext: options.inContext ?? D.inContext,
    calibration: options.calibration ?? D.calibration,
    backwardRaw: options.backwardRaw ?? D.backwardRaw,
    augmentation: withDefaults(D.augmentation, options.augmentation),
    rating: withDefaults(D.rating, options.rating),
  };
  if (!Number.isInteger(s.rounds) || s.rounds < 1)
    throw new RangeError(`rounds must be 1 or more, got ${s.rounds}`);
  if (!Number.isInteger(s.threshold) || s.threshold < 1 || s.threshold > 5) {
    throw new RangeError(`threshold must be an integer from 1 to 5, got ${s.threshold}`);
  }
  for (const [name, value] of [
    ["inContext", s.inContext],
    ["calibration", s.calibration],
  ] as const) {
    if (!Number.isInteger(value) || value < 0)
      throw new RangeError(`${name} must be 0 or more, got ${value}`);
  }
  return s;
}
