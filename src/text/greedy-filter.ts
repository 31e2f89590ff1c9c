/**
 * Self-Instruct's greedy near-duplicate filter on top of NearDupIndex: records in order, a record is
 * dropped when its ROUGE-L F against the pool and the records kept so far is greater than the threshold.
 */
import { NearDupIndex } from "./near-dup-index.js";
import type { TokenizerMode } from "./tokenize.js";

export interface FilterRecord {
  id: string;
  text: string;
}

export interface FilterDecision {
  id: string;
  kept: boolean;
  /** Kept: the exact maximum F against the pool and earlier kept records. Dropped: a score > threshold. */
  score: number;
  nearestId?: string;
}

export interface GreedyFilterOptions {
  threshold?: number;
  tokenizer?: TokenizerMode;
  /** Texts every record is compared against (e.g. seed tasks); they are never reported. */
  pool?: Iterable<FilterRecord>;
}

/**
 * The Self-Instruct filter: in order, a record is dropped when its maximum ROUGE-L F against the pool
 * plus the records kept so far is strictly greater than the threshold, and kept (and added) otherwise.
 * For a dropped record the search stops at the first score above the threshold, so its `score` and
 * `nearestId` name a record that proves the drop, not necessarily the closest one; the decision is the
 * same either way. Kept records get the exact maximum.
 */
export function* greedyFilter(
  texts: Iterable<FilterRecord>,
  options: GreedyFilterOptions = {},
): Generator<FilterDecision> {
  const threshold = options.threshold ?? 0.7;
  const index = new NearDupIndex({ threshold, tokenizer: options.tokenizer ?? "auto" });
  for (const record of options.pool ?? []) index.add(record.id, record.text);
  for (const { id, text } of texts) {
    const match = index.nearest(text, { stopAbove: threshold });
    const kept = !(match.score > threshold);
    if (kept) index.add(id, text);
    yield match.id === undefined
      ? { id, kept, score: match.score }
      : { id, kept, score: match.score, nearestId: match.id };
  }
}
