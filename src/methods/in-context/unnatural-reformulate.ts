/**
 * Unnatural Instructions, template expansion: every kept core example's instruction reworded K times
 * by the model (one call asking for K distinct rewordings); each rewording keeps the example's input,
 * constraints and output. Rewordings identical to their original, or to an example already in the
 * output (same instruction and input), are dropped.
 *
 * The calls start as soon as an example is kept; the decisions wait until the core set is final and
 * run in kept order, so "already in the output" means the same thing in every run: all core examples,
 * then the rewordings decided before.
 */
import type { RunEngine } from "../../engine/engine.js";
import { generateObjects, type StructuredResult } from "../../engine/structured.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { promptTag } from "../../prompts/prompt.js";
import * as P from "../../prompts/unnatural.js";
import { type ExactDedup, normalizeForDedup } from "../../text/exact-dup.js";
import type { FilterOptions } from "../../text/filters.js";
import { contentId } from "../../util/canonical.js";
import { chatRequest } from "../shared/chat-request.js";
import type { Draws } from "../shared/draws.js";
import type { DroppedRecord } from "../shared/record-output.js";
import type { Sampling } from "./unnatural-core.js";
import {
  dedupKey,
  instructionProblem,
  REWORDINGS_SCHEMA,
  rewordingsSchema,
  type UnnaturalRecord,
} from "./unnatural-example.js";

export interface ReformulateContext {
  engine: RunEngine;
  model: LanguageModel;
  draws: Draws;
  /** Rewordings asked per example. */
  count: number;
  sampling: Sampling;
}

export interface Reformulation {
  call: string;
  result: StructuredResult<{ rewordings: string[] }>;
}

const PROMPTS = [P.GENERATE, P.OUTPUT, P.REFORMULATE].map(promptTag);

/** Asks for the rewordings of one core record. Call it in kept order (Draws counts occurrences). */
export async function askRewordings(ctx: ReformulateContext, core: UnnaturalRecord): Promise<Reformulation> {
  const request = chatRequest(P.reformulateMessage(core.instruction, core.input, ctx.count), ctx.sampling);
  // Two examples may share an instruction (with different inputs): independent draws, not one answer twice.
  const prepared = ctx.draws.prepare(ctx.model, { ...request, jsonSchema: REWORDINGS_SCHEMA });
  const [result] = await generateObjects(
    ctx.engine,
    ctx.model,
    { request, schema: rewordingsSchema, name: REWORDINGS_SCHEMA.name },
    1,
    prepared.firstSample ?? 0,
  );
  if (!result) throw new Error("unnatural: the reformulation call returned no sample");
  return { call: prepared.keys[0] as string, result };
}

export interface RewordingDecisions {
  kept: UnnaturalRecord[];
  dropped: DroppedRecord[];
}

/**
 * Keeps or drops the rewordings of one core record; `dedup` holds every example already in the output
 * and receives the kept rewordings. At most `count` rewordings are taken from the reply, in its order.
 */
export function decideRewordings(
  core: UnnaturalRecord,
  reformulation: Reformulation,
  count: number,
  dedup: ExactDedup,
  heuristics: FilterOptions | undefined,
): RewordingDecisions {
  const out: RewordingDecisions = { kept: [], dropped: [] };
  const where = { step: "reformulation", parent_id: core.id, call: reformulation.call };
  const { result } = reformulation;
  if (!result.ok) {
    out.dropped.push({
      id: `unnatural-drop-${contentId({ ...where, reason: "invalid" })}`,
      reason: "invalid",
      detail: `not a valid list of rewordings: ${result.error}`,
      ...where,
      raw: result.text,
    });
    return out;
  }
  const original = normalizeForDedup(core.instruction);
  for (const [rewording, text] of result.value.rewordings.slice(0, count).entries()) {
    const instruction = text.trim();
    const verdict = judgeRewording(instruction, original, core.input, dedup, heuristics);
    const at = { ...where, rewording };
    if (!verdict.ok) {
      out.dropped.push({
        id: `unnatural-drop-${contentId({ ...at, reason: verdict.reason })}`,
        reason: verdict.reason,
        detail: verdict.detail,
        instruction,
        input: core.input,
        ...at,
        ...(verdict.duplicateOf !== undefined ? { duplicate_of: verdict.duplicateOf } : {}),
      });
      continue;
    }
    const id = `unnatural-${contentId({ ...at, instruction })}`;
    dedup.add(id, dedupKey(instruction, core.input));
    out.kept.push({
      id,
      instruction,
      input: core.input,
      ...(core.constraints !== undefined ? { constraints: core.constraints } : {}),
      output: core.output,
      meta: {
        ...core.meta,
        step: "reformulation",
        parent_id: core.id,
        rewording,
        prompts: PROMPTS,
        calls: { ...core.meta.calls, reformulate: reformulation.call },
      },
    });
  }
  return out;
}

type RewordingVerdict = { ok: true } | { ok: false; reason: string; detail: string; duplicateOf?: string };

function judgeRewording(
  instruction: string,
  original: string,
  input: string,
  dedup: ExactDedup,
  heuristics: FilterOptions | undefined,
): RewordingVerdict {
  const problem = instructionProblem(instruction, heuristics);
  if (problem) return { ok: false, ...problem };
  if (normalizeForDedup(instruction) === original) {
    return { ok: false, reason: "same-as-original", detail: "the rewording is the original instruction" };
  }
  const earlier = dedup.seen(dedupKey(instruction, input));
  if (earlier !== undefined) {
    return {
      ok: false,
      reason: "duplicate",
      detail: `same instruction and input as ${earlier}`,
      duplicateOf: earlier,
    };
  }
  return { ok: true };
}
