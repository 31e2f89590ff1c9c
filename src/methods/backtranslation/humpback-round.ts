/**
 * One Humpback round over its candidates: for each passage, augmentation (the backward model writes the
 * instruction) and then curation (the model rates the pair). Passages are independent within a round,
 * so they run concurrently, at most `lookahead` at a time; their outcomes are handed to `decide` in input
 * order (an ordered sink), so the files and the kept set follow the corpus order whatever finished first.
 *
 * A call that fails for good (or the budget, or Ctrl-C) stops the round at the first candidate, in input
 * order, whose outcome is missing: nothing after it is decided, so the files hold a prefix of what an
 * uninterrupted run writes and a re-run, answered from the cache, appends exactly the rest.
 */
import type { Passage, PassageDropReason } from "../../data/corpus/passage.js";
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { OrderedRound } from "../shared/ordered-round.js";
import type { StopReason } from "../shared/stop-reason.js";
import { type Augmentation, type AugmentSettings, augment, pickExamples } from "./augment.js";
import { type CurateSettings, pickCalibration, type Rating, rate } from "./curate.js";
import type { KeptPair, PoolExample } from "./humpback-pairs.js";

/** What a round reads: candidate passages and, in round 1, the passages ingestion dropped (in order). */
export type RoundItem =
  | { kind: "candidate"; passage: Passage; parent?: KeptPair }
  | { kind: "ingest-drop"; passage: Passage; reason: PassageDropReason; detail: string };

export type Candidate = Extract<RoundItem, { kind: "candidate" }>;

/** What became of one item; decided in input order. */
export type Outcome =
  | Extract<RoundItem, { kind: "ingest-drop" }>
  | { kind: "augment-drop"; candidate: Candidate; augmentation: Extract<Augmentation, { ok: false }> }
  | {
      kind: "rated";
      candidate: Candidate;
      augmentation: Extract<Augmentation, { ok: true }>;
      rating: Rating;
    };

export interface RoundContext {
  engine: RunEngine;
  /** The rater. */
  model: LanguageModel;
  /** Writes the instructions (the rater's model unless a backward model is given). */
  backward: LanguageModel;
  round: number;
  /** Augmentation examples: the seeds, plus the previous round's kept pairs. */
  pool: readonly PoolExample[];
  /** The previous round's kept pairs (calibration of the rater); empty in round 1. */
  previous: readonly KeptPair[];
  augment: AugmentSettings;
  curate: CurateSettings;
  /** Candidates in progress at once. */
  lookahead: number;
  /** Requests asked of the engine (cached or not), counted as they start. */
  requests: { augment: number; curate: number };
}

export async function runRound(
  ctx: RoundContext,
  items: AsyncIterable<RoundItem> | Iterable<RoundItem>,
  decide: (outcome: Outcome) => void,
): Promise<StopReason | undefined> {
  const round = new OrderedRound<Outcome>(decide, ctx.lookahead, Math.max(256, 8 * ctx.lookahead));
  let inputError: { error: unknown } | undefined;
  try {
    for await (const item of items) {
      if (!round.open) break;
      if (item.kind === "ingest-drop") await round.add(item);
      else if (!(await round.start(candidateWork(ctx, item)))) break;
    }
  } catch (error) {
    // Bad input (a malformed record file): finish what is in flight, then report it.
    inputError = { error };
  }
  // Calls in flight finish (and are cached) before the caller closes its files.
  const stop = await round.finish();
  if (inputError) throw inputError.error;
  return stop;
}

/**
 * The seeded choices of one candidate (examples, calibration pairs), made now, and its calls, made when
 * the returned function runs. Each choice comes from a generator forked by round and passage id, so it
 * is the same in every run and independent of the order candidates start in.
 */
function candidateWork(ctx: RoundContext, candidate: Candidate): () => Promise<Outcome> {
  const { engine, round } = ctx;
  const id = candidate.passage.id;
  const examples = ctx.augment.raw
    ? []
    : pickExamples(engine.rng.fork(`humpback/augment/${round}/${id}`), ctx.pool, ctx.augment.inContext, id);
  const calibration = pickCalibration(
    engine.rng.fork(`humpback/calibrate/${round}/${id}`),
    ctx.previous,
    ctx.curate.calibration,
    id,
  );
  return async () => {
    ctx.requests.augment++;
    const augmentation = await augment(engine, ctx.backward, examples, candidate.passage.text, ctx.augment);
    if (!augmentation.ok) return { kind: "augment-drop", candidate, augmentation };
    ctx.requests.curate++;
    const pair = { instruction: augmentation.instruction, output: candidate.passage.text };
    const rating = await rate(engine, ctx.model, pair, calibration, ctx.curate);
    return { kind: "rated", candidate, augmentation, rating };
  };
}
