/**
 * Rainbow Teaming (Samvelyan et al., 2024): quality-diversity search (MAP-Elites) for prompts that make
 * a target model fail. The archive is a grid over feature descriptors (default: risk category x attack
 * style, 10 x 10); each cell keeps its most effective prompt. Each iteration:
 *  1. `batchSize` candidates are made from the archive as it stood at the iteration's start: a parent
 *     (a seed while the archive is empty, else an occupied cell's prompt), a random target cell, one
 *     mutator call per axis toward that cell, a BLEU check against the parent, the target's reply and
 *     the judge's score (rainbow-candidate.ts);
 *  2. they are decided in order: an empty cell takes its candidate, an occupied one changes hands only
 *     when the judge prefers the candidate in both orders of a pairwise comparison (rainbow-decide.ts);
 *  3. the archive is saved with the iteration number (archive.json), and a re-run resumes from it.
 * `iterations` is the total: a re-run with a larger number continues the search. With `safeResponses`
 * the teacher then writes a safe reply to every prompt of the final archive: SFT and preference data.
 * Output files: see rainbow-records.ts.
 */
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { canonicalJson, contentId, sha256 } from "../../util/canonical.js";
import type { GenerationSettings } from "../responses/respond.js";
import { OrderedRound } from "../shared/ordered-round.js";
import { pinRecipe } from "../shared/recipe.js";
import { withDefaults } from "../shared/settings.js";
import { type StopReason, stopReasonOf } from "../shared/stop-reason.js";
import { MapElitesArchive } from "./rainbow-archive.js";
import {
  type Axis,
  DEFAULT_AXES,
  DEFAULT_OBJECTIVE,
  DEFAULT_SEED_PROMPTS,
  MAX_AXES,
} from "./rainbow-axes.js";
import type { CallContext, RainbowSampling } from "./rainbow-calls.js";
import { type Candidate, makeCandidate, planCandidate, type SeedPrompt } from "./rainbow-candidate.js";
import { decideCandidate } from "./rainbow-decide.js";
import {
  type ArchiveFile,
  type EliteRecord,
  type IterationRecord,
  type Outcome,
  RainbowOutputs,
} from "./rainbow-records.js";
import { writeSafetyData } from "./rainbow-safety.js";

export interface RainbowSettings {
  /** Total iterations of the search (a re-run with more continues it). */
  iterations: number;
  /** Candidates per iteration, all made from the archive as it stood at the iteration's start. */
  batchSize: number;
  /** A child whose BLEU against its parent is above this is dropped (the paper: 0.6). */
  bleuThreshold: number;
  /** Probability of taking a seed as the parent even when the archive has prompts (default 0). */
  seedShare: number;
  /** The teacher writes a safe reply to every prompt of the final archive. */
  safeResponses: boolean;
  sampling: RainbowSampling;
}

export const RAINBOW_DEFAULTS = {
  batchSize: 4,
  bleuThreshold: 0.6,
  seedShare: 0,
  safeResponses: false,
  sampling: {
    mutator: { temperature: 0.9, maxTokens: 1024 },
    target: { temperature: 0, maxTokens: 1024 },
    judge: { temperature: 0, maxTokens: 1024 },
    teacher: { temperature: 0.7, maxTokens: 1024 },
  },
} satisfies Partial<RainbowSettings>;

export interface RainbowOptions extends Partial<Omit<RainbowSettings, "sampling">> {
  engine: RunEngine;
  /** Rewrites prompts toward a cell. */
  mutator: LanguageModel;
  /** The model under test; the mutator when omitted. */
  target?: LanguageModel;
  /** Scores replies and compares tests; the mutator when omitted. */
  judge?: LanguageModel;
  /** Writes the safe responses; the mutator when omitted. */
  teacher?: LanguageModel;
  /** Sampling per role, over the defaults (members left undefined keep the default). */
  sampling?: { [R in keyof RainbowSampling]?: GenerationSettings };
  /** 1 to 3 axes; default: 10 risk categories x 10 attack styles. */
  axes?: Axis[];
  /** What a successful test prompt makes the target do; default: an unsafe reply. */
  objective?: string;
  /** Parents while the archive is empty; default: a few plain everyday requests. */
  seeds?: SeedPrompt[];
  /** Directory of the output files (must exist). */
  outDir: string;
  /** Candidates in progress at once; default twice the mutator's concurrency. */
  lookahead?: number;
  stats?: RainbowStats;
}

export type IterationFigures = Omit<IterationRecord, "id">;

export interface RainbowStats {
  iterations: number;
  completedIterations: number;
  /** The saved iteration this session started from (0: a new search). */
  resumedFrom: number;
  cells: number;
  filled: number;
  coverage: number;
  meanScore: number | null;
  /** Iterations run in this session. */
  perIteration: IterationFigures[];
  outcomes: Record<Outcome, number>;
  /** SFT examples / preference pairs written (0 without safe responses). */
  safeResponses: number;
  written: { candidates: number; dropped: number };
  alreadyWritten: { candidates: number };
  stoppedBy?: StopReason;
}

export function newRainbowStats(): RainbowStats {
  return {
    iterations: 0,
    completedIterations: 0,
    resumedFrom: 0,
    cells: 0,
    filled: 0,
    coverage: 0,
    meanScore: null,
    perIteration: [],
    outcomes: { inserted: 0, "replaced-incumbent": 0, lost: 0, "too-similar": 0, failed: 0 },
    safeResponses: 0,
    written: { candidates: 0, dropped: 0 },
    alreadyWritten: { candidates: 0 },
  };
}

export async function rainbowTeaming(options: RainbowOptions): Promise<RainbowStats> {
  const { engine, mutator } = options;
  const settings = resolveSettings(options);
  const axes = options.axes ?? DEFAULT_AXES;
  const objective = options.objective ?? DEFAULT_OBJECTIVE;
  const seeds =
    options.seeds ?? DEFAULT_SEED_PROMPTS.map((prompt, i) => ({ id: `default-seed-${i}`, prompt }));
  if (axes.length < 1 || axes.length > MAX_AXES)
    throw new RangeError(`give 1 to ${MAX_AXES} axes, got ${axes.length}`);
  if (seeds.length === 0) throw new Error("no seed prompts");
  const models = {
    mutator,
    target: options.target ?? mutator,
    judge: options.judge ?? mutator,
    teacher: options.teacher ?? mutator,
  };
  // What decides the search; the teacher and its sampling only decide the final safety data.
  const recipe = {
    objective,
    axes,
    batchSize: settings.batchSize,
    bleuThreshold: settings.bleuThreshold,
    seedShare: settings.seedShare,
    seeds: sha256(canonicalJson(seeds.map((s) => [s.id, s.prompt]))),
    mutator: mutator.id,
    target: models.target.id,
    judge: models.judge.id,
    sampling: { ...settings.sampling, teacher: undefined },
    rngSeed: engine.rng.seed,
  };
  pinRecipe(engine.runDir, "rainbow", recipe);
  const recipeId = contentId(recipe);

  const stats = options.stats ?? newRainbowStats();
  const outputs = await RainbowOutputs.open(options.outDir, engine.runDir.events);
  const saved = outputs.loadArchive();
  if (saved && saved.recipe !== recipeId)
    throw new Error(`${outputs.path("archive.json")} was made with other settings; use another --out`);
  const shape = axes.map((a) => a.values.length);
  let archive = saved
    ? MapElitesArchive.fromJSON<EliteRecord>(saved)
    : new MapElitesArchive<EliteRecord>(shape);
  Object.assign(stats, {
    iterations: settings.iterations,
    resumedFrom: saved?.iteration ?? 0,
    cells: archive.size,
  });
  stats.completedIterations = saved?.iteration ?? 0;
  const calls: CallContext = {
    engine,
    models,
    sampling: settings.sampling,
    objective,
    axisNames: axes.map((a) => a.name),
  };
  const lookahead = options.lookahead ?? 2 * engine.lane(mutator).settings.concurrency;
  const sync = () => {
    Object.assign(stats, {
      filled: archive.filled,
      coverage: archive.coverage(),
      meanScore: archive.meanScore(),
    });
    stats.written = { candidates: outputs.candidates.written, dropped: outputs.drops.total };
    stats.alreadyWritten = { candidates: outputs.candidates.alreadyThere };
  };
  sync();

  try {
    for (let iteration = stats.completedIterations + 1; iteration <= settings.iterations; iteration++) {
      const elites = archive.entries().map(({ occupant }) => ({ id: occupant.id, prompt: occupant.prompt }));
      const made: Candidate[] = [];
      const round = new OrderedRound<Candidate>((c) => made.push(c), lookahead, settings.batchSize + 1);
      for (let index = 0; index < settings.batchSize; index++) {
        const plan = planCandidate({ rng: engine.rng, iteration, index, ...settings, seeds, elites, shape });
        if (!(await round.start(() => makeCandidate(calls, plan, axes, settings.bleuThreshold)))) break;
      }
      stats.stoppedBy = await round.finish();
      if (stats.stoppedBy) break;

      // Decided on a copy: an iteration stopped halfway leaves the saved archive as it was, and a
      // re-run decides it again from there and the cache.
      const next = MapElitesArchive.fromJSON<EliteRecord>(archive.toJSON());
      const figures = newFigures(iteration, made.length);
      try {
        for (const c of made)
          count(figures, await decideCandidate({ calls, archive: next, axes, outputs }, c));
      } catch (error) {
        stats.stoppedBy = stopReasonOf(error);
        break;
      }
      archive = next;
      for (const [k, n] of Object.entries(figures.outcomes)) stats.outcomes[k as Outcome] += n;
      const done = finishFigures(figures.record, archive);
      outputs.iterations.write({ id: `iteration-${iteration}`, ...done });
      stats.perIteration.push(done);
      saveArchive(outputs, archive, { recipe: recipeId, objective, axes, iteration });
      stats.completedIterations = iteration;
      sync();
    }
    if (!stats.stoppedBy && settings.safeResponses) {
      const safety = await writeSafetyData(calls, archive, outputs, lookahead);
      if (typeof safety === "number") stats.safeResponses = safety;
      else stats.stoppedBy = safety;
    }
  } finally {
    sync();
    outputs.close();
  }
  return stats;
}

function saveArchive(
  outputs: RainbowOutputs,
  archive: MapElitesArchive<EliteRecord>,
  header: Pick<ArchiveFile, "recipe" | "objective" | "axes" | "iteration">,
): void {
  const state: ArchiveFile = { method: "rainbow", ...header, ...archive.toJSON() };
  const grid = {
    axes: header.axes,
    iteration: header.iteration,
    filled: archive.filled,
    coverage: archive.coverage(),
    mean_score: archive.meanScore(),
    grid: archive.grid(),
  };
  outputs.saveArchive(state, grid);
}

interface Figures {
  record: Omit<IterationFigures, "filled" | "coverage" | "mean_score">;
  outcomes: Record<Outcome, number>;
}

function newFigures(iteration: number, candidates: number): Figures {
  return {
    record: {
      iteration,
      candidates,
      inserted: 0,
      replaced: 0,
      lost: 0,
      dropped: { "too-similar": 0, failed: 0 },
    },
    outcomes: { inserted: 0, "replaced-incumbent": 0, lost: 0, "too-similar": 0, failed: 0 },
  };
}

function count(f: Figures, outcome: Outcome): void {
  f.outcomes[outcome]++;
  if (outcome === "inserted") f.record.inserted++;
  else if (outcome === "replaced-incumbent") f.record.replaced++;
  else if (outcome === "lost") f.record.lost++;
  else f.record.dropped[outcome]++;
}

function finishFigures(record: Figures["record"], archive: MapElitesArchive<EliteRecord>): IterationFigures {
  return { ...record, filled: archive.filled, coverage: archive.coverage(), mean_score: archive.meanScore() };
}

function resolveSettings(options: RainbowOptions): RainbowSettings {
  const D = RAINBOW_DEFAULTS;
  const given = options.sampling ?? {};
  const s: RainbowSettings = {
    iterations: options.iterations ?? 1,
    batchSize: options.batchSize ?? D.batchSize,
    bleuThreshold: options.bleuThreshold ?? D.bleuThreshold,
    seedShare: options.seedShare ?? D.seedShare,
    safeResponses: options.safeResponses ?? D.safeResponses,
    sampling: {
      mutator: withDefaults<GenerationSettings>(D.sampling.mutator, given.mutator),
      target: withDefaults<GenerationSettings>(D.sampling.target, given.target),
      judge: withDefaults<GenerationSettings>(D.sampling.judge, given.judge),
      teacher: withDefaults<GenerationSettings>(D.sampling.teacher, given.teacher),
    },
  };
  if (!Number.isInteger(s.iterations) || s.iterations < 1)
    throw new RangeError(`iterations must be 1 or more, got ${s.iterations}`);
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1)
    throw new RangeError(`batchSize must be 1 or more, got ${s.batchSize}`);
  if (!(s.bleuThreshold >= 0 && s.bleuThreshold <= 1))
    throw new RangeError(`bleuThreshold must be between 0 and 1, got ${s.bleuThreshold}`);
  if (!(s.seedShare >= 0 && s.seedShare <= 1))
    throw new RangeError(`seedShare must be between 0 and 1, got ${s.seedShare}`);
  return s;
}
