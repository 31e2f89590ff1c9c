/**
 * Diversity of a set of texts, the figures reports of synthetic data show:
 *  - pairwise ROUGE-L F among the texts (mean and max over all pairs): high means the set repeats itself;
 *  - distinct-n (Li et al., 2016, "A Diversity-Promoting Objective Function"): distinct n-grams over all
 *    n-grams of the set, counted within each text (no n-gram spans two texts); low means repetitive
 *    wording.
 * Tokens come from `tokenize`, so Chinese and Japanese text is measured per character in `auto` and `cjk`
 * modes, as the near-duplicate filters see it. The pairwise figure is exact and costs O(n²) LCS
 * computations: fine for the hundreds of texts of a topic, not meant for a whole corpus at once.
 */
import { LcsPattern, TokenDictionary } from "./lcs.js";
import { fFromLcs } from "./rouge-l.js";
import { type TokenizerMode, tokenize } from "./tokenize.js";

export interface PairwiseRougeL {
  /** Mean F over all pairs; null with fewer than two texts. */
  mean: number | null;
  /** Largest F of any pair; null with fewer than two texts. */
  max: number | null;
  pairs: number;
}

export interface DiversityFigures {
  texts: number;
  rougeL: PairwiseRougeL;
  /** Null when the texts hold no unigram (no tokens at all). */
  distinct1: number | null;
  /** Null when no text has two tokens. */
  distinct2: number | null;
}

/** Distinct n-grams / all n-grams of the texts; null when there is no n-gram. */
export function distinctN(texts: readonly string[], n: number, mode: TokenizerMode = "auto"): number | null {
  return distinctOfTokens(
    texts.map((text) => tokenize(text, mode)),
    n,
  );
}

/** Mean and max ROUGE-L F over every pair of texts (each text tokenized once). */
export function pairwiseRougeL(texts: readonly string[], mode: TokenizerMode = "auto"): PairwiseRougeL {
  return pairwiseOfTokens(texts.map((text) => tokenize(text, mode)));
}

/** Every figure at once, tokenizing each text once. */
export function diversity(texts: readonly string[], mode: TokenizerMode = "auto"): DiversityFigures {
  const tokens = texts.map((text) => tokenize(text, mode));
  return {
    texts: texts.length,
    rougeL: pairwiseOfTokens(tokens),
    distinct1: distinctOfTokens(tokens, 1),
    distinct2: distinctOfTokens(tokens, 2),
  };
}

function distinctOfTokens(tokenLists: readonly string[][], n: number): number | null {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`distinct-n: n must be a positive integer, got ${n}`);
  const seen = new Set<string>();
  let total = 0;
  for (const tokens of tokenLists) {
    for (let i = 0; i + n <= tokens.length; i++) {
      // "\u0000" cannot occur in a token, so joined n-grams never collide.
      seen.add(n === 1 ? tokens[i]! : tokens.slice(i, i + n).join("\u0000"));
      total++;
    }
  }
  return total === 0 ? null : seen.size / total;
}

function pairwiseOfTokens(tokenLists: readonly string[][]): PairwiseRougeL {
  const count = tokenLists.length;
  if (count < 2) return { mean: null, max: null, pairs: 0 };
  const dictionary = new TokenDictionary();
  const ids = tokenLists.map((tokens) => dictionary.internAll(tokens));
  const pattern = new LcsPattern();
  let sum = 0;
  let max = 0;
  for (let i = 0; i < count; i++) {
    const a = ids[i]!;
    pattern.set(a);
    for (let j = i + 1; j < count; j++) {
      const b = ids[j]!;
      const f = a.length === 0 || b.length === 0 ? 0 : fFromLcs(pattern.lcs(b), a.length, b.length);
      sum += f;
      if (f > max) max = f;
    }
  }
  const pairs = (count * (count - 1)) / 2;
  return { mean: sum / pairs, max, pairs };
}
