/**
 * Structured output: natively via `response_format: json_schema`, or by asking in the prompt when the
 * server does not support it. Schema validation and the repair retry belong to the engine.
 */
import type { ModelCallError } from "../errors.js";
import type { ChatMessage, JsonSchema } from "../language-model.js";
import type { WireBody } from "./wire.js";

export type StructuredMode = "native" | "prompt";

export function addNativeResponseFormat(
  body: WireBody,
  jsonSchema: { name: string; schema: JsonSchema },
): void {
  body.response_format = {
    type: "json_schema",
    json_schema: { name: sanitizeName(jsonSchema.name), schema: jsonSchema.schema, strict: true },
  };
}

/** OpenAI restricts schema names to [a-zA-Z0-9_-]{1,64}; other servers ignore the name. */
function sanitizeName(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
  return clean.length > 0 ? clean : "output";
}

// Schemas are usually one object reused across thousands of calls: stringify each once.
const instructionCache = new WeakMap<JsonSchema, string>();

/**
 * Our instruction for prompt mode. The schema follows "JSON Schema:" on its own line, last, so a test
 * server (and a human reading logs) can find it.
 */
export function jsonInstruction(schema: JsonSchema): string {
  let instruction = instructionCache.get(schema);
  if (instruction === undefined) {
    instruction =
      "Respond with a single JSON value and nothing else: no explanation, no Markdown, no code fences. " +
      "The value must be valid against the JSON Schema below; include every required property and " +
      `no property the schema does not allow.\nJSON Schema:\n${JSON.stringify(schema)}`;
    instructionCache.set(schema, instruction);
  }
  return instruction;
}

/**
 * Puts the instruction in the system message. Merged into an existing leading system message rather than
 * added as a second one, because several chat templates (Mistral, Gemma) reject more than one system turn.
 */
export function withJsonInstruction(messages: ChatMessage[], schema: JsonSchema): ChatMessage[] {
  const instruction = jsonInstruction(schema);
  const first = messages[0];
  if (first?.role === "system") {
    return [{ role: "system", content: `${first.content}\n\n${instruction}` }, ...messages.slice(1)];
  }
  return [{ role: "system", content: instruction }, ...messages];
}

export function promptWithJsonInstruction(prompt: string, schema: JsonSchema): string {
  return `${jsonInstruction(schema)}\n\n${prompt}`;
}

const WHOLE_FENCE = /^\s*```[a-zA-Z0-9_-]*[ \t]*\r?\n?([\s\S]*?)\r?\n?[ \t]*```\s*$/;
const INNER_FENCE = /```(?:json|JSON)?[ \t]*\r?\n([\s\S]*?)\r?\n[ \t]*```/;

/** Models asked for "only JSON" still often wrap it in ```json fences, sometimes with a sentence around. */
export function stripFences(text: string): string {
  const whole = WHOLE_FENCE.exec(text);
  if (whole) return whole[1]!.trim();
  if (!text.includes("```")) return text.trim();
  const inner = INNER_FENCE.exec(text);
  return inner ? inner[1]!.trim() : text.trim();
}

const REJECTION_PATTERN =
  /response_format|json_schema|guided_json|structured output|unknown (parameter|field|argument|key)|unrecognized (request )?(argument|parameter|field|key)|extra (fields|inputs) not permitted|additional properties/i;

/**
 * True when a 4xx says the server does not understand `response_format` (old vLLM/llama.cpp builds, some
 * proxies), so prompt mode is worth a try. Other 4xx (bad max_tokens, context too long) must surface.
 */
export function isResponseFormatRejection(error: ModelCallError): boolean {
  return error.kind === "bad-request" && REJECTION_PATTERN.test(error.message);
}
