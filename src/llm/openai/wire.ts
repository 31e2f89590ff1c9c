/**
 * Translation between our GenerateRequest/GenerateResult and the OpenAI wire format
 * (/chat/completions and legacy /completions), as spoken by OpenAI, vLLM, Ollama and llama.cpp.
 */
import { ModelCallError } from "../errors.js";
import type { ChatMessage, Completion, FinishReason, GenerateRequest, Usage } from "../language-model.js";

export type Endpoint = "chat" | "completions";

/** A request body under construction; keys are added only when set, to stay compatible with strict servers. */
export type WireBody = Record<string, unknown>;

export function buildChatBody(
  model: string,
  messages: ChatMessage[],
  request: GenerateRequest,
  n: number,
): WireBody {
  const body: WireBody = { model, messages };
  addSampling(body, request, n);
  return body;
}

export function buildCompletionsBody(
  model: string,
  prompt: string,
  request: GenerateRequest,
  n: number,
): WireBody {
  const body: WireBody = { model, prompt };
  addSampling(body, request, n);
  return body;
}

function addSampling(body: WireBody, request: GenerateRequest, n: number): void {
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  // Omitted when 1: some servers (older llama.cpp, Ollama) reject or mishandle an explicit `n`.
  if (n > 1) body.n = n;
}

/** Used when `endpoint: "completions"` is configured but the caller sent chat messages (no chat template). */
export function renderMessagesAsPrompt(messages: ChatMessage[]): string {
  let prompt = "";
  for (const message of messages) prompt += `${ROLE_LABEL[message.role]}: ${message.content}\n\n`;
  return `${prompt}Assistant:`;
}

const ROLE_LABEL = { system: "System", user: "User", assistant: "Assistant" } as const;

export interface ParsedChoices {
  completions: Completion[];
  /** Undefined when the server sent no usable `usage`. */
  usage: Usage | undefined;
}

/** Validates a 2xx body and extracts one completion per choice, in choice-index order. */
export function parseChoices(body: unknown, endpoint: Endpoint, where: string): ParsedChoices {
  if (!isRecord(body) || !Array.isArray(body.choices) || body.choices.length === 0) {
    throw malformed(where, "has no `choices` array");
  }
  const choices: unknown[] = body.choices;
  const completions = new Array<Completion>(choices.length);
  let ordered = true;
  for (let i = 0; i < choices.length; i++) {
    const choice = choices[i];
    if (!isRecord(choice)) throw malformed(where, `has a choice that is not an object (#${i})`);
    if (choice.index !== undefined && choice.index !== i) ordered = false;
    completions[i] = {
      text: choiceText(choice, endpoint, where),
      finishReason: mapFinishReason(choice.finish_reason),
    };
  }
  return {
    completions: ordered ? completions : sortByIndex(choices as Record<string, unknown>[], completions),
    usage: parseUsage(body.usage),
  };
}

function choiceText(choice: Record<string, unknown>, endpoint: Endpoint, where: string): string {
  if (endpoint === "completions") {
    if (typeof choice.text !== "string") throw malformed(where, "has a choice without `text`");
    return choice.text;
  }
  const message = choice.message;
  if (!isRecord(message)) throw malformed(where, "has a choice without `message`");
  // `content` is null when a model only refused or only called tools: an empty answer, not a broken body.
  if (typeof message.content === "string") return message.content;
  if (typeof message.refusal === "string") return message.refusal;
  return "";
}

function sortByIndex(choices: Record<string, unknown>[], completions: Completion[]): Completion[] {
  const keyed = completions.map((completion, i) => {
    const index = choices[i]?.index;
    return { completion, index: typeof index === "number" ? index : i };
  });
  keyed.sort((a, b) => a.index - b.index);
  return keyed.map((entry) => entry.completion);
}

export function mapFinishReason(reason: unknown): FinishReason {
  switch (reason) {
    case "stop":
    case "eos":
    case "stop_sequence":
      return "stop";
    case "length":
    case "max_tokens":
      return "length";
    case "content_filter":
      return "content-filter";
    default:
      return "other";
  }
}

function parseUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const input = usage.prompt_tokens;
  const output = usage.completion_tokens;
  if (typeof input !== "number" || typeof output !== "number") return undefined;
  return { inputTokens: input, outputTokens: output };
}

/**
 * Fallback when the server omits `usage` (some llama.cpp/Ollama builds, proxies): ~4 characters per
 * token is the usual rule of thumb for English with BPE tokenizers. Only good enough for cost estimates.
 */
export function estimateUsage(input: ChatMessage[] | string, completions: Completion[]): Usage {
  let inputChars = 0;
  if (typeof input === "string") inputChars = input.length;
  else for (const message of input) inputChars += message.content.length;
  let outputTokens = 0;
  for (const completion of completions) outputTokens += Math.ceil(completion.text.length / 4);
  return { inputTokens: Math.ceil(inputChars / 4), outputTokens };
}

export function malformed(where: string, problem: string): ModelCallError {
  return new ModelCallError("malformed", `${where}: the 2xx response ${problem}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
