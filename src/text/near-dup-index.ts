/**
 * Exact maximum ROUGE-L F of a text against a growing collection, without comparing against all of it.
 *
 * Pruning rests on two bounds, both provable, so results equal the all-pairs computation:
 * - LCS(A, B) ≤ |A ∩ B| (multiset overlap), hence F = 2·LCS/(|A|+|B|) ≤ 2·ov/(|A|+|B|);
 * - LCS(A, B) ≤ min(|A|, |B|).
 * Query tokens are visited rarest first through an inverted index (token id → documents and counts).
 * After the rarest tokens are processed, a document not yet met can share at most `rest` tokens with
 * the query (the count of the unprocessed ones), so its F ≤ 2·rest/(|A|+rest); once that falls to the
 * best score found, the frequent tokens ("the", "a", ...), whose posting lists are the long ones, need
 * never be scanned. Documents met have F ≤ 2·min(partial + rest, |A|, |B|)/(|A|+|B|); they are scored
 * (bit-parallel LCS) only while that bound exceeds the best found. A few early "seed" evaluations of
 * the documents sharing the most rare tokens raise the best score quickly, which is what makes both
 * bounds bite (and finds a near-duplicate at once when there is one).
 */
import { LcsPattern, TokenDictionary } from "./lcs.js";
import { fFromLcs } from "./rouge-l.js";
import { resolveTokenizer, type TokenizerMode, tokenize } from "./tokenize.js";

export interface NearestMatch {
  score: number;
  /** The document with that score; undefined when the score is 0 (nothing shares a token). */
  id: string | undefined;
  tokenizer: "rouge" | "cjk";
}

export interface NearDupIndexOptions {
  /** Scores strictly above this make a near-duplicate (`isNearDuplicate`, `greedyFilter`). */
  threshold?: number;
  tokenizer?: TokenizerMode;
}

/** Bounds are compared with this slack so float rounding can never prune a document that ties or wins. */
const EPS = 1e-9;
/** Posting lists shorter than this are scanned without first trying to raise the best score. */
const SEED_MIN_POSTINGS = 64;
const SEED_COUNT = 4;

interface SearchState {
  best: number;
  bestDoc: number;
  touchedCount: number;
}

export class NearDupIndex {
  readonly threshold: number;
  readonly tokenizer: TokenizerMode;
  private readonly dictionary = new TokenDictionary();
  private readonly ids: string[] = [];
  private tokens = new Int32Array(4096);
  private tokensUsed = 0;
  private docStart = new Int32Array(256);
  private docLength = new Int32Array(256);
  /** Per token id: interleaved (document, count) pairs, and how many ints are used. */
  private postings: Int32Array[] = [];
  private postingUsed = new Int32Array(256);
  // Per-query scratch, indexed by document and reused: `touchedAt`/`scoredAt` hold the query epoch.
  private epoch = 0;
  private partial = new Int32Array(256);
  private touchedAt = new Int32Array(256);
  private scoredAt = new Int32Array(256);
  private touched = new Int32Array(256);
  private readonly seedDoc = new Int32Array(SEED_COUNT);
  private readonly seedValue = new Float64Array(SEED_COUNT);
  private readonly pattern = new LcsPattern();
  private lastQuery: { text: string; words: string[]; ids: Int32Array } | undefined;

  constructor(options: NearDupIndexOptions = {}) {
    this.threshold = options.threshold ?? 0.7;
    this.tokenizer = options.tokenizer ?? "auto";
  }

  get size(): number {
    return this.ids.length;
  }

  add(id: string, text: string): void {
    // greedyFilter adds the text it just queried: reuse those token ids instead of tokenizing again.
    const last = this.lastQuery;
    let ids: Int32Array;
    if (last && last.text === text) {
      ids = last.ids;
      for (let i = 0; i < ids.length; i++) if (ids[i]! < 0) ids[i] = this.dictionary.intern(last.words[i]!);
    } else {
      ids = this.dictionary.internAll(tokenize(text, this.tokenizer));
    }
    this.lastQuery = undefined;
    const doc = this.ids.length;
    this.ids.push(id);
    this.ensureDocCapacity(doc + 1);
    this.ensureTokenCapacity(this.tokensUsed + ids.length);
    this.docStart[doc] = this.tokensUsed;
    this.docLength[doc] = ids.length;
    this.tokens.set(ids, this.tokensUsed);
    this.tokensUsed += ids.length;
    const sorted = ids.slice().sort();
    for (let i = 0; i < sorted.length; ) {
      const token = sorted[i]!;
      let j = i + 1;
      while (j < sorted.length && sorted[j] === token) j++;
      this.appendPosting(token, doc, j - i);
      i = j;
    }
  }

  /** Whether `text` scores strictly above the threshold against some added text. */
  isNearDuplicate(text: string): boolean {
    return this.nearest(text, { stopAbove: this.threshold }).score > this.threshold;
  }

  /**
   * The maximum ROUGE-L F of `text` against every added text, exact. With `stopAbove` the search may
   * end at the first score strictly above it, returning that score (not necessarily the maximum).
   */
  nearest(text: string, options: { stopAbove?: number } = {}): NearestMatch {
    const tokenizer = resolveTokenizer(text, this.tokenizer);
    const words = tokenize(text, tokenizer);
    const query = new Int32Array(words.length);
    for (let i = 0; i < words.length; i++) query[i] = this.dictionary.lookup(words[i]!);
    this.lastQuery = { text, words, ids: query };
    const { score, doc } = this.search(query, options.stopAbove ?? Number.POSITIVE_INFINITY);
    return { score, id: doc < 0 ? undefined : this.ids[doc], tokenizer };
  }

  private search(query: Int32Array, stopAbove: number): { score: number; doc: number } {
    const a = query.length;
    // Unknown tokens (-1) match nothing: dropping them from the pattern leaves every LCS unchanged.
    const known = query.filter((t) => t >= 0).sort();
    if (a === 0 || known.length === 0) return { score: 0, doc: -1 };
    // Distinct known tokens with their counts, then ordered by posting-list length (rarest first).
    const distinct: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < known.length; ) {
      let j = i + 1;
      while (j < known.length && known[j] === known[i]) j++;
      distinct.push(known[i]!);
      counts.push(j - i);
      i = j;
    }
    const order = distinct
      .map((_, k) => k)
      .sort((x, y) => this.postingUsed[distinct[x]!]! - this.postingUsed[distinct[y]!]!);
    this.pattern.set(query.filter((t) => t >= 0));
    this.nextEpoch();

    const state: SearchState = { best: 0, bestDoc: -1, touchedCount: 0 };
    const epoch = this.epoch;
    const touchedAt = this.touchedAt;
    const partial = this.partial;
    const touched = this.touched;
    let rest = known.length;
    // Seeding scans every touched document, so it runs again only once their number has doubled.
    let seededAt = 0;
    for (const k of order) {
      if ((2 * rest) / (a + rest) <= state.best - EPS) break;
      const token = distinct[k]!;
      const used = this.postingUsed[token]!;
      if (used >= 2 * SEED_MIN_POSTINGS && state.touchedCount > 2 * seededAt) {
        seededAt = state.touchedCount;
        if (this.seed(a, state) > stopAbove) return { score: state.best, doc: state.bestDoc };
        if ((2 * rest) / (a + rest) <= state.best - EPS) break;
      }
      const postings = this.postings[token]!;
      const qCount = counts[k]!;
      let touchedCount = state.touchedCount;
      for (let p = 0; p < used; p += 2) {
        const doc = postings[p]!;
        const shared = Math.min(postings[p + 1]!, qCount);
        if (touchedAt[doc] !== epoch) {
          touchedAt[doc] = epoch;
          partial[doc] = shared;
          touched[touchedCount++] = doc;
        } else {
          partial[doc]! += shared;
        }
      }
      state.touchedCount = touchedCount;
      rest -= qCount;
    }
    this.scoreCandidates(a, rest, stopAbove, state);
    return { score: state.best, doc: state.bestDoc };
  }

  /** Scores the few touched documents sharing the most tokens so far; returns the best score. */
  private seed(a: number, state: SearchState): number {
    const top = this.seedDoc.fill(-1);
    const topValue = this.seedValue.fill(-1);
    for (let i = 0; i < state.touchedCount; i++) {
      const doc = this.touched[i]!;
      if (this.scoredAt[doc] === this.epoch) continue;
      const value = this.partial[doc]! / (a + this.docLength[doc]!);
      if (value <= topValue[SEED_COUNT - 1]!) continue;
      let k = SEED_COUNT - 1;
      for (; k > 0 && topValue[k - 1]! < value; k--) {
        topValue[k] = topValue[k - 1]!;
        top[k] = top[k - 1]!;
      }
      topValue[k] = value;
      top[k] = doc;
    }
    for (const doc of top) if (doc >= 0) this.score(doc, a, state);
    return state.best;
  }

  /**
   * Scores the touched documents whose bound can still beat the best. One pass in touched order: the
   * seeds already raised the best close to the maximum, and sorting by bound cost more than it saved.
   */
  private scoreCandidates(a: number, rest: number, stopAbove: number, state: SearchState): void {
    const epoch = this.epoch;
    for (let i = 0; i < state.touchedCount; i++) {
      const doc = this.touched[i]!;
      if (this.scoredAt[doc] === epoch) continue;
      const b = this.docLength[doc]!;
      const bound = (2 * Math.min(this.partial[doc]! + rest, a, b)) / (a + b);
      if (bound <= state.best - EPS) continue;
      if (this.score(doc, a, state) > stopAbove) return;
    }
  }

  private score(doc: number, a: number, state: SearchState): number {
    this.scoredAt[doc] = this.epoch;
    const b = this.docLength[doc]!;
    const lcs = this.pattern.lcs(this.tokens, this.docStart[doc]!, b);
    const f = fFromLcs(lcs, a, b);
    if (f > state.best) {
      state.best = f;
      state.bestDoc = doc;
    }
    return state.best;
  }

  private nextEpoch(): void {
    if (++this.epoch >= 0x3fffffff) {
      this.epoch = 1;
      this.touchedAt.fill(0);
      this.scoredAt.fill(0);
    }
  }

  private appendPosting(token: number, doc: number, count: number): void {
    if (token >= this.postingUsed.length) this.postingUsed = grow(this.postingUsed, token + 1);
    let list = this.postings[token];
    if (list === undefined) {
      list = new Int32Array(4);
      this.postings[token] = list;
    }
    const used = this.postingUsed[token]!;
    if (used + 2 > list.length) {
      list = grow(list, used + 2);
      this.postings[token] = list;
    }
    list[used] = doc;
    list[used + 1] = count;
    this.postingUsed[token] = used + 2;
  }

  private ensureDocCapacity(docs: number): void {
    if (docs <= this.docStart.length) return;
    this.docStart = grow(this.docStart, docs);
    this.docLength = grow(this.docLength, docs);
    this.partial = grow(this.partial, docs);
    this.touchedAt = grow(this.touchedAt, docs);
    this.scoredAt = grow(this.scoredAt, docs);
    this.touched = grow(this.touched, docs);
  }

  private ensureTokenCapacity(tokens: number): void {
    if (tokens > this.tokens.length) this.tokens = grow(this.tokens, tokens);
  }
}

/** A copy of `array` with room for at least `needed` elements (doubling, so appends stay amortised O(1)). */
function grow<T extends Int32Array | Float64Array>(array: T, needed: number): T {
  const grown = new (array.constructor as new (length: number) => T)(Math.max(needed, array.length * 2));
  grown.set(array);
  return grown;
}
