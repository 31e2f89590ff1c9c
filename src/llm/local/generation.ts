/**
 * One sample on one context sequence: chat (through the model's chat template) or raw completion.
 * Sampling follows OpenAI semantics rather than node-llama-cpp's defaults: temperature 1 and top-p 1
 * unless given, no top-k, no min-p and no repetition penalty, so a request means the same thing
 * whichever provider serves it.
 */

import type {
  ChatHistoryItem,
  ChatWrapper,
  LlamaChat,
  LlamaCompletion,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel,
  Token,
} from "node-llama-cpp";
import { ModelCallError } from "../errors.js";
import type { ChatMessage, Completion, FinishReason, GenerateRequest } from "../language-model.js";

/** The per-sequence objects; the pool hands a slot to exactly one sample at a time. */
export interface Slot {
  sequence: LlamaContextSequence;
  chat: LlamaChat;
  completion: LlamaCompletion;
}

export interface SampleSettings {
  maxTokens: number;
  temperature: number;
  topP: number;
  seed: number;
  stop: readonly string[];
  grammar: LlamaGrammar | undefined;
  signal: AbortSignal | undefined;
}

/** What a prepared request evaluates: chat history or prompt tokens, and their token count. */
export type PreparedInput =
  | { kind: "chat"; history: ChatHistoryItem[]; inputTokens: number }
  | { kind: "prompt"; tokens: Token[]; inputTokens: number };

export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((message): ChatHistoryItem => {
    if (message.role === "assistant") return { type: "model", response: [message.content] };
    return { type: message.role, text: message.content };
  });
  // A trailing assistant message is continued (a prefill); otherwise the model starts a new turn.
  if (history.at(-1)?.type !== "model") history.push({ type: "model", response: [] });
  return history;
}

/**
 * Tokenizes the request the way it will be evaluated, so usage counts what the model actually reads.
 * Raw prompts parse special tokens (as llama-server does), so a hand-written template works.
 */
export function prepareInput(
  request: GenerateRequest,
  model: LlamaModel,
  chatWrapper: ChatWrapper,
): PreparedInput {
  if (request.messages) {
    const history = toChatHistory(request.messages);
    const { contextText } = chatWrapper.generateContextState({ chatHistory: history });
    return { kind: "chat", history, inputTokens: contextText.tokenize(model.tokenizer).length };
  }
  const tokens = model.tokenize(request.prompt ?? "", true);
  const bos = model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? 1 : 0;
  return { kind: "prompt", tokens, inputTokens: tokens.length + bos };
}

/** The request must fit in one sequence with room for at least one new token; we never truncate silently. */
export function resolveMaxTokens(
  requested: number | undefined,
  inputTokens: number,
  contextSize: number,
): number {
  const room = contextSize - inputTokens;
  if (room < 1) {
    throw new ModelCallError(
      "bad-request",
      `The input is ${inputTokens} tokens but a local context sequence holds only ${contextSize}; ` +
        "shorten the input or raise contextSize",
    );
  }
  if (requested === undefined) return room;
  if (!Number.isInteger(requested) || requested < 1) {
    throw new ModelCallError("bad-request", `maxTokens must be a positive integer, got ${requested}`);
  }
  return Math.min(requested, room);
}

function finishReason(stopReason: string): FinishReason {
  return stopReason === "maxTokens" ? "length" : "stop";
}

/**
 * Stop triggers end generation inside node-llama-cpp, but its detector works on per-token text and can
 * miss a trigger (seen with a lone " " against SentencePiece "▁" pieces). Cutting at the first
 * occurrence as well keeps the OpenAI contract: the stop string is never part of the text, and a text
 * that was cut at one ended with finishReason "stop".
 */
function cutAtStop(text: string, stop: readonly string[]): { text: string; cut: boolean } {
  let end = text.length;
  for (const trigger of stop) {
    const index = trigger === "" ? -1 : text.indexOf(trigger);
    if (index >= 0 && index < end) end = index;
  }
  return { text: text.slice(0, end), cut: end < text.length };
}

function samplingOptions(settings: SampleSettings) {
  return {
    maxTokens: settings.maxTokens,
    temperature: settings.temperature,
    topP: settings.topP,
    topK: 0,
    minP: 0,
    seed: settings.seed,
    repeatPenalty: false as const,
    ...(settings.stop.length > 0 ? { customStopTriggers: settings.stop.filter((s) => s !== "") } : {}),
    ...(settings.signal ? { signal: settings.signal } : {}),
  };
}

export interface Sample {
  completion: Completion;
  /** Tokens the model generated (re-tokenizing the text would miscount partial UTF-8 byte tokens). */
  outputTokens: number;
}

/** Generates one sample on the slot's sequence. Leftover sequence state is kept: the next call reuses its common prefix. */
export async function runSample(slot: Slot, input: PreparedInput, settings: SampleSettings): Promise<Sample> {
  let outputTokens = 0;
  const onToken = (tokens: Token[]): void => {
    outputTokens += tokens.length;
  };
  const options = { ...samplingOptions(settings), onToken };
  const grammar = settings.grammar ? { grammar: settings.grammar } : {};
  const { response, metadata } =
    input.kind === "chat"
      ? await slot.chat.generateResponse(input.history, { ...options, ...grammar })
      : await slot.completion.generateCompletionWithMeta(input.tokens, {
          ...options,
          ...grammar,
          disableContextShift: true,
        });
  const { text, cut } = cutAtStop(response, settings.stop);
  const completion: Completion = { text, finishReason: cut ? "stop" : finishReason(metadata.stopReason) };
  return { completion, outputTokens };
}
