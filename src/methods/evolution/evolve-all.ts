/**
 * Evolves a list of (operation, instruction) jobs concurrently, as one phase of a loop whose later
 * steps depend on the outcome (Auto Evol-Instruct's mini-batch and development-set evaluations).
 *
 * Evolutions start in list order, at most `lookahead` at a time, so the occurrence numbers `Draws` gives
 * their calls are the same in every run whatever finishes first. A call that fails for good (or the
 * budget, or Ctrl-C) stops the phase: no further evolution starts, those in flight finish (and are
 * cached), and the caller gets the stop reason instead of a partial result, which would make the next
 * step differ from the one a re-run makes.
 */
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import type { Draws } from "../shared/draws.js";
import { type StopReason, stopReasonOf } from "../shared/stop-reason.js";
import { type Evolution, type EvolveSettings, evolveOnce } from "./evolve-step.js";
import type { EvolOperation } from "./operations.js";

export interface EvolveAllContext {
  engine: RunEngine;
  model: LanguageModel;
  draws: Draws;
  settings: EvolveSettings;
  /** Evolutions in progress at once. */
  lookahead: number;
  /** Called as each evolution starts (live counters). */
  onStart?: () => void;
}

export interface EvolveJob {
  operation: EvolOperation;
  parent: string;
}

export type EvolveAllResult = { ok: true; evolutions: Evolution[] } | { ok: false; stop: StopReason };

/** The evolutions of `jobs`, in job order, or why the phase stopped. */
export async function evolveAll(ctx: EvolveAllContext, jobs: readonly EvolveJob[]): Promise<EvolveAllResult> {
  const evolutions = new Array<Evolution>(jobs.length);
  let failure: { error: unknown } | undefined;
  let next = 0;
  let running = 0;
  await new Promise<void>((done) => {
    const pump = (): void => {
      while (!failure && running < ctx.lookahead && next < jobs.length) {
        const i = next++;
        running++;
        ctx.onStart?.();
        // Started synchronously, in list order: evolveOnce prepares its draw before its first await.
        const job = jobs[i] as EvolveJob;
        evolveOnce(ctx.engine, ctx.model, ctx.draws, job.operation, job.parent, ctx.settings)
          .then(
            (evolution) => {
              evolutions[i] = evolution;
            },
            (error: unknown) => {
              failure ??= { error };
            },
          )
          .finally(() => {
            running--;
            pump();
          });
      }
      if (running === 0) done();
    };
    pump();
  });
  // stopReasonOf rethrows what is not a model call's failure (a bug).
  if (failure) return { ok: false, stop: stopReasonOf(failure.error) };
  return { ok: true, evolutions };
}
