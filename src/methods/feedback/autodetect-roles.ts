/**
 * The calls of AutoDetect's roles. The teacher plays the Examiner (taxonomy, sub-points), the Questioner
 * (questions, follow-ups) and the Assessor (a 1-10 score with a reason), and writes reference answers;
 * the student answers. Replies of the three roles are structured (JSON schema, one repair round); a
 * reply that stays unreadable comes back as `invalid` for the caller to record as a drop.
 *
 * Every call but the Assessor's is an independent draw (`Draws`) and must be prepared before the first
 * await of its job: jobs start in a fixed order, so a repeated request gets the same sample number in
 * every run. The Assessor's prompt holds a question that is unique in the run (questions are
 * deduplicated before they are answered), so it never repeats and is asked after the answers.
 */
import { z } from "zod";
import type { RunEngine } from "../../engine/engine.js";
import { generateObjects } from "../../engine/structured.js";
import type { LanguageModel } from "../../llm/language-model.js";
import type { GenerationSettings } from "../responses/respond.js";
import { chatRequest } from "../shared/chat-request.js";
import type { Draws } from "../shared/draws.js";

const pointSchema = z.object({
  name: z.string().describe("short name of the test point"),
  description: z.string().describe("one sentence on what it covers"),
});

export const taxonomySchema = z.object({
  categories: z.array(z.object({ name: z.string(), points: z.array(pointSchema) })),
});

export const questionsSchema = z.object({
  questions: z.array(
    z.object({
      question: z.string().describe("the full, self-contained question"),
      focus: z.string().describe("a few words on what it checks"),
    }),
  ),
});

export const subPointsSchema = z.object({ sub_points: z.array(pointSchema) });

export const assessmentSchema = z.object({
  reason: z.string().describe("the mistakes found, or that there are none"),
  score: z.number().int().min(1).max(10),
});

export type Taxonomy = z.infer<typeof taxonomySchema>;
export type QuestionDraft = z.infer<typeof questionsSchema>["questions"][number];
export type PointDraft = z.infer<typeof pointSchema>;
export type Assessment = z.infer<typeof assessmentSchema>;

export interface RoleContext {
  engine: RunEngine;
  teacher: LanguageModel;
  student: LanguageModel;
  draws: Draws;
}

/** A structured reply: the value, or why it could not be read (with the raw text); `call` is its cache key. */
export type Reply<T> =
  | { ok: true; value: T; call: string }
  | { ok: false; error: string; raw: string; call: string };

/**
 * One structured draw of the teacher. The draw is numbered synchronously, before the returned promise's
 * first await (see the header).
 */
export function teacherObject<T>(
  ctx: RoleContext,
  prompt: string,
  schema: z.ZodType<T>,
  name: string,
  sampling: GenerationSettings,
): Promise<Reply<T>> {
  const request = chatRequest(prompt, sampling);
  const jsonSchema = { name, schema: z.toJSONSchema(schema) as Record<string, unknown> };
  const prepared = ctx.draws.prepare(ctx.teacher, { ...request, jsonSchema });
  const call = prepared.keys[0] as string;
  return generateObjects(
    ctx.engine,
    ctx.teacher,
    { request, schema, name },
    1,
    prepared.firstSample ?? 0,
  ).then(([result]) =>
    result?.ok
      ? { ok: true, value: result.value, call }
      : { ok: false, error: result?.error ?? "no reply", raw: result?.text ?? "", call },
  );
}

export interface Answers {
  reference: string;
  answer: string;
  calls: { reference: string; answer: string };
}

/**
 * The teacher's reference answer and the student's answer to one question, asked at once. Both are
 * draws: with the student being the teacher under the same settings, the two would otherwise be one
 * cached answer compared with itself.
 */
export function answerBoth(
  ctx: RoleContext,
  question: string,
  reference: GenerationSettings,
  student: GenerationSettings,
): Promise<Answers> {
  const ref = ctx.draws.prepare(ctx.teacher, chatRequest(question, reference));
  const ans = ctx.draws.prepare(ctx.student, chatRequest(question, student));
  return Promise.all([ctx.engine.run(ref), ctx.engine.run(ans)]).then(([r, a]) => ({
    reference: r[0]?.text ?? "",
    answer: a[0]?.text ?? "",
    calls: { reference: ref.keys[0] as string, answer: ans.keys[0] as string },
  }));
}

/** The Assessor's score of an answer (see the header: never a repeated request). */
export async function assessAnswer(
  ctx: RoleContext,
  prompt: string,
  sampling: GenerationSettings,
): Promise<Reply<Assessment>> {
  const request = chatRequest(prompt, sampling);
  const name = "assessment";
  const call = ctx.engine.prepare(ctx.teacher, {
    ...request,
    jsonSchema: { name, schema: z.toJSONSchema(assessmentSchema) as Record<string, unknown> },
  }).keys[0] as string;
  const [result] = await generateObjects(
    ctx.engine,
    ctx.teacher,
    { request, schema: assessmentSchema, name },
    1,
  );
  return result?.ok
    ? { ok: true, value: result.value, call }
    : { ok: false, error: result?.error ?? "no reply", raw: result?.text ?? "", call };
}
