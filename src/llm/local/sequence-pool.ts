/**
 * A fixed set of context sequences shared by every concurrent call on one LocalModel. llama.cpp decodes
 * all sequences of a context that have pending tokens in the same batch, so running samples on
 * separate sequences of ONE context is what makes `n > 1` (and concurrent calls) cheap. Callers beyond
 * the pool size wait in FIFO order.
 */

import { ModelCallError } from "../errors.js";

interface Waiter<T> {
  resolve: (item: T) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new ModelCallError("timeout", "The local model call was aborted");
}

export class SequencePool<T> {
  private readonly idle: T[] = [];
  private readonly waiters: Array<Waiter<T>> = [];
  private created = 0;
  private closed = false;

  /** `create` is called lazily, at most `size` times, so unused sequences cost nothing. */
  constructor(
    readonly size: number,
    private readonly create: () => T,
  ) {}

  acquire(signal?: AbortSignal): Promise<T> {
    if (this.closed)
      return Promise.reject(new ModelCallError("model-unavailable", "The local model is closed"));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const item = this.idle.pop() ?? this.createIfRoom();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.removeWaiter(waiter);
          reject(abortError(signal as AbortSignal));
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(item: T): void {
    const next = this.waiters.shift();
    if (next) {
      next.signal?.removeEventListener("abort", next.onAbort);
      next.resolve(item); // hand over directly: no window in which a newcomer could jump the queue
    } else {
      this.idle.push(item);
    }
  }

  /** Runs `task` with a pooled item and always gives the item back. */
  async use<R>(task: (item: T) => Promise<R>, signal?: AbortSignal): Promise<R> {
    const item = await this.acquire(signal);
    try {
      return await task(item);
    } finally {
      this.release(item);
    }
  }

  /** Rejects every waiter; later acquire() calls fail. Items in use are released normally. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      waiter.reject(
        new ModelCallError("model-unavailable", "The local model was closed while the call waited"),
      );
    }
  }

  private createIfRoom(): T | undefined {
    if (this.created >= this.size) return undefined;
    this.created++;
    return this.create();
  }

  private removeWaiter(waiter: Waiter<T>): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }
}
