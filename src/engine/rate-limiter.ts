/**
 * Requests-per-minute and tokens-per-minute limits as token buckets that refill continuously. The burst
 * is one second's worth (at least one request, at least the request at hand), so a fresh run does not
 * fire a minute's quota at once and then trip the server's own limiter.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class TokenBucket {
  private level: number;
  private updatedAt: number;
  private readonly ratePerMs: number;
  readonly capacity: number;

  constructor(
    perMinute: number,
    private readonly clock: Clock = realClock,
  ) {
    this.ratePerMs = perMinute / 60_000;
    this.capacity = Math.max(1, perMinute / 60);
    this.level = this.capacity;
    this.updatedAt = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.level = Math.min(this.capacity, this.level + (now - this.updatedAt) * this.ratePerMs);
    this.updatedAt = now;
  }

  /**
   * Milliseconds until `amount` can be taken (0 = now). An amount above the capacity waits for a full
   * bucket and then drives the level negative, which delays the next callers by the excess: the long-run
   * rate still holds.
   */
  delayFor(amount: number): number {
    this.refill();
    const needed = Math.min(amount, this.capacity);
    return this.level >= needed ? 0 : (needed - this.level) / this.ratePerMs;
  }

  take(amount: number): void {
    this.refill();
    this.level -= amount;
  }

  /** Returns unused reservation (e.g. a token estimate that turned out too high). */
  giveBack(amount: number): void {
    this.refill();
    this.level = Math.min(this.capacity, this.level + amount);
  }
}

/** Waits until every bucket can pay, then pays all of them at once. */
export async function acquire(
  buckets: ReadonlyArray<{ bucket: TokenBucket; amount: number }>,
  clock: Clock = realClock,
): Promise<void> {
  for (;;) {
    let wait = 0;
    for (const { bucket, amount } of buckets) wait = Math.max(wait, bucket.delayFor(amount));
    if (wait <= 0) break;
    await clock.sleep(Math.ceil(wait));
  }
  for (const { bucket, amount } of buckets) bucket.take(amount);
}
