/**
 * A lane is one model's slice of the scheduler: its concurrency limit, its requests- and tokens-per-minute
 * buckets and the retry loop. Every model call of a run passes through exactly one lane.
 */
import { ModelCallError } from "../llm/errors.js";
import type { Price } from "../llm/pricing.js";
import { redact } from "../util/secrets.js";
import { type BackoffPolicy, backoffDelay, defaultBackoff } from "./backoff.js";
import type { EventLog } from "./event-log.js";
import { acquire, type Clock, realClock, TokenBucket } from "./rate-limiter.js";
import { Semaphore } from "./semaphore.js";

export interface LaneSettings {
  /** Calls in flight at once for this model. */
  concurrency: number;
  /** Requests per minute (none if undefined). */
  rpm?: number;
  /** Tokens per minute, input plus output (none if undefined). */
  tpm?: number;
  price?: Price;
  backoff?: BackoffPolicy;
}

export interface LaneCounters {
  retries: number;
  failures: number;
}

export class ModelLane {
  private readonly semaphore: Semaphore;
  private readonly rpm: TokenBucket | undefined;
  private readonly tpm: TokenBucket | undefined;
  private readonly backoff: BackoffPolicy;
  readonly counters: LaneCounters = { retries: 0, failures: 0 };

  constructor(
    readonly modelId: string,
    readonly settings: LaneSettings,
    private readonly events: EventLog,
    private readonly clock: Clock = realClock,
  ) {
    this.semaphore = new Semaphore(settings.concurrency);
    this.rpm = settings.rpm ? new TokenBucket(settings.rpm, clock) : undefined;
    this.tpm = settings.tpm ? new TokenBucket(settings.tpm, clock) : undefined;
    this.backoff = settings.backoff ?? defaultBackoff;
  }

  /**
   * Runs `call` within the limits, retrying transient failures. `estimatedTokens` is charged to the TPM
   * bucket up front and corrected by `actualTokens` of the result. `admit` runs once the call holds its
   * slot, just before it is first sent: a stop or budget decided while it waited in the queue applies.
   */
  async run<T>(
    call: () => Promise<T>,
    estimatedTokens: number,
    actualTokens: (result: T) => number,
    admit: () => void,
  ): Promise<{ result: T; attempts: number }> {
    const pending = this.semaphore.acquire();
    if (pending) await pending;
    try {
      admit();
      for (let attempt = 1; ; attempt++) {
        if (this.rpm || this.tpm) await this.throttle(estimatedTokens);
        try {
          const result = await call();
          this.tpm?.giveBack(estimatedTokens - actualTokens(result));
          return { result, attempts: attempt };
        } catch (error) {
          const retryable = ModelCallError.is(error) && error.retryable;
          if (!retryable || attempt > this.backoff.retries) {
            this.counters.failures++;
            throw error;
          }
          const delay = backoffDelay(this.backoff, attempt, error.retryAfterMs);
          this.counters.retries++;
          this.events.emit({
            type: "retry",
            model: this.modelId,
            attempt,
            kind: error.kind,
            status: error.status,
            delayMs: Math.round(delay),
            message: redact(error.message).slice(0, 300),
          });
          await this.clock.sleep(delay);
        }
      }
    } finally {
      this.semaphore.release();
    }
  }

  private async throttle(tokens: number): Promise<void> {
    const buckets: Array<{ bucket: TokenBucket; amount: number }> = [];
    if (this.rpm) buckets.push({ bucket: this.rpm, amount: 1 });
    if (this.tpm) buckets.push({ bucket: this.tpm, amount: tokens });
    await acquire(buckets, this.clock);
  }
}
