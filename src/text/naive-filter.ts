/**
 * The all-pairs reference for `greedyFilter`: every record is scored (classic DP LCS) against the pool
 * and every record kept so far, with no pruning and no early exit, as the original Self-Instruct code
 * does. Used by the tests and the benchmark to check and to measure the indexed filter.
 */

import type { FilterDecision, FilterRecord, GreedyFilterOptions } from "./greedy-filter.js";
import { lcsNaive } from "./lcs.js";
import { fFromLcs } from "./rouge-l.js";
import { tokenize } from "./tokenize.js";

export function* naiveFilter(
  texts: Iterable<FilterRecord>,
  options: GreedyFilterOptions = {},
): Generator<FilterDecision> {
  const threshold = options.threshold ?? 0.7;
  const mode = options.tokenizer ?? "auto";
  const kept: { id: string; tokens: string[] }[] = [];
  for (const record of options.pool ?? []) kept.push({ id: record.id, tokens: tokenize(record.text, mode) });
  for (const { id, text } of texts) {
    const tokens = tokenize(text, mode);
    let best = 0;
    let nearestId: string | undefined;
    for (const other of kept) {
      const f = fFromLcs(lcsNaive(tokens, other.tokens), tokens.length, other.tokens.length);
      // Strictly greater: on ties the earliest record is the nearest.
      if (f > best) {
        best = f;
        nearestId = other.id;
      }
    }
    const isKept = !(best > threshold);
    if (isKept) kept.push({ id, tokens });
    yield nearestId === undefined
      ? { id, kept: isKept, score: best }
      : { id, kept: isKept, score: best, nearestId };
  }
}
