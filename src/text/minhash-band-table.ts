/**
 * One LSH band's index: band hash → record indices, as an open-addressing multimap in two typed arrays.
 * A Map<number, number | number[]> per band would cost ~30 bytes per entry in V8 objects the GC must
 * walk, times 32 bands per record; here an entry is 8 bytes at a load of 3/8–3/4, off the JS heap.
 * Equal keys occupy separate slots along one probe run, so `forEach` visits every record with the key.
 */
export class BandTable {
  private keys = new Uint32Array(256);
  /** Record index + 1; 0 marks an empty slot. */
  private values = new Uint32Array(256);
  private mask = 255;
  private count = 0;

  /** Bytes held by the table's arrays (for memory accounting). */
  get bytes(): number {
    return this.keys.byteLength + this.values.byteLength;
  }

  add(key: number, record: number): void {
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.grow();
    this.place(key, record + 1);
    this.count++;
  }

  /** Calls `visit` with each record stored under `key` until it returns true; returns whether one did. */
  some(key: number, visit: (record: number) => boolean): boolean {
    const keys = this.keys;
    const values = this.values;
    for (let slot = key & this.mask; values[slot] !== 0; slot = (slot + 1) & this.mask) {
      if (keys[slot] === key && visit(values[slot]! - 1)) return true;
    }
    return false;
  }

  /** Keys are already uniform band hashes, so their low bits pick the slot directly. */
  private place(key: number, value: number): void {
    let slot = key & this.mask;
    while (this.values[slot] !== 0) slot = (slot + 1) & this.mask;
    this.keys[slot] = key;
    this.values[slot] = value;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const size = oldKeys.length * 2;
    this.keys = new Uint32Array(size);
    this.values = new Uint32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] !== 0) this.place(oldKeys[i]!, oldValues[i]!);
    }
  }
}
