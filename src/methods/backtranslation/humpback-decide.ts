/**
 * Humpback's decisions, taken in input order, and the files they go to: every valid rating to
 * rated.jsonl; pairs at or above the threshold into the round's kept set (and, in the last round, to
 * curated.jsonl); everything else to dropped.jsonl with its stage and reason. Record ids come from the
 * passage, the round and the calls' cache keys, so a re-run recomputes the same ids and appends only
 * what is missing.
 */
import { join } from "node:path";
import type { EventLog } from "../../engine/event-log.js";
import { contentId } from "../../util/canonical.js";
import { DropLog, RecordOutput } from "../shared/record-output.js";
import { type KeptPair, type PairRecord, pairId, pairRecord, type RecordContext } from "./humpback-pairs.js";
import type { Outcome } from "./humpback-round.js";

/** Counts of 1..5 and of replies that were no valid rating. */
export type ScoreDistribution = Record<"1" | "2" | "3" | "4" | "5" | "invalid", number>;

export interface RoundStats {
  round: number;
  /** Candidates of the round (round 1: passages yielded by ingestion; later: the previous kept set). */
  candidates: number;
  /** Candidates decided so far. */
  decided: number;
  /** Augmentation examples available (seeds with an output, plus the previous round's kept pairs). */
  pool: number;
  /** Candidates that got an instruction. */
  instructions: number;
  /** Valid ratings. */
  rated: number;
  distribution: ScoreDistribution;
  kept: number;
  /** Drops of this round by reason (round 1 includes ingestion's). */
  dropped: Record<string, number>;
  /** Requests asked of the engine, cached or not. */
  requests: { augment: number; curate: number };
}

export function newRoundStats(round: number, pool: number, candidates = 0): RoundStats {
  return {
    round,
    candidates,
    decided: 0,
    pool,
    instructions: 0,
    rated: 0,
    distribution: { "1": 0, "2": 0, "3": 0, "4": 0, "5": 0, invalid: 0 },
    kept: 0,
    dropped: {},
    requests: { augment: 0, curate: 0 },
  };
}

/** rated.jsonl, curated.jsonl and dropped.jsonl of an output directory, resume-aware. */
export class HumpbackOutputs {
  private constructor(
    readonly rated: RecordOutput<PairRecord>,
    readonly curated: RecordOutput<PairRecord>,
    readonly drops: DropLog,
  ) {}

  static async open(outDir: string, events: EventLog): Promise<HumpbackOutputs> {
    return new HumpbackOutputs(
      await RecordOutput.open<PairRecord>(join(outDir, "rated.jsonl"), events),
      await RecordOutput.open<PairRecord>(join(outDir, "curated.jsonl"), events),
      await DropLog.open(join(outDir, "dropped.jsonl"), events),
    );
  }

  close(): void {
    this.rated.close();
    this.curated.close();
    this.drops.close();
  }
}

export interface DecideContext {
  round: number;
  /** Kept pairs of the last round are the final ones: they go to curated.jsonl. */
  last: boolean;
  threshold: number;
  records: RecordContext;
  outputs: HumpbackOutputs;
  stats: RoundStats;
  /** The round's kept set, filled in input order. */
  kept: KeptPair[];
}

export function decide(ctx: DecideContext, outcome: Outcome): void {
  const { round, stats } = ctx;
  const drop = (reason: string, detail: string, fields: Record<string, unknown>, key: unknown) => {
    const id = `humpback-drop-${contentId({ key, reason })}`;
    ctx.outputs.drops.drop({ id, reason, detail, ...fields });
    stats.dropped[reason] = (stats.dropped[reason] ?? 0) + 1;
  };

  if (outcome.kind === "ingest-drop") {
    const { passage, reason, detail } = outcome;
    const fields = {
      stage: "ingest",
      passage_id: passage.id,
      text: passage.text,
      tokens: passage.tokens,
      lang: passage.lang,
      source: passage.source,
    };
    drop(reason, detail, fields, { stage: "ingest", passage: passage.id });
    return;
  }

  stats.decided++;
  const { passage, parent } = outcome.candidate;
  const lineage = {
    round,
    passage_id: passage.id,
    ...(parent ? { parent_id: parent.id } : {}),
    output: passage.text,
    source: passage.source,
  };
  if (outcome.kind === "augment-drop") {
    const a = outcome.augmentation;
    const fields = { stage: "augment", ...lineage, raw: a.raw, examples: a.examples, call: a.call };
    drop(a.reason, a.detail, fields, { stage: "augment", round, passage: passage.id, call: a.call });
    return;
  }

  stats.instructions++;
  const { augmentation, rating } = outcome;
  const calls = { augment: augmentation.call, curate: rating.call };
  const shown = { examples: augmentation.examples, calibration: rating.calibration, calls };
  if (!rating.ok) {
    stats.distribution.invalid++;
    const fields = {
      stage: "curate",
      ...lineage,
      instruction: augmentation.instruction,
      raw: rating.raw,
      ...shown,
    };
    drop("invalid-rating", rating.error, fields, { stage: "curate", round, passage: passage.id, calls });
    return;
  }

  stats.rated++;
  stats.distribution[String(rating.score) as "1"]++;
  const pair: KeptPair = {
    id: pairId(round, passage.id, calls),
    round,
    passage,
    instruction: augmentation.instruction,
    score: rating.score,
    reason: rating.reason,
    examples: augmentation.examples,
    calibration: rating.calibration,
    calls,
    ...(parent ? { parentId: parent.id } : {}),
  };
  const kept = rating.score >= ctx.threshold;
  ctx.outputs.rated.write(pairRecord(pair, ctx.records, kept));
  if (kept) {
    stats.kept++;
    ctx.kept.push(pair);
    if (ctx.last) ctx.outputs.curated.write(pairRecord(pair, ctx.records));
    return;
  }
  const fields = {
    stage: "curate",
    ...lineage,
    pair_id: pair.id,
    instruction: pair.instruction,
    score: pair.score,
    rating_reason: pair.reason,
  };
  const detail = `score ${pair.score} < threshold ${ctx.threshold}`;
  drop("below-threshold", detail, fields, { stage: "curate", pair: pair.id });
}
