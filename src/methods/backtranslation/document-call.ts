/**
 * The one structured call a document-level method makes per document (LongForm's instruction, DoG's
 * pair): prepared in corpus order, so that a prompt that repeats (two identical documents) is an
 * independent draw with its own cache key (see shared/draws.ts), and asked when the loop runs the
 * document. It carries the lineage and meta every record of that document shares.
 */
import { z } from "zod";
import type { Passage, PassageSource } from "../../data/corpus/passage.js";
import type { RunEngine } from "../../engine/engine.js";
import { generateObjects, type StructuredResult } from "../../engine/structured.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { type PromptRef, promptTag } from "../../prompts/prompt.js";
import type { GenerationSettings } from "../responses/respond.js";
import { chatRequest } from "../shared/chat-request.js";
import { Draws } from "../shared/draws.js";
import type { DroppedRecord } from "../shared/record-output.js";

/** A reply schema with the name and JSON schema sent, which `engine.prepare` must hash to get the call's key. */
export interface ReplySchema<T> {
  schema: z.ZodType<T>;
  json: { name: string; schema: Record<string, unknown> };
}

export function replySchema<T>(name: string, schema: z.ZodType<T>): ReplySchema<T> {
  return { schema, json: { name, schema: z.toJSONSchema(schema) as Record<string, unknown> } };
}

export interface DocumentCall<T> {
  /** Cache key of the (first) call: part of the record id, and in meta.call. */
  key: string;
  lineage: { passage_id: string; source: PassageSource };
  /** method, step, model, prompts, call, and the passage's index, language and length. */
  meta: Record<string, unknown>;
  ask(): Promise<StructuredResult<T>>;
}

export class DocumentCalls {
  private readonly draws: Draws;

  constructor(
    private readonly engine: RunEngine,
    private readonly model: LanguageModel,
    private readonly generation: GenerationSettings,
  ) {
    this.draws = new Draws(engine);
  }

  prepare<T>(
    passage: Passage,
    step: { method: string; step: string; prompt: PromptRef },
    message: string,
    reply: ReplySchema<T>,
  ): DocumentCall<T> {
    const { engine, model } = this;
    const request = chatRequest(message, this.generation);
    const call = this.draws.prepare(model, { ...request, jsonSchema: reply.json });
    const key = call.keys[0] as string;
    const structured = { request, schema: reply.schema, name: reply.json.name };
    return {
      key,
      lineage: { passage_id: passage.id, source: passage.source },
      meta: {
        method: step.method,
        step: step.step,
        model: model.modelName,
        prompts: [promptTag(step.prompt)],
        call: key,
        passage_index: passage.index,
        lang: passage.lang,
        tokens: passage.tokens,
      },
      ask: async () => {
        const [result] = await generateObjects(engine, model, structured, 1, call.firstSample ?? 0);
        return result as StructuredResult<T>;
      },
    };
  }
}

/** The meta of a record made from a valid reply: the call's, plus how the JSON came about. */
export function replyMeta<T>(
  call: DocumentCall<T>,
  result: Extract<StructuredResult<T>, { ok: true }>,
): Record<string, unknown> {
  return { ...call.meta, structured: { mode: result.mode, repaired: result.repaired } };
}

/** The dropped record of a reply that was no valid JSON even after the repair round. */
export function invalidReply<T>(
  id: string,
  call: DocumentCall<T>,
  result: Extract<StructuredResult<T>, { ok: false }>,
  fields: Record<string, unknown> = {},
): DroppedRecord {
  return {
    id,
    stage: call.meta.method,
    reason: "invalid",
    detail: result.error,
    ...fields,
    raw: result.text,
    ...call.lineage,
    meta: call.meta,
  };
}
