/**
 * One Evol-Instruct round: every pool member gets one operation (a seeded draw by round and member id)
 * and is evolved once (rewrite, response, elimination). Members are independent within a round, so they
 * run concurrently, at most `lookahead` at a time, started in pool order (which is also the order the
 * rewrites' draws are numbered in); their outcomes are decided in pool order, so the files and the next
 * pool follow the pool whatever finished first.
 *
 * The next round depends on all of this one, so a call that fails for good (or the budget, or Ctrl-C)
 * stops the round at the first member, in pool order, without an outcome: calls in flight finish (and are
 * cached), nothing after that member is decided, and a re-run, answered from the cache, goes on from there.
 */
import type { RunEngine } from "../../engine/engine.js";
import { OrderedSink } from "../../engine/ordered-sink.js";
import { TaskGroup } from "../../engine/task-group.js";
import type { LanguageModel } from "../../llm/language-model.js";
import type { Draws } from "../shared/draws.js";
import { type StopReason, stopReasonOf } from "../shared/stop-reason.js";
import { chooseOperation, type OperationChoice, type PoolMember } from "./evol-pool.js";
import { type Evolution, type EvolveSettings, evolveOnce } from "./evolve-step.js";
import type { EvolOperation } from "./operations.js";

export interface RoundContext {
  engine: RunEngine;
  model: LanguageModel;
  draws: Draws;
  round: number;
  choice: OperationChoice;
  settings: EvolveSettings;
  /** Members in progress at once. */
  lookahead: number;
}

export interface Attempt {
  member: PoolMember;
  operation: EvolOperation;
  evolution: Evolution;
}

type Settled = { ok: true; value: Attempt } | { ok: false; error: unknown };

export async function runEvolRound(
  ctx: RoundContext,
  pool: readonly PoolMember[],
  decide: (attempt: Attempt) => void,
): Promise<StopReason | undefined> {
  let stop: StopReason | undefined;
  let fatal: { error: unknown } | undefined;
  // Set as soon as any member fails (in whatever order): no member is started after it.
  let failing = false;
  const sink = new OrderedSink<Settled>(
    (settled) => {
      if (stop || fatal) return;
      try {
        if (settled.ok) decide(settled.value);
        else stop = stopReasonOf(settled.error); // rethrows what is not a model call's failure (a bug)
      } catch (error) {
        fatal = { error };
      }
    },
    pool.length + 1, // the pool is in memory already; `lookahead` bounds the work in flight
  );
  const tasks = new TaskGroup();
  for (const member of pool) {
    const room = tasks.below(ctx.lookahead);
    if (room) await room;
    if (failing || fatal) break;
    const seq = sink.tryReserve() as number;
    const operation = chooseOperation(
      ctx.engine.rng.fork(`evol/operation/${ctx.round}/${member.id}`),
      ctx.choice,
    );
    // Called here, not inside the task: evolveOnce numbers its draw before its first await, so draws
    // are numbered in pool order.
    const evolving = evolveOnce(
      ctx.engine,
      ctx.model,
      ctx.draws,
      operation,
      member.instruction,
      ctx.settings,
    );
    tasks.run(
      async () => sink.complete(seq, [{ ok: true, value: { member, operation, evolution: await evolving } }]),
      (error) => {
        failing = true;
        sink.complete(seq, [{ ok: false, error }]);
      },
    );
  }
  // Calls in flight finish (and are cached) before the caller closes its files.
  await tasks.idle();
  if (fatal) throw fatal.error;
  return stop;
}
