/**
 * The one seeded random generator of a run. Every random choice a method makes (which seeds go into a
 * prompt, which evolution operation) draws from a stream forked off it by a label, so that a resumed
 * run makes the same choices, asks the same calls and finds them in the cache. Forking by label (not by
 * draw order) keeps streams independent: adding a draw in one step does not shift another step.
 */
import { createHash } from "node:crypto";

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any integer or string; equal seeds give equal streams. */
  constructor(readonly seed: number | string) {
    const h = createHash("sha256").update(String(seed)).digest();
    this.a = h.readUInt32LE(0);
    this.b = h.readUInt32LE(4);
    this.c = h.readUInt32LE(8);
    this.d = h.readUInt32LE(12) | 1;
  }

  /** An independent generator for one purpose, determined by this seed and the label alone. */
  fork(label: string): Rng {
    return new Rng(`${this.seed}/${label}`);
  }

  /** Uniform float in [0, 1) (sfc32). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Rng.pick: empty list");
    return items[this.int(items.length)] as T;
  }

  /**
   * k distinct items in random order (k capped at the list length): the first k steps of a
   * Fisher-Yates shuffle. The swaps are recorded in a map instead of done on a copy, so drawing a few
   * items from a large pool (Self-Instruct's machine tasks) costs O(k), not O(n); the draws and the
   * result are the same as shuffling a copy.
   */
  sample<T>(items: readonly T[], k: number): T[] {
    const n = items.length;
    const count = Math.min(k, n);
    const moved = new Map<number, number>();
    const out = new Array<T>(count);
    for (let i = 0; i < count; i++) {
      const j = i + this.int(n - i);
      const atJ = moved.get(j) ?? j;
      moved.set(j, moved.get(i) ?? i);
      out[i] = items[atJ] as T;
    }
    return out;
  }

  shuffle<T>(items: readonly T[]): T[] {
    return this.sample(items, items.length);
  }
}
