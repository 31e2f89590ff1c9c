/**
 * The job runner shared by both judge modes: jobs (a record, or a group of responses) run concurrently,
 * at most `lookahead` at a time, and their outcomes are written strictly in the order the jobs were
 * started, so the output follows the input whatever the timing. Jobs are independent: a call that
 * fails for good costs only its job (logged; the run ends "partial" and a re-run retries it, everything
 * else coming from the cache). The budget and Ctrl-C stop the loop after the jobs in flight, and
 * nothing after the stopped job is written: the output stays a prefix of the whole run's, so a re-run
 * (its calls cached) appends exactly what a run without the stop would have written next.
 */
import type { RunEngine } from "../../engine/engine.js";
import { OrderedSink } from "../../engine/ordered-sink.js";
import { TaskGroup } from "../../engine/task-group.js";
import { type StopReason, stopReasonOf } from "../shared/stop-reason.js";

export interface JobFailure {
  id: string;
  file: string;
  line: number;
  error: string;
}

const MAX_LISTED_FAILURES = 10;

export class JudgeLoop<T> {
  /** Why the loop stopped early (budget, interrupt), or, after `finish`, that some jobs failed. */
  stop: StopReason | undefined;
  failed = 0;
  /** The first few failures; all of them are in events.jsonl ("record-failed"). */
  readonly failures: JobFailure[] = [];
  private fatal: { error: unknown } | undefined;
  /** Sequence number of the first job stopped by the budget or an interrupt. */
  private stopAt = Number.POSITIVE_INFINITY;
  private readonly sink: OrderedSink<{ seq: number; outcome: T }>;
  private readonly tasks = new TaskGroup();

  constructor(
    private readonly engine: RunEngine,
    write: (outcome: T) => void,
    private readonly lookahead: number,
    window = 1024,
  ) {
    this.sink = new OrderedSink<{ seq: number; outcome: T }>(({ seq, outcome }) => {
      if (seq < this.stopAt) write(outcome);
    }, window);
  }

  /** False once the loop is stopping: the caller should start nothing more. */
  get open(): boolean {
    return !this.stop && !this.fatal;
  }

  /** Waits for room, then starts `job` unless the loop is stopping; says whether it started. */
  async start(job: () => Promise<T[]>, where: Omit<JobFailure, "error">): Promise<boolean> {
    const room = this.tasks.below(this.lookahead);
    if (room) await room;
    if (!this.open) return false;
    const seq = this.sink.tryReserve() ?? (await this.sink.reserve());
    this.tasks.run(
      async () =>
        this.sink.complete(
          seq,
          (await job()).map((outcome) => ({ seq, outcome })),
        ),
      (error) => {
        this.onError(error, seq, where);
        this.sink.complete(seq, []);
      },
    );
    return true;
  }

  /** An outcome that needs no call (a dropped duplicate), written in its place in the order. */
  async add(outcome: T): Promise<void> {
    const seq = this.sink.tryReserve() ?? (await this.sink.reserve());
    this.sink.complete(seq, [{ seq, outcome }]);
  }

  /** Waits for the jobs in flight; rethrows a bug; returns why the loop stopped, if it did. */
  async finish(): Promise<StopReason | undefined> {
    await this.tasks.idle();
    if (this.fatal) throw this.fatal.error;
    if (!this.stop && this.failed > 0) {
      const what = this.failed === 1 ? "1 job" : `${this.failed} jobs`;
      this.stop = {
        kind: "failed",
        message: `${what} failed after retries (see events.jsonl: record-failed)`,
      };
    }
    return this.stop;
  }

  private onError(error: unknown, seq: number, where: Omit<JobFailure, "error">): void {
    let reason: StopReason;
    try {
      reason = stopReasonOf(error);
    } catch (bug) {
      this.fatal ??= { error: bug };
      return;
    }
    if (reason.kind !== "failed") {
      this.stop ??= reason;
      this.stopAt = Math.min(this.stopAt, seq);
      return;
    }
    this.failed++;
    const failure = { ...where, error: reason.message };
    if (this.failures.length < MAX_LISTED_FAILURES) this.failures.push(failure);
    this.engine.runDir.events.emit({ type: "record-failed", ...failure });
  }
}
