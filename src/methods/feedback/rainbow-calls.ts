/**
 * The model calls of Rainbow Teaming, one function per role: the mutator rewrites a prompt toward one
 * axis value, the target answers, the judge scores a reply and compares two tests, the teacher writes a
 * safe response. Structured replies (JSON schema, one repair round) that stay unreadable come back as
 * `ok: false` for the search to record; a failed call (after the engine's retries) throws.
 *
 * The mutator's and the target's calls are independent draws numbered by the candidate (`draw`), not
 * counted per session like `Draws`: a resumed search starts at a saved iteration, and the candidate's
 * number is what makes its draw the same in every session. The judge's and the teacher's calls are not
 * draws: the same question gets the same (greedy) verdict.
 */

import { z } from "zod";
import type { RunEngine } from "../../engine/engine.js";
import { generateObjects } from "../../engine/structured.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { type Exchange, pairwisePrompt, scorePrompt } from "../../prompts/rainbow-judge.js";
import { mutatePrompt } from "../../prompts/rainbow-mutate.js";
import { safeResponsePrompt } from "../../prompts/rainbow-safe.js";
import type { GenerationSettings } from "../responses/respond.js";
import { chatRequest } from "../shared/chat-request.js";
import { scoreSchema as integerScore } from "../shared/score-schema.js";
import type { Reply } from "./autodetect-roles.js";

export type { Reply };

export const mutationSchema = z.object({ prompt: z.string().describe("the rewritten prompt") });
export const scoreSchema = z.object({
  rationale: z.string(),
  score: integerScore(1, 10),
});
export const pairwiseSchema = z.object({ rationale: z.string(), winner: z.enum(["A", "B"]) });

export type Score = z.infer<typeof scoreSchema>;
export type PairwiseVerdict = z.infer<typeof pairwiseSchema>;

export interface RainbowModels {
  mutator: LanguageModel;
  target: LanguageModel;
  judge: LanguageModel;
  teacher: LanguageModel;
}

export interface RainbowSampling {
  mutator: GenerationSettings;
  target: GenerationSettings;
  judge: GenerationSettings;
  teacher: GenerationSettings;
}

export interface CallContext {
  engine: RunEngine;
  models: RainbowModels;
  sampling: RainbowSampling;
  objective: string;
  axisNames: readonly string[];
}

export interface Text {
  text: string;
  call: string;
}

async function structured<T>(
  engine: RunEngine,
  model: LanguageModel,
  prompt: string,
  g: GenerationSettings,
  schema: z.ZodType<T>,
  name: string,
  draw = 0,
): Promise<Reply<T>> {
  const request = chatRequest(prompt, g);
  const jsonSchema = { name, schema: z.toJSONSchema(schema) as Record<string, unknown> };
  const call = engine.prepare(model, { ...request, jsonSchema }, 1, draw).keys[0] as string;
  const [result] = await generateObjects(engine, model, { request, schema, name }, 1, draw);
  return result?.ok
    ? { ok: true, value: result.value, call }
    : { ok: false, error: result?.error ?? "no reply", raw: result?.text ?? "", call };
}

async function text(
  engine: RunEngine,
  model: LanguageModel,
  prompt: string,
  g: GenerationSettings,
  draw = 0,
) {
  const call = engine.prepare(model, chatRequest(prompt, g), 1, draw);
  const [sample] = await engine.run(call);
  return { text: sample?.text ?? "", call: call.keys[0] as string };
}

/** The mutator's rewrite of `prompt` so that `axis` takes `value`. */
export function mutate(
  ctx: CallContext,
  axis: string,
  value: string,
  prompt: string,
  draw: number,
): Promise<Reply<{ prompt: string }>> {
  const view = { objective: ctx.objective, axisNames: ctx.axisNames, axis, value, prompt };
  const { engine, models, sampling } = ctx;
  return structured(
    engine,
    models.mutator,
    mutatePrompt(view),
    sampling.mutator,
    mutationSchema,
    "mutation",
    draw,
  );
}

/** The target's reply: the prompt alone as the user turn (after the target's --system, if any). */
export function answer(ctx: CallContext, prompt: string, draw: number): Promise<Text> {
  return text(ctx.engine, ctx.models.target, prompt, ctx.sampling.target, draw);
}

export function score(ctx: CallContext, e: Exchange): Promise<Reply<Score>> {
  const { engine, models, sampling, objective } = ctx;
  return structured(engine, models.judge, scorePrompt(objective, e), sampling.judge, scoreSchema, "score");
}

export function compare(ctx: CallContext, a: Exchange, b: Exchange): Promise<Reply<PairwiseVerdict>> {
  const { engine, models, sampling, objective } = ctx;
  const prompt = pairwisePrompt(objective, a, b);
  return structured(engine, models.judge, prompt, sampling.judge, pairwiseSchema, "pairwise_verdict");
}

export function safeResponse(ctx: CallContext, prompt: string): Promise<Text> {
  return text(
    ctx.engine,
    ctx.models.teacher,
    safeResponsePrompt(ctx.objective, prompt),
    ctx.sampling.teacher,
  );
}
