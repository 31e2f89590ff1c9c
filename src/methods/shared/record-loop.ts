/**
 * Independent work per input record (score it, rewrite it): the file is read as a stream, each record is
 * planned in order, work runs with bounded concurrency, and results are written in input order, so a
 * resumed run's file reads like an uninterrupted one's. A failed call, the budget or Ctrl-C stops the
 * reading; the work in flight still finishes and is written, and a re-run does the rest. Bad input stops
 * the same way, then its error is thrown.
 */
import type { InputRecord } from "../../data/input-record.js";
import { OrderedSink } from "../../engine/ordered-sink.js";
import { TaskGroup } from "../../engine/task-group.js";
import { type StopReason, stopReasonOf } from "./stop-reason.js";

export interface RecordLoop<Job, Item> {
  records: AsyncIterable<InputRecord>;
  /** Records in progress at once (keep the model's lane busy without parking thousands of jobs). */
  lookahead: number;
  /** The record's work, or undefined when there is none left (its output is already written). */
  plan(record: InputRecord): Job | undefined;
  run(job: Job): Promise<Item[]>;
  /** Called in input order. */
  write(item: Item): void;
}

/** Runs the loop; resolves with why it stopped early, if it did. */
export async function runRecordLoop<Job, Item>(loop: RecordLoop<Job, Item>): Promise<StopReason | undefined> {
  const sink = new OrderedSink<Item>(loop.write, 1024);
  const tasks = new TaskGroup();
  let stop: StopReason | undefined;
  let inputError: unknown;
  try {
    for await (const record of loop.records) {
      if (stop) break;
      const job = loop.plan(record);
      if (job === undefined) continue;
      const room = tasks.below(loop.lookahead);
      if (room) await room;
      const seq = sink.tryReserve() ?? (await sink.reserve());
      tasks.run(
        async () => sink.complete(seq, await loop.run(job)),
        (error) => {
          sink.complete(seq, []);
          stop ??= stopReasonOf(error);
        },
      );
    }
  } catch (error) {
    inputError = error;
  }
  await tasks.idle();
  if (inputError !== undefined) throw inputError;
  return stop;
}
