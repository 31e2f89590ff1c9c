/**
 * A structured call of learning from errors (the teacher's analyses, groupings and writings): the
 * reply schemas, and one helper that prepares the call (for its cache key, which record ids and
 * `meta.call` cite) and asks it through the engine with validation and one repair.
 */
import { z } from "zod";
import type { RunEngine } from "../../engine/engine.js";
import { generateObject, type StructuredResult } from "../../engine/structured.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { type ReplySchema, replySchema } from "../backtranslation/document-call.js";
import type { GenerationSettings } from "../responses/respond.js";
import { chatRequest } from "../shared/chat-request.js";

export const ANALYSIS_REPLY = replySchema(
  "error_analysis",
  z.object({ missing: z.string(), category: z.string(), explanation: z.string() }),
);

export const CONTRAST_REPLY = replySchema(
  "error_contrast",
  z.object({ difference: z.string(), missing: z.string(), category: z.string() }),
);

export const GROUPING_REPLY = replySchema(
  "error_weaknesses",
  z.object({
    weaknesses: z.array(
      z.object({ name: z.string(), description: z.string(), failure_ids: z.array(z.string()) }),
    ),
  }),
);

export const EXAMPLES_REPLY = replySchema(
  "targeted_examples",
  z.object({ examples: z.array(z.object({ question: z.string(), answer: z.string() })) }),
);

export interface TeacherReply<T> {
  /** Cache key of the call. */
  call: string;
  result: StructuredResult<T>;
}

/** Asks `message` under `reply`'s schema; a reply still invalid after the repair is returned, not thrown. */
export async function askTeacher<T>(
  engine: RunEngine,
  teacher: LanguageModel,
  message: string,
  reply: ReplySchema<T>,
  sampling: GenerationSettings,
): Promise<TeacherReply<T>> {
  const request = chatRequest(message, sampling);
  const call = engine.prepare(teacher, { ...request, jsonSchema: reply.json }).keys[0] as string;
  const result = await generateObject(engine, teacher, {
    request,
    schema: reply.schema,
    name: reply.json.name,
  });
  return { call, result };
}
