/**
 * A round of independent jobs whose results must be decided in start order: jobs run concurrently (at
 * most `lookahead` at once), their results are handed to `decide` strictly in the order they were
 * started, and the first failure stops the round: no job starts after it, the jobs in flight finish
 * (their calls are cached), results after the failed one are not decided, and the failure's stop
 * reason is returned. Rounds that feed the next round (Humpback, Evol-Instruct) need exactly this, so
 * that a stopped run decides a prefix of what an uninterrupted run decides.
 */
import { OrderedSink } from "../../engine/ordered-sink.js";
import { TaskGroup } from "../../engine/task-group.js";
import { type StopReason, stopReasonOf } from "./stop-reason.js";

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export class OrderedRound<T> {
  private stop: StopReason | undefined;
  private fatal: { error: unknown } | undefined;
  /** Set as soon as any job fails (in whatever order): no job is started after it. */
  private failing = false;
  private readonly sink: OrderedSink<Settled<T>>;
  private readonly tasks = new TaskGroup();

  constructor(
    decide: (value: T) => void,
    private readonly lookahead: number,
    /** How far finished results may run ahead of the oldest unfinished one. */
    window: number,
  ) {
    this.sink = new OrderedSink<Settled<T>>((settled) => {
      if (this.stop || this.fatal) return;
      try {
        if (settled.ok) decide(settled.value);
        else this.stop = stopReasonOf(settled.error); // rethrows what is not a model call's failure (a bug)
      } catch (error) {
        this.fatal = { error };
      }
    }, window);
  }

  /** False once the round is stopping: the caller should start nothing more. */
  get open(): boolean {
    return !this.failing && !this.fatal;
  }

  /** Waits for room, then starts `job` (unless the round is stopping); says whether it started. */
  async start(job: () => Promise<T>): Promise<boolean> {
    const room = this.tasks.below(this.lookahead);
    if (room) await room;
    if (!this.open) return false;
    const seq = this.sink.tryReserve() ?? (await this.sink.reserve());
    this.tasks.run(
      async () => this.sink.complete(seq, [{ ok: true, value: await job() }]),
      (error) => {
        this.failing = true;
        this.sink.complete(seq, [{ ok: false, error }]);
      },
    );
    return true;
  }

  /** A result that needs no work (e.g. an ingestion drop), decided in its place in the order. */
  async add(value: T): Promise<void> {
    const seq = this.sink.tryReserve() ?? (await this.sink.reserve());
    this.sink.complete(seq, [{ ok: true, value }]);
  }

  /** Waits for the jobs in flight; rethrows a bug raised by `decide`; returns why the round stopped. */
  async finish(): Promise<StopReason | undefined> {
    await this.tasks.idle();
    if (this.fatal) throw this.fatal.error;
    return this.stop;
  }
}
