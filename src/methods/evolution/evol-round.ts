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
import type { LanguageModel } from "../../llm/language-model.js";
import type { Draws } from "../shared/draws.js";
import { OrderedRound } from "../shared/ordered-round.js";
import type { StopReason } from "../shared/stop-reason.js";
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

export async function runEvolRound(
  ctx: RoundContext,
  pool: readonly PoolMember[],
  decide: (attempt: Attempt) => void,
): Promise<StopReason | undefined> {
  // The pool is in memory already: the window may hold all of it; `lookahead` bounds the work in flight.
  const round = new OrderedRound<Attempt>(decide, ctx.lookahead, pool.length + 1);
  for (const member of pool) {
    if (!round.open) break;
    const operation = chooseOperation(
      ctx.engine.rng.fork(`evol/operation/${ctx.round}/${member.id}`),
      ctx.choice,
    );
    const started = await round.start(() => {
      // evolveOnce numbers its draw before its first await; jobs start in pool order, so draws are
      // numbered in pool order.
      const evolving = evolveOnce(
        ctx.engine,
        ctx.model,
        ctx.draws,
        operation,
        member.instruction,
        ctx.settings,
      );
      return evolving.then((evolution) => ({ member, operation, evolution }));
    });
    if (!started) break;
  }
  // Calls in flight finish (and are cached) before the caller closes its files.
  return round.finish();
}
