/**
 * Sentence BLEU (Papineni et al., 2002) of one candidate against one reference, over our word tokenizer
 * (tokenize.ts; "auto" by default, so Chinese, Japanese and Korean text counts characters as words):
 *
 *   BLEU = BP * exp(sum over n = 1..N of log(p_n) / N),   BP = 1 if c > r else exp(1 - r / c)
 *
 * where p_n is the clipped n-gram precision (each candidate n-gram counts at most as often as it occurs
 * in the reference), c and r are the candidate and reference lengths in tokens, and N = 4.
 *
 * Smoothing: add-one for n >= 2 (Lin & Och, 2004, "ORANGE"; Chen & Cherry's 2014 method 2 restricted
 * to n > 1, as Moses' sentence-bleu does): p_n = (matches + 1) / (candidate n-grams + 1). Short
 * sentences otherwise score 0 as soon as one order has no match (or no n-gram at all). Unigrams are
 * not smoothed, so texts that share no word score exactly 0, and identical texts score exactly 1 at
 * any length (every smoothed precision is (m + 1) / (m + 1)). An empty candidate scores 0.
 */
import { type TokenizerMode, tokenize } from "./tokenize.js";

export interface BleuOptions {
  /** Highest n-gram order (default 4). */
  maxOrder?: number;
  tokenizer?: TokenizerMode;
}

export function sentenceBleu(candidate: string, reference: string, options: BleuOptions = {}): number {
  const mode = options.tokenizer ?? "auto";
  return sentenceBleuTokens(tokenize(candidate, mode), tokenize(reference, mode), options.maxOrder);
}

export function sentenceBleuTokens(
  candidate: readonly string[],
  reference: readonly string[],
  maxOrder = 4,
): number {
  const c = candidate.length;
  if (c === 0) return 0;
  let logSum = 0;
  for (let n = 1; n <= maxOrder; n++) {
    const { matches, total } = clippedMatches(candidate, reference, n);
    const p = n === 1 ? matches / total : (matches + 1) / (total + 1);
    if (p === 0) return 0;
    logSum += Math.log(p);
  }
  const r = reference.length;
  const brevity = c > r ? 1 : Math.exp(1 - r / c);
  return brevity * Math.exp(logSum / maxOrder);
}

/** Candidate n-grams matched in the reference (clipped by the reference's counts), and how many there are. */
function clippedMatches(
  candidate: readonly string[],
  reference: readonly string[],
  n: number,
): { matches: number; total: number } {
  const available = ngramCounts(reference, n);
  let matches = 0;
  let total = 0;
  for (let i = 0; i + n <= candidate.length; i++) {
    total++;
    const gram = candidate.slice(i, i + n).join("\u0000");
    const left = available.get(gram) ?? 0;
    if (left > 0) {
      matches++;
      available.set(gram, left - 1);
    }
  }
  return { matches, total };
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = tokens.slice(i, i + n).join("\u0000");
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}
