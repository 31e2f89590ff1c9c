/**
 * Near-duplicate detection with MinHash and locality-sensitive hashing (Broder 1997; bands as in
 * Leskovec, Rajaraman & Ullman, "Mining of Massive Datasets", ch. 3). The signature is cut into `bands`
 * bands of `rows` values; two texts become candidates when any band matches exactly, which happens
 * with probability 1 − (1 − J^rows)^bands for Jaccard similarity J: an S-curve with its steep part near
 * (1/bands)^(1/rows) (≈ 0.42 for 32 × 4). Candidates are then confirmed by the Jaccard estimated from
 * the stored signatures (≥ `threshold`, default 0.7), so the bands only need to be generous.
 *
 * Memory per kept record: its signature's low 16 bits (2 × numPerm bytes, in one growable Uint16Array),
 * one 8-byte entry per band in the band tables (at their load factor), and its id string. Keeping 16 of
 * the 32 bits halves the largest allocation; two different minimum hashes then look equal with odds
 * 2^-16, which raises a Jaccard estimate by at most 1.5e-5. Band keys use all 32 bits.
 */
import { BandTable } from "./minhash-band-table.js";
import { fmix32, MinHasher } from "./minhash-signature.js";

export interface MinHashOptions {
  /** Signature length, default 128 (or bands × rows when both are given). */
  numPerm?: number;
  /** LSH bands, default numPerm / rows. */
  bands?: number;
  /** Signature values per band, default 4 (or numPerm / bands when bands is given). */
  rows?: number;
  /** Tokens per shingle (words; characters for CJK text), default 3. */
  ngram?: number;
  /** Seed of the shingle hash and permutations: equal seeds give equal signatures. Default 1. */
  seed?: number;
  /** Estimated Jaccard similarity at or above which a candidate counts as a duplicate, default 0.7. */
  threshold?: number;
}

interface Layout {
  numPerm: number;
  bands: number;
  rows: number;
}

function layout(options: MinHashOptions): Layout {
  const { bands, rows } = options;
  let numPerm = options.numPerm ?? (bands !== undefined && rows !== undefined ? bands * rows : 128);
  const r = rows ?? (bands !== undefined ? numPerm / bands : 4);
  const b = bands ?? numPerm / r;
  if (options.numPerm === undefined) numPerm = b * r;
  for (const [name, value] of [
    ["numPerm", numPerm],
    ["bands", b],
    ["rows", r],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`MinHash ${name} must be a positive integer`);
  }
  if (b * r !== numPerm)
    throw new RangeError(`MinHash bands × rows (${b} × ${r}) must equal numPerm (${numPerm})`);
  return { numPerm, bands: b, rows: r };
}

export class MinHashDedup {
  readonly numPerm: number;
  readonly bands: number;
  readonly rows: number;
  readonly threshold: number;
  private readonly hasher: MinHasher;
  private readonly tables: BandTable[];
  /** Record i's signature (low 16 bits of each value) is signatures[i·numPerm, (i+1)·numPerm). */
  private signatures: Uint16Array;
  private readonly ids: string[] = [];
  /** Empty texts have no signature values to band; they are matched by this side channel instead. */
  private emptyId: string | undefined;
  private emptyCount = 0;
  /** The last signature computed: callers typically `query(text)` then `insert(id, signature(text))`. */
  private lastText: string | undefined;
  private lastSignature: Uint32Array = new Uint32Array(0);

  constructor(options: MinHashOptions = {}) {
    const { numPerm, bands, rows } = layout(options);
    const ngram = options.ngram ?? 3;
    if (!Number.isInteger(ngram) || ngram < 1)
      throw new RangeError("MinHash ngram must be a positive integer");
    this.numPerm = numPerm;
    this.bands = bands;
    this.rows = rows;
    this.threshold = options.threshold ?? 0.7;
    this.hasher = new MinHasher(numPerm, ngram, options.seed ?? 1);
    this.tables = Array.from({ length: bands }, () => new BandTable());
    this.signatures = new Uint16Array(numPerm * 1024);
  }

  /** Records inserted, empty texts included. */
  get size(): number {
    return this.ids.length + this.emptyCount;
  }

  /** Bytes held in typed arrays (signatures and band tables), excluding ids. */
  get bytes(): number {
    return this.signatures.byteLength + this.tables.reduce((sum, table) => sum + table.bytes, 0);
  }

  /**
   * The MinHash signature of `text`: `numPerm` values, or none for a text without tokens. Asking for
   * the same text twice in a row returns the same array (computed once): treat it as read-only.
   */
  signature(text: string): Uint32Array {
    if (text !== this.lastText) {
      this.lastSignature = this.hasher.signature(text);
      this.lastText = text;
    }
    return this.lastSignature;
  }

  /** An earlier inserted record whose estimated Jaccard with `text` is ≥ threshold; does not insert. */
  query(text: string): { id: string; jaccard: number } | undefined {
    return this.querySignature(this.signature(text));
  }

  /**
   * Like `query` for a signature already computed, so callers that insert afterwards hash only once.
   * Returns the first confirmed candidate in band order, not necessarily the most similar one.
   */
  querySignature(signature: Uint32Array): { id: string; jaccard: number } | undefined {
    if (signature.length === 0)
      return this.emptyId === undefined ? undefined : { id: this.emptyId, jaccard: 1 };
    this.checkLength(signature);
    // A near-duplicate usually matches in several bands: remember who was rejected to compare once.
    const rejected: number[] = [];
    let found = -1;
    let foundJaccard = 0;
    const confirm = (record: number): boolean => {
      if (rejected.includes(record)) return false;
      const jaccard = this.estimate(signature, record);
      if (jaccard < this.threshold) {
        rejected.push(record);
        return false;
      }
      found = record;
      foundJaccard = jaccard;
      return true;
    };
    for (let band = 0; band < this.bands; band++) {
      if (this.tables[band]!.some(this.bandKey(signature, 0, band), confirm)) break;
    }
    return found < 0 ? undefined : { id: this.ids[found]!, jaccard: foundJaccard };
  }

  /** Adds a record. Inserting a duplicate is allowed (both are then kept and indexed). */
  insert(id: string, signature: Uint32Array): void {
    if (signature.length === 0) {
      this.emptyId ??= id;
      this.emptyCount++;
      return;
    }
    this.checkLength(signature);
    const record = this.ids.length;
    const offset = record * this.numPerm;
    if (offset + this.numPerm > this.signatures.length) {
      // Grow by half, not double: the array is the largest allocation and briefly exists twice.
      const grown = new Uint16Array(Math.ceil((this.signatures.length * 1.5) / this.numPerm) * this.numPerm);
      grown.set(this.signatures);
      this.signatures = grown;
    }
    for (let i = 0; i < this.numPerm; i++) this.signatures[offset + i] = signature[i]! & 0xffff;
    this.ids.push(id);
    for (let band = 0; band < this.bands; band++) {
      this.tables[band]!.add(this.bandKey(signature, 0, band), record);
    }
  }

  /** Fraction of positions where the signatures agree: an unbiased estimate of the Jaccard similarity. */
  private estimate(signature: Uint32Array, record: number): number {
    const stored = this.signatures;
    const offset = record * this.numPerm;
    let equal = 0;
    for (let i = 0; i < this.numPerm; i++) if ((signature[i]! & 0xffff) === stored[offset + i]) equal++;
    return equal / this.numPerm;
  }

  /** 32-bit hash of one band's rows; equal rows give equal keys, other rows collide with odds 2^-32. */
  private bandKey(values: Uint32Array, offset: number, band: number): number {
    let h = band;
    const start = offset + band * this.rows;
    for (let i = start; i < start + this.rows; i++) h = fmix32(h ^ values[i]!) + 0x9e3779b9;
    return fmix32(h);
  }

  private checkLength(signature: Uint32Array): void {
    if (signature.length !== this.numPerm) {
      throw new RangeError(`MinHash signature has ${signature.length} values, expected ${this.numPerm}`);
    }
  }
}
