/**
 * MinHash signatures: a text becomes a set of n-token shingles, each shingle a seeded 32-bit hash, and
 * the signature keeps, for each of `numPerm` seeded permutations of the 32-bit space, the smallest
 * permuted hash. Two signatures agree in a position with probability equal to the Jaccard similarity of
 * the two shingle sets, which is what makes both the LSH bands and the Jaccard estimate work.
 */
import { shingleTokens } from "./minhash-tokens.js";

/** Murmur3's finalizer: a bijection on 32 bits with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Murmur3-style seeded hash of a string's UTF-16 code units (one round per unit: tokens are short). */
export function hashString32(text: string, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  return fmix32(h ^ text.length);
}

/** splitmix32: a tiny seeded generator for the permutation coefficients, independent of the run's Rng. */
function coefficients(seed: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let state = seed | 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b9) | 0;
    out[i] = fmix32(state);
  }
  return out;
}

export class MinHasher {
  /** Permutation i maps x to mulShift(x ^ xor[i]) with an odd multiplier mul[i]; see `signature`. */
  private readonly mul: Uint32Array;
  private readonly xor: Uint32Array;
  private readonly tokenSeed: number;
  private tokenHashes = new Uint32Array(64);

  constructor(
    readonly numPerm: number,
    readonly ngram: number,
    seed: number,
  ) {
    const coeffs = coefficients(seed, 2 * numPerm + 1);
    this.mul = coeffs.subarray(0, numPerm).map((a) => a | 1);
    this.xor = coeffs.slice(numPerm, 2 * numPerm);
    this.tokenSeed = coeffs[2 * numPerm]!;
  }

  /**
   * The signature of `text`: empty when the text has no tokens (so it can only match other empty texts),
   * otherwise `numPerm` values. A text with fewer tokens than `ngram` is one shingle of all its tokens.
   */
  signature(text: string): Uint32Array {
    const tokens = shingleTokens(text);
    if (tokens.length === 0) return new Uint32Array(0);
    if (this.tokenHashes.length < tokens.length) this.tokenHashes = new Uint32Array(tokens.length * 2);
    const hashes = this.tokenHashes;
    for (let i = 0; i < tokens.length; i++) hashes[i] = hashString32(tokens[i]!, this.tokenSeed);

    const numPerm = this.numPerm;
    const mul = this.mul;
    const xor = this.xor;
    const sig = new Uint32Array(numPerm).fill(0xffffffff);
    const width = Math.min(this.ngram, tokens.length);
    for (let start = 0; start + width <= tokens.length; start++) {
      // Order-sensitive combination of the token hashes: "a b c" and "c b a" are different shingles.
      let h = width;
      for (let k = start; k < start + width; k++) h = Math.imul(h ^ hashes[k]!, 0x9e3779b1) ^ (h >>> 15);
      const shingle = fmix32(h);
      for (let i = 0; i < numPerm; i++) {
        // x ^ b, times an odd a, then an xorshift: each step is a bijection of the 32-bit space, and the
        // shingle hash is already uniform, so this cheap family gives unbiased Jaccard estimates (tested).
        let p = Math.imul(shingle ^ xor[i]!, mul[i]!);
        p = (p ^ (p >>> 16)) >>> 0;
        if (p < sig[i]!) sig[i] = p;
      }
    }
    return sig;
  }
}
