/**
 * Reply generation for the scripted server (see scripted-server.ts): default texts, stop/max_tokens
 * handling, minimal instances of JSON schemas, and the two prompt-logprob formats.
 */

export interface ScriptedChatMessage {
  role: string;
  content: string;
}

/** What a `reply` script sees; called once per choice. */
export interface ReplyContext {
  endpoint: "chat" | "completions";
  body: Record<string, unknown>;
  /** Chat messages (empty for the completions endpoint). */
  messages: ScriptedChatMessage[];
  /** Last user message (chat) or the prompt (completions). */
  input: string;
  /** Choice index, 0..n-1. */
  index: number;
  /** The schema of a `response_format: json_schema`, if any. */
  schema: Record<string, unknown> | undefined;
}

export type ScriptedReply = string | { text: string; finishReason?: string };

/** The server's tokenizer: each token is a run of non-space characters with its leading whitespace. */
export function scriptedTokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

/** Deterministic log-probability of the prompt token at position `i`. */
export function scriptedLogprob(i: number): number {
  return -0.1 * (i % 7) - 0.05;
}

/** Marker our prompt-mode instruction puts before the schema; the default reply answers such prompts. */
const PROMPT_SCHEMA = /JSON Schema:\r?\n(\{[\s\S]*\})\s*$/;

export function defaultReply(context: ReplyContext): string {
  if (context.schema) return JSON.stringify(instanceOf(context.schema, context.schema));
  const promptSchema = findPromptSchema(context);
  if (promptSchema) return `\`\`\`json\n${JSON.stringify(instanceOf(promptSchema, promptSchema))}\n\`\`\``;
  return context.index === 0 ? `Answer: ${context.input}` : `Answer: ${context.input} [${context.index}]`;
}

/** Finds our provider's prompt-mode instruction ("JSON Schema:\n{...}") in the system message or prompt. */
function findPromptSchema(context: ReplyContext): Record<string, unknown> | undefined {
  const source =
    context.endpoint === "chat"
      ? context.messages.find((message) => message.role === "system")?.content
      : context.input.split("\n\n")[0];
  if (source === undefined || !source.includes("JSON Schema:")) return undefined;
  const match = PROMPT_SCHEMA.exec(source);
  if (!match) return undefined;
  try {
    const schema: unknown = JSON.parse(match[1]!);
    return isRecord(schema) ? schema : undefined;
  } catch {
    return undefined;
  }
}

/** Honours `stop` (cut, finish "stop") and `max_tokens` (at ~4 chars per token, finish "length"). */
export function applyLimits(
  scripted: ScriptedReply,
  body: Record<string, unknown>,
): { text: string; finishReason: string } {
  let text = typeof scripted === "string" ? scripted : scripted.text;
  let finishReason = typeof scripted === "string" ? "stop" : (scripted.finishReason ?? "stop");
  const stops = Array.isArray(body.stop) ? body.stop : typeof body.stop === "string" ? [body.stop] : [];
  for (const stop of stops) {
    const at = typeof stop === "string" && stop.length > 0 ? text.indexOf(stop) : -1;
    if (at !== -1) text = text.slice(0, at);
  }
  const maxTokens = body.max_tokens;
  if (typeof maxTokens === "number" && Math.ceil(text.length / 4) > maxTokens) {
    text = text.slice(0, maxTokens * 4);
    finishReason = "length";
  }
  return { text, finishReason };
}

/** OpenAI legacy echo format, covering prompt and generated tokens; offsets in code points like Python. */
export function echoLogprobs(prompt: string, generated: string) {
  const tokens = [...scriptedTokenize(prompt), ...scriptedTokenize(generated)];
  const tokenLogprobs: (number | null)[] = [];
  const textOffset: number[] = [];
  let offset = 0;
  tokens.forEach((token, i) => {
    tokenLogprobs.push(i === 0 ? null : scriptedLogprob(i));
    textOffset.push(offset);
    offset += [...token].length;
  });
  return { tokens, token_logprobs: tokenLogprobs, text_offset: textOffset, top_logprobs: null };
}

/**
 * vLLM `prompt_logprobs`: null for a BOS token, then one entry per prompt token. Every third token also
 * lists a better-ranked alternative under a smaller id, so clients cannot rely on key order.
 */
export function vllmLogprobs(prompt: string) {
  const entries: (Record<string, { logprob: number; rank: number; decoded_token: string }> | null)[] = [null];
  scriptedTokenize(prompt).forEach((token, i) => {
    const entry: Record<string, { logprob: number; rank: number; decoded_token: string }> = {};
    if (i % 3 === 1) {
      entry[String(i + 1)] = { logprob: -0.01, rank: 1, decoded_token: " alt" };
      entry[String(100_000 + i)] = { logprob: scriptedLogprob(i), rank: 2, decoded_token: token };
    } else {
      entry[String(100_000 + i)] = { logprob: scriptedLogprob(i), rank: 1, decoded_token: token };
    }
    entries.push(entry);
  });
  return entries;
}

/** A minimal instance valid against common JSON Schema shapes (as produced by z.toJSONSchema). */
export function instanceOf(schema: unknown, root: Record<string, unknown>): unknown {
  if (!isRecord(schema)) return null;
  if (typeof schema.$ref === "string") return instanceOf(resolveRef(schema.$ref, root), root);
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (Array.isArray(variants)) return instanceOf(variants[0], root);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required : [];
      const value: Record<string, unknown> = {};
      for (const key of required) if (typeof key === "string") value[key] = instanceOf(properties[key], root);
      return value;
    }
    case "array": {
      const count = typeof schema.minItems === "number" ? schema.minItems : 0;
      return Array.from({ length: count }, () => instanceOf(schema.items, root));
    }
    case "string":
      return "x".repeat(Math.max(1, typeof schema.minLength === "number" ? schema.minLength : 1));
    case "number":
    case "integer":
      if (typeof schema.minimum === "number") return schema.minimum;
      return typeof schema.exclusiveMinimum === "number" ? Math.floor(schema.exclusiveMinimum) + 1 : 0;
    case "boolean":
      return true;
    default:
      return null;
  }
}

function resolveRef(ref: string, root: Record<string, unknown>): unknown {
  if (ref === "#") return root;
  let node: unknown = root;
  for (const part of ref.replace(/^#\//, "").split("/")) node = isRecord(node) ? node[part] : undefined;
  return node;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
