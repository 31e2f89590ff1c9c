/**
 * A Bloom filter over the cache's keys. Most lookups in a fresh run are misses, and a miss in SQLite
 * costs a B-tree descent; the filter answers "certainly not cached" from memory (about 10 bits a key) and
 * sends only possible hits to SQLite. Keys are SHA-256 hex digests, so their own bits serve as the hash
 * functions (double hashing over two 32-bit slices).
 */
const HASHES = 7;
const BITS_PER_KEY = 10;

export class KeyFilter {
  private bits: Uint32Array;
  private size: number;
  private count = 0;

  constructor(expectedKeys: number) {
    this.size = sizeFor(expectedKeys);
    this.bits = new Uint32Array(this.size >>> 5);
  }

  /** Keys beyond the planned capacity raise the false-positive rate; the owner rebuilds then. */
  get overfull(): boolean {
    return this.count * BITS_PER_KEY > this.size;
  }

  add(key: string): void {
    const h1 = Number.parseInt(key.slice(0, 8), 16);
    const h2 = Number.parseInt(key.slice(8, 16), 16) | 1;
    const mask = this.size - 1;
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & mask;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    this.count++;
  }

  mightContain(key: string): boolean {
    const h1 = Number.parseInt(key.slice(0, 8), 16);
    const h2 = Number.parseInt(key.slice(8, 16), 16) | 1;
    const mask = this.size - 1;
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + Math.imul(i, h2)) & mask;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** A power of two, at least 2^20 bits, with room for twice the expected keys. */
function sizeFor(expectedKeys: number): number {
  let size = 1 << 20;
  while (size < expectedKeys * 2 * BITS_PER_KEY && size < 2 ** 31) size *= 2;
  return size;
}
