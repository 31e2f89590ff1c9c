/**
 * The embedded provider: a GGUF model run in-process by llama.cpp through node-llama-cpp.
 *
 * One model, ONE context with `sequences` sequences. Every sample (the `n` of one call, and the samples
 * of concurrent calls) runs on its own sequence; llama.cpp decodes all busy sequences together in one
 * batch, which is where the throughput of `n > 1` comes from. Calls beyond the pool size wait.
 */

import { randomInt } from "node:crypto";
import { basename } from "node:path";
import type { ChatWrapper, Llama, LlamaContext, LlamaModel } from "node-llama-cpp";
import { ModelCallError } from "../errors.js";
import type {
  CallOptions,
  GenerateRequest,
  GenerateResult,
  LanguageModel,
  LogprobsResult,
  ScoringContext,
} from "../language-model.js";
import { prepareInput, resolveMaxTokens, runSample, type SampleSettings, type Slot } from "./generation.js";
import { JsonGrammarCache } from "./json-grammar.js";
import { contextTokens, scoreTokens, tokenizeForScoring } from "./logprobs.js";
import { localModelId, type ModelSourceOptions, resolveModelSource } from "./model-source.js";
import { SequencePool } from "./sequence-pool.js";

export interface LocalModelOptions extends ModelSourceOptions {
  /** Tokens per sequence (each sequence gets its own KV cells). Capped at the model's training context. Default 4096. */
  contextSize?: number;
  /** Parallel sequences in the context = largest `n` per call. Default 4. */
  sequences?: number;
  /** CPU threads for evaluation. Default: the cores llama.cpp considers useful for math. */
  threads?: number;
  /** `"auto"` lets llama.cpp use a GPU when a prebuilt binary for it works. Default: CPU only. */
  gpu?: false | "auto";
  /** Share an existing Llama instance; it is then not disposed by close(). */
  llama?: Llama;
}

const DEFAULT_CONTEXT_SIZE = 4096;
const DEFAULT_SEQUENCES = 4;

/** llama.cpp logs through here: warnings and errors only, to stderr, never to stdout (which may carry data). */
function quietLogger(level: string, message: string): void {
  if (level === "warn" || level === "error" || level === "fatal") {
    const line = message.trimEnd();
    if (line) process.stderr.write(`[llama.cpp ${level}] ${line}\n`);
  }
}

async function loadLlama(options: LocalModelOptions): Promise<Llama> {
  const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
  try {
    return await getLlama({
      gpu: options.gpu ?? false,
      // Never fetch or compile llama.cpp at run time: use the prebuilt binary or fail clearly.
      build: "never",
      skipDownload: true,
      progressLogs: false,
      logLevel: LlamaLogLevel.warn,
      logger: quietLogger,
    });
  } catch (error) {
    throw new ModelCallError(
      "model-unavailable",
      `No usable llama.cpp binary for this platform (${process.platform}-${process.arch}): ` +
        `${error instanceof Error ? error.message : String(error)}. Use an OpenAI-compatible server instead (--base-url URL --model NAME).`,
      { cause: error },
    );
  }
}

async function loadModelAndContext(
  llama: Llama,
  path: string,
  options: LocalModelOptions,
): Promise<{ model: LlamaModel; context: LlamaContext }> {
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: path });
  } catch (error) {
    throw new ModelCallError(
      "model-unavailable",
      `llama.cpp could not load ${basename(path)}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  try {
    const context = await model.createContext({
      sequences: options.sequences ?? DEFAULT_SEQUENCES,
      contextSize: { max: Math.min(options.contextSize ?? DEFAULT_CONTEXT_SIZE, model.trainContextSize) },
      // node-llama-cpp's default is max(cores, 4) threads; on a 2-core machine the extra spinning
      // threads made decoding ~100x slower in our measurements, so never exceed the math cores.
      threads: options.threads ?? llama.cpuMathCores,
    });
    return { model, context };
  } catch (error) {
    await model.dispose();
    throw new ModelCallError(
      "model-unavailable",
      `llama.cpp could not create a context of ${options.sequences ?? DEFAULT_SEQUENCES} sequences: ` +
        `${error instanceof Error ? error.message : String(error)}. If memory is short, lower sequences or contextSize.`,
      { cause: error },
    );
  }
}

/** Loads a GGUF (explicit path, URI, or the default model, downloaded once) into a ready LocalModel. */
export async function createLocalModel(options: LocalModelOptions = {}): Promise<LocalModel> {
  const sequences = options.sequences ?? DEFAULT_SEQUENCES;
  if (!Number.isInteger(sequences) || sequences < 1) {
    throw new ModelCallError("bad-request", `sequences must be a positive integer, got ${sequences}`);
  }
  // Resolve (and possibly download) the weights before loading llama.cpp, so a missing model fails fast.
  const path = await resolveModelSource(options);
  const id = await localModelId(path);
  const llama = options.llama ?? (await loadLlama(options));
  try {
    const { model, context } = await loadModelAndContext(llama, path, options);
    const { LlamaChat, LlamaCompletion, resolveChatWrapper } = await import("node-llama-cpp");
    const chatWrapper = resolveChatWrapper(model);
    const createSlot = (): Slot => {
      const sequence = context.getSequence();
      return {
        sequence,
        chat: new LlamaChat({ contextSequence: sequence, chatWrapper }),
        completion: new LlamaCompletion({ contextSequence: sequence }),
      };
    };
    return new LocalModel({
      id,
      path,
      llama,
      ownsLlama: !options.llama,
      model,
      context,
      chatWrapper,
      createSlot,
    });
  } catch (error) {
    if (!options.llama) await llama.dispose();
    throw error;
  }
}

/** The loaded pieces a LocalModel is built from (see createLocalModel). */
export interface LocalModelParts {
  id: string;
  path: string;
  llama: Llama;
  ownsLlama: boolean;
  model: LlamaModel;
  context: LlamaContext;
  chatWrapper: ChatWrapper;
  createSlot: () => Slot;
}

function validateRequest(request: GenerateRequest): void {
  if ((request.messages === undefined) === (request.prompt === undefined)) {
    throw new ModelCallError(
      "bad-request",
      "A generate request needs exactly one of `messages` and `prompt`",
    );
  }
  if (request.messages?.length === 0) throw new ModelCallError("bad-request", "`messages` is empty");
  if (request.n !== undefined && (!Number.isInteger(request.n) || request.n < 1)) {
    throw new ModelCallError("bad-request", `n must be a positive integer, got ${request.n}`);
  }
}

export class LocalModel implements LanguageModel {
  readonly id: string;
  readonly provider = "local" as const;
  readonly modelName: string;
  readonly maxSamplesPerCall: number;
  /** Absolute path of the GGUF file (kept out of `id`, which must not reveal local paths). */
  readonly path: string;
  private readonly parts: LocalModelParts;
  private readonly pool: SequencePool<Slot>;
  private readonly grammars: JsonGrammarCache;
  private closing: Promise<void> | undefined;

  constructor(parts: LocalModelParts) {
    this.parts = parts;
    this.id = parts.id;
    this.path = parts.path;
    this.modelName = basename(parts.path);
    this.maxSamplesPerCall = parts.context.totalSequences;
    this.pool = new SequencePool(parts.context.totalSequences, parts.createSlot);
    this.grammars = new JsonGrammarCache(parts.llama);
  }

  /** Tokens each sequence can hold (prompt + completion). */
  get contextSize(): number {
    return this.parts.context.contextSize;
  }

  /** The chat template in use, e.g. "ChatML" or "JinjaTemplate". */
  get chatTemplateName(): string {
    return this.parts.chatWrapper.wrapperName;
  }

  /** Number of tokens of `text` (no BOS), with the model's own tokenizer. */
  countTokens(text: string): number {
    return this.parts.model.tokenize(text, false).length;
  }

  async generate(request: GenerateRequest, options: CallOptions = {}): Promise<GenerateResult> {
    this.assertOpen();
    validateRequest(request);
    const { model, chatWrapper } = this.parts;
    const n = Math.min(request.n ?? 1, this.maxSamplesPerCall);
    const input = prepareInput(request, model, chatWrapper);
    const grammar = request.jsonSchema ? await this.grammars.get(request.jsonSchema.schema) : undefined;
    // One seed per sample: equal seeds on parallel sequences would give n identical samples.
    const baseSeed = request.seed ?? randomInt(0, 2 ** 31);
    const settings: SampleSettings = {
      maxTokens: resolveMaxTokens(request.maxTokens, input.inputTokens, this.contextSize),
      temperature: request.temperature ?? 1,
      topP: request.topP ?? 1,
      seed: baseSeed,
      stop: request.stop ?? [],
      grammar,
      signal: options.signal,
    };
    const samples = await this.withErrorMapping(options.signal, () =>
      Promise.all(
        Array.from({ length: n }, (_, index) =>
          this.pool.use(
            (slot) => runSample(slot, input, { ...settings, seed: baseSeed + index }),
            options.signal,
          ),
        ),
      ),
    );
    return {
      completions: samples.map((sample) => sample.completion),
      // The prompt is counted once for all n samples, as OpenAI-compatible servers report it.
      usage: {
        inputTokens: input.inputTokens,
        outputTokens: samples.reduce((sum, s) => sum + s.outputTokens, 0),
      },
      ...(request.jsonSchema ? { structuredMode: "native" as const } : {}),
    };
  }

  async logprobs(context: ScoringContext, text: string, options: CallOptions = {}): Promise<LogprobsResult> {
    this.assertOpen();
    const { model, chatWrapper } = this.parts;
    const scored = tokenizeForScoring(model, contextTokens(model, chatWrapper, context), text);
    const tokens = await this.withErrorMapping(options.signal, () =>
      this.pool.use((slot) => scoreTokens(model, slot.sequence, scored), options.signal),
    );
    return { tokens };
  }

  close(): Promise<void> {
    this.closing ??= this.dispose();
    return this.closing;
  }

  private async dispose(): Promise<void> {
    this.pool.close();
    const { context, model, llama, ownsLlama } = this.parts;
    await context.dispose();
    await model.dispose();
    if (ownsLlama) await llama.dispose();
  }

  private assertOpen(): void {
    if (this.closing) throw new ModelCallError("model-unavailable", "The local model is closed");
  }

  /** Our own errors and aborts pass through; anything else from llama.cpp is reported like a server fault. */
  private async withErrorMapping<T>(signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (error) {
      if (ModelCallError.is(error) || signal?.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new ModelCallError("server", `Local model ${this.modelName} failed: ${message}`, {
        cause: error,
      });
    }
  }
}
