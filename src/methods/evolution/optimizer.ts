/**
 * The optimizer LLM of Auto Evol-Instruct: it analyses the evolution trajectories of a mini-batch for
 * problems of the evolving method, then proposes improved methods. Both replies are structured (JSON
 * schema, one repair round). K candidates are K independent samples of one improvement request, asked
 * as one call where the model allows (`Draws.prepareMany`: a request that repeats later in the run gets
 * new samples, not the cached ones).
 */
import { z } from "zod";
import type { RunEngine } from "../../engine/engine.js";
import { generateObjects } from "../../engine/structured.js";
import type { LanguageModel } from "../../llm/language-model.js";
import {
  type AnalysisIssue,
  analysePrompt,
  improvePrompt,
  type TrajectoryCase,
} from "../../prompts/auto-evol.js";
import type { GenerationSettings } from "../responses/respond.js";
import { chatRequest } from "../shared/chat-request.js";
import type { Draws } from "../shared/draws.js";

const analysisSchema = z.object({
  issues: z.array(
    z.object({
      issue: z.string().describe("a problem of the evolving method"),
      evidence: z.string().describe("the cases that show it, and how"),
    }),
  ),
});

const improvementSchema = z.object({
  changes: z.string().describe("what was changed in the method and why"),
  method: z.string().describe("the full text of the improved method"),
});

/** Names and JSON schemas as sent; `Draws` must hash exactly what `generateObjects` sends. */
const ANALYSIS_SCHEMA = {
  name: "evolution_analysis",
  schema: z.toJSONSchema(analysisSchema) as Record<string, unknown>,
};
const IMPROVEMENT_SCHEMA = {
  name: "improved_method",
  schema: z.toJSONSchema(improvementSchema) as Record<string, unknown>,
};

export interface OptimizerContext {
  engine: RunEngine;
  /** The optimizer model. */
  model: LanguageModel;
  draws: Draws;
}

export interface Analysis {
  issues: AnalysisIssue[];
  /** The reply could not be read as the schema even after a repair: `raw` stands in for the issues. */
  invalid?: string;
  raw?: string;
  call: string;
}

export async function analyseTrajectories(
  ctx: OptimizerContext,
  method: string,
  cases: readonly TrajectoryCase[],
  sampling: GenerationSettings,
): Promise<Analysis> {
  const request = chatRequest(analysePrompt(method, cases), sampling);
  const prepared = ctx.draws.prepare(ctx.model, { ...request, jsonSchema: ANALYSIS_SCHEMA });
  const [result] = await generateObjects(
    ctx.engine,
    ctx.model,
    { request, schema: analysisSchema, name: ANALYSIS_SCHEMA.name },
    1,
    prepared.firstSample ?? 0,
  );
  const call = prepared.keys[0] as string;
  if (!result?.ok) return { issues: [], invalid: result?.error ?? "no reply", raw: result?.text ?? "", call };
  const issues = result.value.issues
    .map((i) => ({ issue: i.issue.trim(), evidence: i.evidence.trim() }))
    .filter((i) => i.issue !== "");
  return { issues, call };
}

/** One proposed method, or why none could be read from the sample. */
export type Proposal =
  | { ok: true; method: string; changes: string }
  | { ok: false; error: string; raw: string };

export interface Proposals {
  proposals: Proposal[];
  /** Cache keys of the samples, in order. */
  calls: string[];
}

export async function proposeMethods(
  ctx: OptimizerContext,
  method: string,
  analysis: Analysis,
  count: number,
  sampling: GenerationSettings,
): Promise<Proposals> {
  const request = chatRequest(
    improvePrompt(method, analysis.invalid ? (analysis.raw ?? "") : analysis.issues),
    sampling,
  );
  const prepared = ctx.draws.prepareMany(ctx.model, { ...request, jsonSchema: IMPROVEMENT_SCHEMA }, count);
  const results = await generateObjects(
    ctx.engine,
    ctx.model,
    { request, schema: improvementSchema, name: IMPROVEMENT_SCHEMA.name },
    count,
    prepared.firstSample ?? 0,
  );
  const proposals = results.map((result): Proposal => {
    if (!result.ok) return { ok: false, error: result.error, raw: result.text };
    const text = cleanMethod(result.value.method);
    if (text === "") return { ok: false, error: "the method is empty", raw: result.text };
    return { ok: true, method: text, changes: result.value.changes.trim() };
  });
  return { proposals, calls: prepared.keys };
}

/** The method text without the quoting marks of our prompts, should the model copy them. */
export function cleanMethod(text: string): string {
  return text
    .trim()
    .replace(/^<<<\s*/u, "")
    .replace(/\s*>>>$/u, "")
    .trim();
}
