/**
 * Tracks fire-and-forget tasks of a method loop so the loop can wait for all of them at the end.
 * A counter and one promise, instead of a Set of promises with a `finally` each: this sits on the per-record
 * hot path of every method.
 */
export class TaskGroup {
  private pending = 0;
  private wake: (() => void) | undefined;

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
    if (this.pending === 0 && this.wake) {
      const wake = this.wake;
      this.wake = undefined;
      wake();
    }
  };

  /** Resolves when every task started so far has settled. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }
}
