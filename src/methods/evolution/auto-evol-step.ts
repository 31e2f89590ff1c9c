/**
 * One optimization step of Auto Evol-Instruct:
 *  1. evolve a mini-batch of training instructions with the current method (the trajectories);
 *  2. the optimizer analyses the trajectories for problems of the method;
 *  3. it proposes K improved methods (K independent samples);
 *  4. every new candidate evolves the whole development set; its failure rate is the share of those
 *     evolutions the elimination rules reject;
 *  5. the candidate with the fewest failures (the earliest on a tie) becomes the method if it fails no
 *     more often than the current method did on the same development set; otherwise the method stays.
 * Each phase writes its records only once it is complete, so the files of a stopped run are a prefix of
 * an uninterrupted run's, and a re-run (answered from the cache) appends exactly the rest.
 */

import { ANALYSE, IMPROVE, type TrajectoryCase } from "../../prompts/auto-evol.js";
import { promptTag } from "../../prompts/prompt.js";
import { contentId } from "../../util/canonical.js";
import type { GenerationSettings } from "../responses/respond.js";
import { type StopReason, stopReasonOf } from "../shared/stop-reason.js";
import type { AutoEvolOutputs, CandidateRecord, TrajectoryRecord } from "./auto-evol-records.js";
import { type EvolveAllContext, evolveAll } from "./evolve-all.js";
import type { Evolution } from "./evolve-step.js";
import type { EvolOperation } from "./operations.js";
import { analyseTrajectories, type OptimizerContext, proposeMethods } from "./optimizer.js";

/** An instruction to evolve: its seed id and its text (instruction and input). */
export interface Item {
  id: string;
  text: string;
}

/** An evolving method and its failures on the development set. */
export interface EvaluatedMethod {
  id: string;
  text: string;
  failures: number;
}

export interface StepContext {
  evolve: EvolveAllContext;
  optimizer: OptimizerContext;
  outputs: AutoEvolOutputs;
  dev: readonly Item[];
  candidates: number;
  analysis: GenerationSettings;
  improvement: GenerationSettings;
  /** Prompt tags of the initial method: the built-in one's, or none for a method the user gave. */
  initialTags: string[];
  /** Model names for the records. */
  modelName: string;
  optimizerName: string;
}

export interface StepStats {
  step: number;
  methodId: string;
  devFailureRate: number;
  batchFailureRate: number;
  issues: number;
  candidates: Array<{ index: number; status: CandidateRecord["status"]; failureRate?: number }>;
  chosen: number | null;
  nextMethodId: string;
  nextDevFailureRate: number;
}

export type StepResult =
  | { ok: true; method: EvaluatedMethod; stats: StepStats }
  | { ok: false; stop: StopReason };

const INITIAL_ID = "auto-evol-initial";

/** The operation that applies a method: the directive of one in-depth operation, named after the method. */
export function methodOperation(id: string, text: string): EvolOperation {
  return { id, kind: "depth", directive: text };
}

/** Step 0: the initial method evolves the development set once, which gives its failure rate. */
export async function evaluateInitial(
  ctx: StepContext,
  text: string,
): Promise<{ ok: true; method: EvaluatedMethod } | { ok: false; stop: StopReason }> {
  const operation = methodOperation(INITIAL_ID, text);
  const run = await evolveAll(
    ctx.evolve,
    ctx.dev.map((item) => ({ operation, parent: item.text })),
  );
  if (!run.ok) return run;
  writeTrajectories(
    ctx,
    { step: 0, role: "dev", methodId: INITIAL_ID, candidate: null },
    ctx.dev,
    run.evolutions,
  );
  return { ok: true, method: { id: INITIAL_ID, text, failures: failuresOf(run.evolutions) } };
}

export async function optimizationStep(
  ctx: StepContext,
  step: number,
  current: EvaluatedMethod,
  batch: readonly Item[],
): Promise<StepResult> {
  const D = ctx.dev.length;
  // 1. Trajectories of the current method on the mini-batch.
  const operation = methodOperation(current.id, current.text);
  const batchRun = await evolveAll(
    ctx.evolve,
    batch.map((item) => ({ operation, parent: item.text })),
  );
  if (!batchRun.ok) return batchRun;
  writeTrajectories(
    ctx,
    { step, role: "batch", methodId: current.id, candidate: null },
    batch,
    batchRun.evolutions,
  );

  // 2-3. The optimizer's analysis and its proposals.
  let proposals: Awaited<ReturnType<typeof proposeMethods>>;
  let analysisId: string;
  let issues: number;
  try {
    const cases = batch.map((item, i) => trajectoryCase(item, batchRun.evolutions[i] as Evolution));
    const analysis = await analyseTrajectories(ctx.optimizer, current.text, cases, ctx.analysis);
    analysisId = `auto-evol-analysis-${contentId({ step, method: current.id, call: analysis.call })}`;
    issues = analysis.issues.length;
    ctx.outputs.analyses.write({
      id: analysisId,
      step,
      method_id: current.id,
      instruction_ids: batch.map((item) => item.id),
      issues: analysis.issues,
      ...(analysis.invalid !== undefined ? { invalid: analysis.invalid, raw: analysis.raw } : {}),
      meta: meta(ctx.optimizerName, step, [promptTag(ANALYSE)], { call: analysis.call }),
    });
    proposals = await proposeMethods(ctx.optimizer, current.text, analysis, ctx.candidates, ctx.improvement);
  } catch (error) {
    return { ok: false, stop: stopReasonOf(error) };
  }

  // 4. Every new candidate on the development set, all in one phase.
  const candidates: CandidateRecord[] = [];
  const seen = new Map<string, number>([[current.text, -1]]);
  proposals.proposals.forEach((proposal, index) => {
    const base = { index, method_id: `auto-evol-s${step}-c${index}` };
    const call = proposals.calls[index] as string;
    if (!proposal.ok) {
      candidates.push({ ...base, status: "invalid", detail: proposal.error, call });
      return;
    }
    const earlier = seen.get(proposal.method);
    const status = earlier === undefined ? "evaluated" : earlier < 0 ? "same-as-current" : "duplicate";
    const detail =
      earlier === undefined
        ? undefined
        : earlier < 0
          ? "the current method again"
          : `same as candidate ${earlier}`;
    if (earlier === undefined) seen.set(proposal.method, index);
    candidates.push({
      ...base,
      method: proposal.method,
      changes: proposal.changes,
      status,
      ...(detail ? { detail } : {}),
      call,
    });
  });
  const evaluated = candidates.filter((c) => c.status === "evaluated");
  const devRun = await evolveAll(
    ctx.evolve,
    evaluated.flatMap((c) => {
      const op = methodOperation(c.method_id, c.method as string);
      return ctx.dev.map((item) => ({ operation: op, parent: item.text }));
    }),
  );
  if (!devRun.ok) return devRun;
  evaluated.forEach((c, k) => {
    const evolutions = devRun.evolutions.slice(k * D, (k + 1) * D);
    writeTrajectories(
      ctx,
      { step, role: "dev", methodId: c.method_id, candidate: c.index },
      ctx.dev,
      evolutions,
    );
    c.failures = failuresOf(evolutions);
    c.failure_rate = c.failures / D;
  });

  // 5. The choice: fewest failures, the earliest candidate on a tie; adopted when no worse than the current.
  let best: CandidateRecord | undefined;
  for (const c of evaluated) if (!best || (c.failures as number) < (best.failures as number)) best = c;
  const adopt = best !== undefined && (best.failures as number) <= current.failures;
  const next: EvaluatedMethod = adopt
    ? { id: best!.method_id, text: best!.method as string, failures: best!.failures as number }
    : current;
  const batchFailures = failuresOf(batchRun.evolutions);
  const chosen = adopt ? best!.index : null;
  ctx.outputs.history.write({
    id: `auto-evol-step-${step}-${contentId({ method: current.id, analysisId, calls: proposals.calls, chosen })}`,
    step,
    method_id: current.id,
    method: current.text,
    dev_failure_rate: current.failures / D,
    batch: {
      instruction_ids: batch.map((item) => item.id),
      failures: batchFailures,
      failure_rate: batchFailures / batch.length,
    },
    analysis_id: analysisId,
    // The call key last: the figures read better first.
    candidates: candidates.map(({ call, ...c }) => ({ ...c, call })),
    chosen,
    next_method_id: next.id,
    next_dev_failure_rate: next.failures / D,
    meta: {
      ...meta(ctx.modelName, step, [promptTag(ANALYSE), promptTag(IMPROVE)]),
      optimizer_model: ctx.optimizerName,
    },
  });
  const stats: StepStats = {
    step,
    methodId: current.id,
    devFailureRate: current.failures / D,
    batchFailureRate: batchFailures / batch.length,
    issues,
    candidates: candidates.map((c) => ({
      index: c.index,
      status: c.status,
      ...(c.failure_rate !== undefined ? { failureRate: c.failure_rate } : {}),
    })),
    chosen,
    nextMethodId: next.id,
    nextDevFailureRate: next.failures / D,
  };
  return { ok: true, method: next, stats };
}

function failuresOf(evolutions: readonly Evolution[]): number {
  return evolutions.filter((e) => e.elimination !== undefined).length;
}

function trajectoryCase(item: Item, evolution: Evolution): TrajectoryCase {
  const e = evolution.elimination;
  return {
    original: item.text,
    evolved: evolution.instruction,
    ...(evolution.response !== undefined ? { response: evolution.response } : {}),
    verdict: e ? `failed (${e.rule}: ${e.detail})` : "passed",
  };
}

function meta<T extends object>(model: string, step: number, prompts: string[], extra?: T) {
  return { method: "auto-evol" as const, step, model, prompts, ...(extra as T) };
}

interface Where {
  step: number;
  role: TrajectoryRecord["role"];
  methodId: string;
  candidate: number | null;
}

function writeTrajectories(
  ctx: StepContext,
  where: Where,
  items: readonly Item[],
  evolutions: readonly Evolution[],
): void {
  const methodTags = where.methodId === INITIAL_ID ? ctx.initialTags : [promptTag(IMPROVE)];
  items.forEach((item, i) => {
    const e = evolutions[i] as Evolution;
    const place = { ...where, instruction: item.id, call: e.calls.evolve };
    ctx.outputs.trajectories.write({
      id: `auto-evol-${where.role}-${contentId(place)}`,
      step: where.step,
      role: where.role,
      method_id: where.methodId,
      candidate: where.candidate,
      instruction_id: item.id,
      instruction: item.text,
      evolved: e.instruction,
      response: e.response ?? null,
      failed: e.elimination !== undefined,
      elimination: e.elimination ?? null,
      ...(e.gain
        ? {
            gain: {
              equal: e.gain.equal,
              reason: e.gain.reason,
              ...(e.gain.invalid ? { invalid: e.gain.invalid } : {}),
            },
          }
        : {}),
      meta: meta(ctx.modelName, where.step, [...methodTags, ...e.prompts], { calls: e.calls }),
    });
  });
}
