/**
 * Structured output on top of `RunEngine.generate`: the request carries a JSON schema (sent natively or,
 * on servers without `response_format`, asked for in the prompt by the provider); the reply is parsed and
 * validated here, with one repair round that shows the model its own reply and the validation error.
 * A reply that still fails is returned as a failure for the caller to record, never thrown.
 */
import { z } from "zod";
import type {
  ChatMessage,
  FinishReason,
  GenerateRequest,
  LanguageModel,
  Usage,
} from "../llm/language-model.js";
import type { RunEngine } from "./engine.js";

export type StructuredResult<T> =
  | {
      ok: true;
      value: T;
      text: string;
      usage: Usage;
      finishReason: FinishReason;
      repaired: boolean;
      mode?: "native" | "prompt";
    }
  | {
      ok: false;
      error: string;
      text: string;
      usage: Usage;
      finishReason: FinishReason;
      mode?: "native" | "prompt";
    };

export interface StructuredRequest<T> {
  request: GenerateRequest;
  schema: z.ZodType<T>;
  /** Schema name sent to the server (letters, digits, _ and -). */
  name: string;
}

/** One structured answer (sample 0). */
export async function generateObject<T>(
  engine: RunEngine,
  model: LanguageModel,
  request: StructuredRequest<T>,
): Promise<StructuredResult<T>> {
  return (await generateObjects(engine, model, request, 1))[0]!;
}

/**
 * `samples` structured answers to one request; each failed sample gets its own repair round.
 * `firstSample` shifts the sample indices as in `RunEngine.prepare` (independent draws of a request
 * that may repeat, see methods/shared/draws.ts); the repair call uses the same index.
 */
export async function generateObjects<T>(
  engine: RunEngine,
  model: LanguageModel,
  { request, schema, name }: StructuredRequest<T>,
  samples: number,
  firstSample = 0,
): Promise<StructuredResult<T>[]> {
  const jsonSchema = { name, schema: z.toJSONSchema(schema) as Record<string, unknown> };
  const firsts = await engine.generate(model, { ...request, jsonSchema }, samples, firstSample);
  return Promise.all(
    firsts.map(async (first): Promise<StructuredResult<T>> => {
      const check = parseAndValidate(first.text, schema);
      const mode = first.structuredMode;
      if (check.ok) {
        const { text, usage, finishReason } = first;
        return { ok: true, value: check.value, text, usage, finishReason, repaired: false, mode };
      }
      // The repair request contains the bad reply, so it is a distinct (and separately cached) call.
      const [second] = await engine.generate(
        model,
        {
          ...request,
          prompt: undefined,
          messages: [
            ...toMessages(request),
            { role: "assistant", content: first.text },
            repairMessage(check.error),
          ],
          jsonSchema,
        },
        1,
        firstSample,
      );
      const last = {
        text: second!.text,
        usage: addUsage(first.usage, second!.usage),
        finishReason: second!.finishReason,
        mode,
      };
      const recheck = parseAndValidate(last.text, schema);
      if (recheck.ok) return { ok: true, value: recheck.value, repaired: true, ...last };
      return { ok: false, error: `no valid JSON after one repair: ${recheck.error}`, ...last };
    }),
  );
}

function addUsage(a: Usage, b: Usage): Usage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}

function toMessages(request: GenerateRequest): ChatMessage[] {
  if (request.messages) return request.messages;
  return [{ role: "user", content: request.prompt ?? "" }];
}

function repairMessage(error: string): ChatMessage {
  return {
    role: "user",
    content:
      `Your previous reply could not be used: ${error}\n` +
      "Send the answer again as a single JSON value that satisfies the schema, with nothing before or after it.",
  };
}

export function parseAndValidate<T>(
  text: string,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripFences(text));
  } catch (error) {
    return { ok: false, error: `not valid JSON (${(error as Error).message})` };
  }
  const result = schema.safeParse(parsed);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `field "${issue.path.join(".")}"` : "the value";
  return { ok: false, error: `${where}: ${issue?.message ?? "does not match the schema"}` };
}

/** Models often wrap JSON in a markdown fence even when told not to. */
function stripFences(text: string): string {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(trimmed);
  return fenced ? (fenced[1] as string) : trimmed;
}
