/**
 * Small descriptive statistics shared by `selfalign stats` and the dataset card of `selfalign export`:
 * percentiles, histograms, counters and a seeded reservoir sample. Values are kept as plain number
 * arrays (8 bytes a record), which stays small next to the records themselves even for millions.
 */
import type { Rng } from "../../engine/rng.js";
import { tokenize } from "../../text/tokenize.js";

export interface NumericSummary {
  count: number;
  min: number;
  p10: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** Percentile p (0..100) of sorted values, interpolated linearly between ranks (numpy's default). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError("percentile of no values");
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  return a + (sorted[hi]! - a) * (rank - lo);
}

/** Count, extremes, mean and the usual percentiles; null for no values. */
export function summarize(values: readonly number[]): NumericSummary | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  let sum = 0;
  for (const v of list) sum += v;
  return {
    count: list.length,
    min: list[0]!,
    p10: percentile(list, 10),
    p50: percentile(list, 50),
    p90: percentile(list, 90),
    p99: percentile(list, 99),
    max: list[list.length - 1]!,
    mean: sum / list.length,
  };
}

export interface HistogramBin {
  /** Inclusive lower bound. */
  from: number;
  /** Exclusive upper bound, except for the last bin which includes it. */
  to: number;
  count: number;
}

/**
 * Equal-width bins over [min, max]. Integer scores on a short scale (a judge's 1-10) get one bin per
 * value instead, which is what a reader of a rating distribution wants to see.
 */
export function histogram(values: readonly number[], bins = 10): HistogramBin[] {
  if (values.length === 0) return [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integers = true;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    if (!Number.isInteger(v)) integers = false;
  }
  if (integers && max - min < 20) {
    const out = Array.from({ length: max - min + 1 }, (_, i) => ({
      from: min + i,
      to: min + i + 1,
      count: 0,
    }));
    for (const v of values) out[v - min]!.count++;
    return out;
  }
  if (min === max) return [{ from: min, to: max, count: values.length }];
  const width = (max - min) / bins;
  const out = Array.from({ length: bins }, (_, i) => ({
    from: min + i * width,
    to: i === bins - 1 ? max : min + (i + 1) * width,
    count: 0,
  }));
  for (const v of values) out[Math.min(bins - 1, Math.floor((v - min) / width))]!.count++;
  return out;
}

/** Adds one to `key` in a plain-object counter (plain objects serialize as they are into --json). */
export function countInto(counter: Record<string, number>, key: string, by = 1): void {
  counter[key] = (counter[key] ?? 0) + by;
}

/** Counter entries, most frequent first (ties by key, so output is stable). */
export function sortedCounts(counter: Record<string, number>): [string, number][] {
  return Object.entries(counter).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * A uniform random sample of `size` items from a stream of unknown length (Vitter's algorithm R),
 * drawn from a seeded Rng so the same file and seed always give the same sample.
 */
export class Reservoir<T> {
  readonly items: T[] = [];
  private seen = 0;

  constructor(
    private readonly size: number,
    private readonly rng: Rng,
  ) {}

  add(item: T): void {
    this.seen++;
    if (this.items.length < this.size) {
      this.items.push(item);
      return;
    }
    const j = this.rng.int(this.seen);
    if (j < this.size) this.items[j] = item;
  }
}

export interface TextLengths {
  /** Characters (Unicode code points). */
  chars: NumericSummary | null;
  /** Words as the ROUGE tokenizer sees them (CJK text: one per character). */
  words: NumericSummary | null;
}

/** Lengths of a stream of texts, in characters and words, summarized at the end. */
export class LengthTally {
  private readonly chars: number[] = [];
  private readonly words: number[] = [];

  get count(): number {
    return this.chars.length;
  }

  add(text: string): void {
    this.chars.push(codePoints(text));
    this.words.push(tokenize(text, "auto").length);
  }

  summary(): TextLengths {
    return { chars: summarize(this.chars), words: summarize(this.words) };
  }
}

/** Code points, not UTF-16 units: an emoji or a rare CJK character counts once. */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}
