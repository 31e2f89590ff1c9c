/**
 * Numbers collected while streaming, binned at the end. Values are kept (8 bytes each, so a million
 * records cost 8 MB) because good bins need the range, and the median needs the values.
 */
import type { Histogram } from "./types.js";

export class ValueSeries {
  private values = new Float64Array(1024);
  private used = 0;

  get size(): number {
    return this.used;
  }

  add(value: number): void {
    if (!Number.isFinite(value)) return;
    if (this.used === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.used++] = value;
  }

  /**
   * Bins over [min, max]: `fixed` edges when the range is known (ROUGE-L in [0, 1]); whole-number bins
   * for integer data with a small range (judge scores 1..10); otherwise `bins` equal bins.
   */
  histogram(options: { bins?: number; fixed?: [number, number] } = {}): Histogram {
    const values = this.values.slice(0, this.used).sort();
    const n = values.length;
    if (n === 0) return { edges: [], counts: [], n: 0, min: null, max: null, mean: null, median: null };
    const min = values[0]!;
    const max = values[n - 1]!;
    let sum = 0;
    let integers = true;
    for (const v of values) {
      sum += v;
      if (!Number.isInteger(v)) integers = false;
    }
    const edges = edgesFor(min, max, integers, options);
    const counts = new Array<number>(edges.length - 1).fill(0);
    const width = edges[1]! - edges[0]!;
    for (const v of values) {
      const i = Math.min(counts.length - 1, Math.max(0, Math.floor((v - edges[0]!) / width)));
      counts[i]!++;
    }
    const mid = n >> 1;
    const median = n % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
    return { edges, counts, n, min, max, mean: round(sum / n), median: round(median) };
  }
}

function edgesFor(
  min: number,
  max: number,
  integers: boolean,
  options: { bins?: number; fixed?: [number, number] },
): number[] {
  const bins = options.bins ?? 20;
  let lo = options.fixed?.[0] ?? min;
  let hi = options.fixed?.[1] ?? max;
  if (integers && !options.fixed && hi - lo <= 40) {
    // One bin per value, centred: [k - 0.5, k + 0.5).
    return Array.from({ length: hi - lo + 2 }, (_, i) => lo - 0.5 + i);
  }
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  return Array.from({ length: bins + 1 }, (_, i) => round(lo + i * width));
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
