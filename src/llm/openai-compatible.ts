/**
 * Provider for any server speaking the OpenAI HTTP API: OpenAI, vLLM, Ollama, llama.cpp's server, proxies.
 * One HTTP attempt per call (the engine retries); every failure is a classified ModelCallError.
 */
import { ModelCallError } from "./errors.js";
import type {
  CallOptions,
  ChatMessage,
  GenerateRequest,
  GenerateResult,
  LanguageModel,
  LogprobsResult,
  ScoringContext,
  TokenLogprob,
} from "./language-model.js";
import { createTransport, parseBaseUrl, type Transport } from "./openai/http.js";
import { echoLogprobs, type LogprobsVariant, vllmPromptLogprobs } from "./openai/logprobs.js";
import {
  addNativeResponseFormat,
  isResponseFormatRejection,
  promptWithJsonInstruction,
  type StructuredMode,
  stripFences,
  withJsonInstruction,
} from "./openai/structured.js";
import {
  buildChatBody,
  buildCompletionsBody,
  type Endpoint,
  estimateUsage,
  parseChoices,
  renderMessagesAsPrompt,
  type WireBody,
} from "./openai/wire.js";

export interface OpenAICompatibleOptions {
  /** Including the version prefix, e.g. "http://127.0.0.1:8000/v1". A trailing slash is fine. */
  baseUrl: string;
  model: string;
  /** Sent only as `Authorization: Bearer <key>`; never part of the id or of error messages. */
  apiKey?: string;
  /** "chat" (default) sends messages to /chat/completions; "completions" renders them into a plain prompt. */
  endpoint?: "chat" | "completions";
  /** Limit on the wait for response headers and between body chunks. Default 600 000 ms. */
  timeoutMs?: number;
  /** How to enforce `jsonSchema`. "auto" (default): native, falling back to prompt mode for good on rejection. */
  structuredOutput?: "auto" | "native" | "prompt";
  /** Extra headers (e.g. `api-key` for Azure, org/project ids). Values of secret-looking headers are redacted. */
  headers?: Record<string, string>;
  /** Largest `n` per call. Default 16. Lowered automatically when the server returns fewer choices. */
  maxSamplesPerCall?: number;
  /** Keep-alive sockets to the server; should be >= the engine's concurrency. Default 256. */
  connections?: number;
}

const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_MAX_SAMPLES = 16;
const DEFAULT_CONNECTIONS = 256;

export function createOpenAICompatibleModel(options: OpenAICompatibleOptions): OpenAICompatibleModel {
  return new OpenAICompatibleModel(options);
}

export class OpenAICompatibleModel implements LanguageModel {
  readonly id: string;
  readonly provider = "openai-compatible" as const;
  readonly modelName: string;
  private samplesPerCall: number;
  private readonly endpoint: Endpoint;
  private readonly structuredSetting: "auto" | "native" | "prompt";
  /** Current structured mode; "auto" starts native and may move to prompt once, never back. */
  private structured: StructuredMode;
  /** Which prompt-logprob dialect the server speaks: undefined until probed, "none" once both failed. */
  private logprobsVariant: LogprobsVariant | "none" | undefined;
  private unsupportedLogprobsMessage = "";
  private readonly transport: Transport;
  private readonly post: Transport["post"];
  /** Error-message prefixes, built once rather than per call. */
  private readonly where: Record<Endpoint, string>;

  constructor(options: OpenAICompatibleOptions) {
    const base = parseBaseUrl(options.baseUrl);
    this.modelName = options.model;
    this.id = `openai-compatible:${options.model}@${base.normalized}`;
    this.samplesPerCall = Math.max(1, Math.floor(options.maxSamplesPerCall ?? DEFAULT_MAX_SAMPLES));
    this.endpoint = options.endpoint ?? "chat";
    this.structuredSetting = options.structuredOutput ?? "auto";
    this.structured = this.structuredSetting === "prompt" ? "prompt" : "native";
    this.transport = createTransport({
      label: this.id,
      origin: base.origin,
      basePath: base.basePath,
      apiKey: options.apiKey,
      headers: options.headers,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      connections: options.connections ?? DEFAULT_CONNECTIONS,
    });
    this.post = this.transport.post;
    this.where = {
      chat: `${this.id}: POST ${base.basePath}/chat/completions`,
      completions: `${this.id}: POST ${base.basePath}/completions`,
    };
  }

  get maxSamplesPerCall(): number {
    return this.samplesPerCall;
  }

  /** The mode the next structured request will use (after an "auto" fallback: "prompt"). */
  get structuredOutputMode(): StructuredMode {
    return this.structured;
  }

  async generate(request: GenerateRequest, options?: CallOptions): Promise<GenerateResult> {
    const signal = options?.signal;
    if (request.jsonSchema === undefined) return this.send(request, undefined, signal);
    const mode = this.structured;
    try {
      return await this.send(request, mode, signal);
    } catch (error) {
      const fallBack =
        mode === "native" &&
        this.structuredSetting === "auto" &&
        ModelCallError.is(error) &&
        isResponseFormatRejection(error);
      if (!fallBack) throw error;
      this.structured = "prompt";
      return this.send(request, "prompt", signal);
    }
  }

  private async send(
    request: GenerateRequest,
    mode: StructuredMode | undefined,
    signal: AbortSignal | undefined,
  ): Promise<GenerateResult> {
    const n = Math.min(Math.max(1, request.n ?? 1), this.samplesPerCall);
    const { endpoint, body, input } = this.buildBody(request, mode, n);
    const path = endpoint === "chat" ? "/chat/completions" : "/completions";
    const reply = await this.post(path, body, signal);
    const parsed = parseChoices(reply, endpoint, this.where[endpoint]);
    const completions = parsed.completions;
    // Ollama and some llama.cpp builds ignore `n`: remember, so the engine asks for fewer per call.
    if (n > 1 && completions.length < n) this.samplesPerCall = completions.length;
    if (mode === "prompt") {
      for (const completion of completions) completion.text = stripFences(completion.text);
    }
    const result: GenerateResult = { completions, usage: parsed.usage ?? estimateUsage(input, completions) };
    if (mode !== undefined) result.structuredMode = mode;
    return result;
  }

  private buildBody(
    request: GenerateRequest,
    mode: StructuredMode | undefined,
    n: number,
  ): { endpoint: Endpoint; body: WireBody; input: ChatMessage[] | string } {
    const schema = request.jsonSchema;
    let body: WireBody;
    let endpoint: Endpoint;
    let input: ChatMessage[] | string;
    if (request.messages !== undefined && this.endpoint === "chat") {
      const messages =
        mode === "prompt" && schema ? withJsonInstruction(request.messages, schema.schema) : request.messages;
      endpoint = "chat";
      input = messages;
      body = buildChatBody(this.modelName, messages, request, n);
    } else {
      const raw = request.prompt ?? (request.messages ? renderMessagesAsPrompt(request.messages) : undefined);
      if (raw === undefined) {
        throw new ModelCallError("bad-request", `${this.id}: a request needs either messages or a prompt`);
      }
      const prompt = mode === "prompt" && schema ? promptWithJsonInstruction(raw, schema.schema) : raw;
      endpoint = "completions";
      input = prompt;
      body = buildCompletionsBody(this.modelName, prompt, request, n);
    }
    if (mode === "native" && schema) addNativeResponseFormat(body, schema);
    return { endpoint, body, input };
  }

  async logprobs(context: ScoringContext, text: string, options?: CallOptions): Promise<LogprobsResult> {
    if (typeof context !== "string") {
      // /completions takes raw text; the server's chat template is out of reach from here.
      throw new ModelCallError(
        "unsupported",
        `${this.id}: cannot apply the model's chat template to a scored text over HTTP; render the chat with a named template (chatml, llama3, ...) and pass the text`,
      );
    }
    if (text.length === 0) return { tokens: [] };
    const signal = options?.signal;
    if (this.logprobsVariant === "none") throw this.unsupported();
    if (this.logprobsVariant !== undefined) {
      const tokens = await this.runVariant(this.logprobsVariant, context, text, signal);
      if (tokens === undefined) {
        throw new ModelCallError("malformed", `${this.id}: no prompt log-probabilities in the reply`);
      }
      return { tokens };
    }
    return this.probeLogprobs(context, text, signal);
  }

  /** Tries each dialect in turn; remembers the first that works, or that none does. */
  private async probeLogprobs(context: string, text: string, signal?: AbortSignal): Promise<LogprobsResult> {
    const outcomes: string[] = [];
    for (const variant of ["echo", "vllm"] as const) {
      let tokens: TokenLogprob[] | undefined;
      try {
        tokens = await this.runVariant(variant, context, text, signal);
      } catch (error) {
        if (!isFeatureRejection(error)) throw error;
        outcomes.push(`${VARIANT_LABEL[variant]}: ${error.message.replace(`${this.id}: `, "")}`);
        continue;
      }
      if (tokens !== undefined) {
        this.logprobsVariant = variant;
        return { tokens };
      }
      outcomes.push(`${VARIANT_LABEL[variant]}: the reply carried no prompt log-probabilities`);
    }
    this.logprobsVariant = "none";
    this.unsupportedLogprobsMessage = outcomes.join("; ");
    throw this.unsupported();
  }

  private runVariant(variant: LogprobsVariant, context: string, text: string, signal?: AbortSignal) {
    const run = variant === "echo" ? echoLogprobs : vllmPromptLogprobs;
    return run(this.post, this.modelName, context, text, signal);
  }

  private unsupported(): ModelCallError {
    return new ModelCallError(
      "unsupported",
      `${this.id}: the server returns no prompt log-probabilities, which this method needs. Tried POST ` +
        `/completions with echo+logprobs (OpenAI legacy) and with prompt_logprobs (vLLM) — ` +
        `${this.unsupportedLogprobsMessage}. Use vLLM (either form works), or a local GGUF model via the ` +
        `"local" provider.`,
    );
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

const VARIANT_LABEL = { echo: "echo+logprobs", vllm: "prompt_logprobs" } as const;

/**
 * A 4xx while probing means "this dialect is not spoken" — unless it is about the input itself
 * (context too long), which would fail the same way with any dialect and must reach the caller.
 */
function isFeatureRejection(error: unknown): error is ModelCallError {
  if (!ModelCallError.is(error) || error.kind !== "bad-request") return false;
  return !/context length|maximum context|too long|too many tokens|exceeds/i.test(error.message);
}
