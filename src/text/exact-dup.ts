/**
 * Exact-duplicate detection after light normalization: two texts that differ only in case, Unicode
 * compatibility forms, spacing or surrounding punctuation are the same record. Only a 64-bit hash of
 * each normalized text is kept (in typed arrays, not a Map of strings), so a million records cost
 * about 24 bytes each plus their ids.
 *
 * Collisions: with FNV-1a 64 over n distinct texts, the chance that any two share a hash is about
 * n² / 2^65 (birthday bound): ~2.7e-8 for a million texts, ~2.7e-6 for ten million. A collision would
 * drop one text as a "duplicate" of an unrelated one; at these odds we accept it rather than keep texts.
 */

const PUNCTUATION_EDGES = /^[\p{P}\s]+|[\p{P}\s]+$/gu;
const WHITESPACE_RUN = /\s+/gu;

/** NFKC, lowercase, whitespace runs collapsed to one space, punctuation and spaces stripped at both ends. */
export function normalizeForDedup(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(PUNCTUATION_EDGES, "").replace(WHITESPACE_RUN, " ");
}

/**
 * FNV-1a 64 over the UTF-8 bytes of `text`, as [high, low] 32-bit halves. Computed with 32-bit halves
 * because BigInt arithmetic is an order of magnitude slower; the bytes are produced inline from the
 * UTF-16 code units so no encoder buffer is allocated per text. Lone surrogates encode as U+FFFD,
 * matching TextEncoder.
 */
export function fnv1a64(text: string): [hi: number, lo: number] {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  // state *= 0x100000001b3 (= 2^40 + 0x1b3), mod 2^64: low*0x1b3 stays below 2^41, exact in a double.
  const step = (byte: number): void => {
    lo = (lo ^ byte) >>> 0;
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    hi = (hi * 0x1b3 + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = loMul >>> 0;
  };
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      step(c);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    if (c < 0x800) {
      step(0xc0 | (c >> 6));
    } else if (c < 0x10000) {
      step(0xe0 | (c >> 12));
      step(0x80 | ((c >> 6) & 0x3f));
    } else {
      step(0xf0 | (c >> 18));
      step(0x80 | ((c >> 12) & 0x3f));
      step(0x80 | ((c >> 6) & 0x3f));
    }
    step(0x80 | (c & 0x3f));
  }
  return [hi, lo];
}

/** Slot of a hash in a power-of-two table. FNV's low bits depend only on the inputs' low bits: mix first. */
function slotOf(hi: number, lo: number, mask: number): number {
  let h = hi ^ Math.imul(lo, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & mask;
}

/** Remembers normalized texts by their 64-bit hash and answers which earlier record had the same one. */
export class ExactDedup {
  /** Open addressing, linear probing; slot i is [hi, lo, record index + 1] at 3i (0 marks an empty slot). */
  private table = new Uint32Array(3 * 1024);
  private mask = 1023;
  private readonly ids: string[] = [];

  /** Records added (texts already present are not added again). */
  get size(): number {
    return this.ids.length;
  }

  /** The id of the earlier record whose normalized text equals this one's, if any. */
  seen(text: string): string | undefined {
    const [hi, lo] = fnv1a64(normalizeForDedup(text));
    const index = this.find(hi, lo);
    return index < 0 ? undefined : this.ids[index];
  }

  /** Remembers `text` under `id`; a text already present keeps its first id. */
  add(id: string, text: string): void {
    const [hi, lo] = fnv1a64(normalizeForDedup(text));
    if (this.find(hi, lo) >= 0) return;
    // Grow at 3/4 load: linear probing stays short below that for well-mixed slots.
    if ((this.ids.length + 1) * 4 > (this.mask + 1) * 3) this.grow();
    this.ids.push(id);
    this.place(this.table, this.mask, hi, lo, this.ids.length);
  }

  private find(hi: number, lo: number): number {
    const table = this.table;
    for (let slot = slotOf(hi, lo, this.mask); ; slot = (slot + 1) & this.mask) {
      const value = table[3 * slot + 2]!;
      if (value === 0) return -1;
      if (table[3 * slot] === hi && table[3 * slot + 1] === lo) return value - 1;
    }
  }

  private place(table: Uint32Array, mask: number, hi: number, lo: number, value: number): void {
    let slot = slotOf(hi, lo, mask);
    while (table[3 * slot + 2] !== 0) slot = (slot + 1) & mask;
    table[3 * slot] = hi;
    table[3 * slot + 1] = lo;
    table[3 * slot + 2] = value;
  }

  private grow(): void {
    const old = this.table;
    const mask = (this.mask + 1) * 2 - 1;
    const table = new Uint32Array(3 * (mask + 1));
    for (let i = 0; i < old.length; i += 3) {
      if (old[i + 2] !== 0) this.place(table, mask, old[i]!, old[i + 1]!, old[i + 2]!);
    }
    this.table = table;
    this.mask = mask;
  }
}
