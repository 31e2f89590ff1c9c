/**
 * The one interface every provider implements and every method calls (through the engine).
 * Kept deliberately small: a provider knows nothing of caching, retries or methods.
 */

export type Role = "system" | "user" | "assistant";

export interface ChatMessage {
  role: Role;
  content: string;
}

/** A JSON Schema object (draft 2020-12 subset as produced by `z.toJSONSchema`). */
export type JsonSchema = Record<string, unknown>;

export interface GenerateRequest {
  /** Chat messages (chat endpoint / chat template). Exactly one of `messages` and `prompt` is set. */
  messages?: ChatMessage[];
  /** Raw text prompt (completions endpoint / no chat template). */
  prompt?: string;
  temperature?: number;
  topP?: number;
  /** Maximum number of tokens to generate per sample. */
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  /** Number of samples to return (OpenAI `n`). Providers may cap it at `maxSamplesPerCall`. */
  n?: number;
  /** Constrain the output to JSON matching this schema. */
  jsonSchema?: { name: string; schema: JsonSchema };
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export type FinishReason = "stop" | "length" | "content-filter" | "other";

export interface Completion {
  text: string;
  finishReason: FinishReason;
}

export interface GenerateResult {
  /** One entry per sample, in sample order. */
  completions: Completion[];
  usage: Usage;
  /** How a `jsonSchema` was enforced: by the server/grammar ("native") or only asked for in the prompt ("prompt"). */
  structuredMode?: "native" | "prompt";
}

export interface TokenLogprob {
  token: string;
  logprob: number;
}

export interface LogprobsResult {
  /** Log-probabilities of the tokens of `text` (not of the context), in order. */
  tokens: TokenLogprob[];
}

/**
 * What a scored text follows. A string is raw text, in which special-token text such as "<|im_start|>"
 * is read as the special token (as servers read raw prompts). `{ messages }` is a chat that the model
 * renders with its own chat template, up to where the assistant's reply begins; a provider that cannot
 * apply the model's template rejects it as "unsupported" (render it yourself, see chat-templates.ts).
 */
export type ScoringContext = string | { messages: ChatMessage[] };

export interface CallOptions {
  signal?: AbortSignal;
}

export interface LanguageModel {
  /**
   * Stable identity used in cache keys: provider, model and base URL. Never contains a secret.
   * Two instances with the same id must answer the same request the same way (up to sampling).
   */
  readonly id: string;
  readonly provider: "openai-compatible" | "local" | (string & {});
  /** Model name as reported in records and price tables. */
  readonly modelName: string;
  /** Largest `n` one call can serve; the engine splits bigger requests. */
  readonly maxSamplesPerCall: number;
  generate(request: GenerateRequest, options?: CallOptions): Promise<GenerateResult>;
  /**
   * Per-token log-probabilities of `text` following `context`. Absent when the provider cannot. With an
   * empty context the text follows only the BOS token (if the model uses one).
   */
  logprobs?(context: ScoringContext, text: string, options?: CallOptions): Promise<LogprobsResult>;
  /** Release sockets, model weights and contexts. */
  close?(): Promise<void>;
}
