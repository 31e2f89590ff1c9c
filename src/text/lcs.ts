/**
 * Longest common subsequence length over token ids.
 *
 * The fast path is the bit-parallel algorithm of Allison & Dix (1986) in Hyyrö's formulation (2004):
 * one bit per position of the pattern, and per text token
 *
 *   U = V & M[token];  V = (V + U) | (V & ~M[token])
 *
 * after which the LCS length is the number of zero bits of V. Positions beyond the pattern start at 1
 * and stay 1 (their mask bits are 0), so counting zeros over all words needs no final mask. Patterns
 * longer than 32 tokens use several 32-bit words with the addition's carry propagated between them;
 * the subtraction-free form above needs no borrow. A text token absent from the pattern has an empty
 * mask and leaves V unchanged, so it is skipped outright.
 */

/** Maps token strings to dense integer ids, shared by everything that compares the same texts. */
export class TokenDictionary {
  private readonly ids = new Map<string, number>();

  get size(): number {
    return this.ids.size;
  }

  /** The id of `token`, assigning the next one if it is new. */
  intern(token: string): number {
    let id = this.ids.get(token);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(token, id);
    }
    return id;
  }

  /** The id of `token`, or -1 when it was never interned (so it matches nothing). */
  lookup(token: string): number {
    return this.ids.get(token) ?? -1;
  }

  internAll(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.intern(tokens[i]!);
    return out;
  }
}

/**
 * A pattern prepared for bit-parallel LCS against many texts: the per-token match masks are built
 * once, and all buffers are reused across patterns, so comparing costs no allocation.
 */
export class LcsPattern {
  /** slot[tokenId] = row of that token's masks, -1 when the token is not in the pattern. */
  private slot = new Int32Array(256).fill(-1);
  private masks = new Uint32Array(64);
  private v = new Uint32Array(2);
  private distinct = new Int32Array(64);
  private distinctCount = 0;
  private words = 0;

  /** Prepares `tokens[start, start + length)`; token ids must be non-negative. */
  set(tokens: ArrayLike<number>, start = 0, length = tokens.length - start): void {
    for (let i = 0; i < this.distinctCount; i++) this.slot[this.distinct[i]!] = -1;
    this.distinctCount = 0;
    const words = (length + 31) >>> 5;
    this.words = words;
    if (this.v.length < words) this.v = new Uint32Array(words * 2);
    if (this.distinct.length < length) this.distinct = new Int32Array(length * 2);
    if (this.masks.length < length * words) this.masks = new Uint32Array(length * words * 2);
    for (let i = 0; i < length; i++) {
      const id = tokens[start + i]!;
      if (id >= this.slot.length) this.growSlots(id);
      let row = this.slot[id]!;
      if (row < 0) {
        row = this.distinctCount++;
        this.slot[id] = row;
        this.distinct[row] = id;
        this.masks.fill(0, row * words, row * words + words);
      }
      this.masks[row * words + (i >>> 5)]! |= 1 << (i & 31);
    }
  }

  /** LCS length of the prepared pattern and `text[start, start + length)`. */
  lcs(text: ArrayLike<number>, start = 0, length = text.length - start): number {
    const words = this.words;
    if (words === 0) return 0;
    const slot = this.slot;
    const slots = slot.length;
    const masks = this.masks;
    const end = start + length;
    if (words === 1) {
      let v = -1;
      for (let i = start; i < end; i++) {
        const id = text[i]!;
        const row = id < slots ? slot[id]! : -1;
        if (row < 0) continue;
        const m = masks[row]!;
        // The sum is exact in a double; `|` reduces it modulo 2^32, which is the word's addition.
        v = (v + (v & m)) | (v & ~m);
      }
      return 32 - popcount(v);
    }
    const v = this.v;
    v.fill(0xffffffff, 0, words);
    for (let i = start; i < end; i++) {
      const id = text[i]!;
      const row = id < slots ? slot[id]! : -1;
      if (row < 0) continue;
      const base = row * words;
      let carry = 0;
      for (let w = 0; w < words; w++) {
        const vw = v[w]!;
        const mw = masks[base + w]!;
        const sum = vw + ((vw & mw) >>> 0) + carry;
        carry = sum > 0xffffffff ? 1 : 0;
        v[w] = sum | (vw & ~mw);
      }
    }
    let ones = 0;
    for (let w = 0; w < words; w++) ones += popcount(v[w]!);
    return words * 32 - ones;
  }

  private growSlots(id: number): void {
    const grown = new Int32Array(Math.max(id + 1, this.slot.length * 2)).fill(-1);
    grown.set(this.slot);
    this.slot = grown;
  }
}

function popcount(x: number): number {
  let n = x - ((x >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (Math.imul((n + (n >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

const shared = new LcsPattern();

/** Bit-parallel LCS length of two id sequences; the shorter one becomes the bit vector. */
export function lcsLength(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || b.length === 0) return 0;
  const [pattern, text] = a.length <= b.length ? [a, b] : [b, a];
  shared.set(pattern);
  return shared.lcs(text);
}

/** Classic O(|a|·|b|) dynamic programme (two rows): the reference the fast path is tested against. */
export function lcsNaive<T>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    const x = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = x === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}
