/**
 * Writes results in input order although calls finish in any order: each task takes a sequence number,
 * finished results wait in a map until every earlier one is written. `window` bounds how far ahead of the
 * oldest unfinished task the producer may run, which also bounds memory on huge inputs.
 */
export class OrderedSink<T> {
  private next = 0;
  private issued = 0;
  private readonly ready = new Map<number, T[]>();
  private readonly spaceWaiters: Array<() => void> = [];

  constructor(
    private readonly write: (item: T) => void,
    readonly window: number,
  ) {}

  /** A sequence number if the window has room now, without allocating a promise. */
  tryReserve(): number | undefined {
    return this.issued - this.next < this.window ? this.issued++ : undefined;
  }

  /** Resolves when a new task may be issued; returns its sequence number. */
  async reserve(): Promise<number> {
    while (this.issued - this.next >= this.window) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    return this.issued++;
  }

  /** Delivers the items of task `seq` (an empty list for a task that produced nothing). */
  complete(seq: number, items: T[]): void {
    this.ready.set(seq, items);
    while (this.ready.has(this.next)) {
      const batch = this.ready.get(this.next) as T[];
      this.ready.delete(this.next);
      for (const item of batch) this.write(item);
      this.next++;
    }
    if (this.spaceWaiters.length > 0) for (const wake of this.spaceWaiters.splice(0)) wake();
  }
}
