/**
 * Tracks fire-and-forget tasks of a method loop so the loop can wait for all of them at the end.
 * A counter and one promise, instead of a Set of promises with a `finally` each: this sits on the per-record
 * hot path of every method.
 */
export class TaskGroup {
  private pending = 0;
  private wake: (() => void) | undefined;
  private room: { limit: number; resolve: () => void } | undefined;

  /** Runs `task` now; `onError` receives its rejection (a task's error never escapes unhandled). */
  run(task: () => Promise<void>, onError: (error: unknown) => void): void {
    this.pending++;
    task().then(this.done, (error: unknown) => {
      try {
        onError(error);
      } finally {
        this.done();
      }
    });
  }

  private readonly done = (): void => {
    this.pending--;
    if (this.room && this.pending < this.room.limit) {
      const { resolve } = this.room;
      this.room = undefined;
      resolve();
    }
    if (this.pending === 0 && this.wake) {
      const wake = this.wake;
      this.wake = undefined;
      wake();
    }
  };

  get size(): number {
    return this.pending;
  }

  /**
   * Resolves once fewer than `limit` tasks are running (at once if that is already so; undefined then,
   * to spare a promise). One producer at a time may wait.
   */
  below(limit: number): Promise<void> | undefined {
    if (this.pending < limit) return undefined;
    return new Promise((resolve) => {
      this.room = { limit, resolve };
    });
  }

  /** Resolves when every task started so far has settled. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }
}
