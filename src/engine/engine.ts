/**
 * The run engine: the only way methods reach a model. It answers from the content-addressed cache when it
 * can, otherwise sends the call through the model's lane (limits, retries), pays it against the budget
 * and stores it before returning, so a finished call is never asked twice.
 */

import { ModelCallError } from "../llm/errors.js";
import type {
  Completion,
  GenerateRequest,
  LanguageModel,
  LogprobsResult,
  ScoringContext,
  Usage,
} from "../llm/language-model.js";
import { costOf } from "../llm/pricing.js";
import { canonicalJson } from "../util/canonical.js";
import { Budget, type BudgetLimits } from "./budget.js";
import type { CachedCall } from "./call-cache.js";
import { type LaneSettings, ModelLane } from "./model-lane.js";
import { callKey, canonicalRequest } from "./request-key.js";
import { Rng } from "./rng.js";
import type { RunDirectory } from "./run-dir.js";
import { estimateTokens, splitUsage } from "./usage.js";

/** A request with its cache keys computed: lets a method derive record ids from the keys for free. */
export interface PreparedCall {
  model: LanguageModel;
  request: GenerateRequest;
  canonical: string;
  /** One cache key per sample index. */
  keys: string[];
  /** Sample index of keys[0] within the request (see `RunEngine.prepare`); 0 for most calls. */
  firstSample?: number;
}

export interface EngineOptions {
  budget?: BudgetLimits;
  seed?: number | string;
}

/** One sample as a method sees it. */
export interface Sample extends Completion {
  sample: number;
  /** Usage attributed to this sample (a call's input tokens go to its first sample). */
  usage: Usage;
  cached: boolean;
  structuredMode?: "native" | "prompt";
}

export class RunInterruptedError extends Error {
  constructor() {
    super("run interrupted");
    this.name = "RunInterruptedError";
  }
}

export interface EngineCounters {
  /** Samples served from the cache. */
  cachedSamples: number;
  /** Samples paid for in this session. */
  freshSamples: number;
  /** Model calls made in this session. */
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
}

interface StoredSample {
  text: string;
  finishReason: Completion["finishReason"];
  usage: Usage;
  structuredMode?: "native" | "prompt";
}

export class RunEngine {
  readonly rng: Rng;
  readonly budget: Budget;
  readonly session: EngineCounters = {
    cachedSamples: 0,
    freshSamples: 0,
    calls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cost: 0,
  };
  private readonly lanesById = new Map<string, ModelLane>();
  private readonly inflight = new Map<string, Promise<StoredSample[]>>();
  private stopping = false;
  private callCounter = 0;

  constructor(
    readonly runDir: RunDirectory,
    options: EngineOptions = {},
  ) {
    this.rng = new Rng(options.seed ?? 0);
    this.budget = new Budget(options.budget ?? {}, runDir.cache.totals());
  }

  /** Declares a model's limits and price. Must be called once per model before its first call. */
  addModel(model: LanguageModel, settings: LaneSettings): void {
    if (this.budget.limits.maxCost !== undefined && !settings.price && model.provider !== "local") {
      throw new Error(
        `--max-cost needs a price for model "${model.modelName}": pass --price-input and --price-output ` +
          "(per million tokens) or a --prices file",
      );
    }
    this.lanesById.set(model.id, new ModelLane(model.id, settings, this.runDir.events));
  }

  lanes(): Iterable<ModelLane> {
    return this.lanesById.values();
  }

  lane(model: LanguageModel): ModelLane {
    const lane = this.lanesById.get(model.id);
    if (!lane) throw new Error(`model ${model.id} was not added to the engine`);
    return lane;
  }

  /** Stop starting new calls (Ctrl-C); calls in flight finish and are stored. */
  stop(): void {
    this.stopping = true;
  }

  /**
   * Computes the canonical request and the per-sample cache keys. `firstSample` shifts the sample
   * indices: sample i of the result is sample `firstSample + i` of the request. Methods use it for
   * independent draws of a request that may repeat (two prompts that happen to hold the same seeds must
   * get two answers, not one answer twice from the cache).
   */
  prepare(model: LanguageModel, request: GenerateRequest, samples = 1, firstSample = 0): PreparedCall {
    const canonical = canonicalRequest(request);
    const keys = new Array<string>(samples);
    for (let i = 0; i < samples; i++) keys[i] = callKey(model.id, "generate", canonical, firstSample + i);
    return firstSample === 0
      ? { model, request, canonical, keys }
      : { model, request, canonical, keys, firstSample };
  }

  /** `samples` samples of one request, from the cache where possible. */
  generate(model: LanguageModel, request: GenerateRequest, samples = 1, firstSample = 0): Promise<Sample[]> {
    return this.run(this.prepare(model, request, samples, firstSample));
  }

  /** Answers a prepared call: cached samples from the cache, the rest from the model. */
  async run(call: PreparedCall): Promise<Sample[]> {
    const { keys } = call;
    const samples = keys.length;
    const out: Sample[] = new Array(samples);
    const missing: number[] = [];
    for (let i = 0; i < samples; i++) {
      const hit = this.runDir.cache.get(keys[i] as string);
      if (hit === undefined) missing.push(i);
      else {
        out[i] = toSample(JSON.parse(hit) as StoredSample, i, true);
        this.session.cachedSamples++;
      }
    }
    // A server may return fewer samples than asked (Ollama ignores `n`): keep what came and ask again for
    // the rest; the provider has lowered its maxSamplesPerCall by then. Each round makes progress.
    let todo = missing;
    while (todo.length > 0) {
      todo = await this.fetchMissing(call, todo, out);
    }
    return out;
  }

  /** Fetches the samples at `missing` into `out`; returns the indices still missing. */
  private async fetchMissing(call: PreparedCall, missing: number[], out: Sample[]): Promise<number[]> {
    const chunk = Math.max(1, call.model.maxSamplesPerCall);
    if (missing.length <= chunk) {
      // The common case (one call answers every missing sample): no closures, no Promise.all.
      const stored = await this.fetchSamples(call, missing);
      this.fill(out, missing, stored);
      return missing.slice(stored.length);
    }
    const pending: Promise<number[]>[] = [];
    for (let start = 0; start < missing.length; start += chunk) {
      const indices = missing.slice(start, start + chunk);
      pending.push(
        this.fetchSamples(call, indices).then((stored) => {
          this.fill(out, indices, stored);
          return indices.slice(stored.length);
        }),
      );
    }
    return (await Promise.all(pending)).flat();
  }

  private fill(out: Sample[], indices: number[], stored: StoredSample[]): void {
    for (let j = 0; j < stored.length; j++) {
      const i = indices[j] as number;
      out[i] = toSample(stored[j] as StoredSample, i, false);
    }
  }

  /** Log-probabilities of `text` after `context`, cached like any call. */
  async logprobs(model: LanguageModel, context: ScoringContext, text: string): Promise<LogprobsResult> {
    if (!model.logprobs) throw new Error(`model ${model.id} cannot return log-probabilities`);
    const canonical = canonicalJson({ context, text });
    const key = callKey(model.id, "logprobs", canonical, 0);
    const hit = this.runDir.cache.get(key);
    if (hit !== undefined) {
      this.session.cachedSamples++;
      return JSON.parse(hit) as LogprobsResult;
    }
    const lane = this.lane(model);
    const logprobsOf = model.logprobs.bind(model);
    const started = performance.now();
    let admitted = false;
    let paid: { inputTokens: number; outputTokens: number; cost: number } | undefined;
    try {
      const contextChars =
        typeof context === "string"
          ? context.length
          : context.messages.reduce((n, m) => n + m.content.length, 0);
      const tokens = Math.ceil((contextChars + text.length) / 4);
      const { result, attempts } = await lane.run(
        () => logprobsOf(context, text),
        tokens,
        (r) => r.tokens.length,
        () => {
          this.admit();
          admitted = true;
        },
      );
      const usage = { inputTokens: tokens, outputTokens: 0 };
      paid = { ...usage, cost: costOf(usage, lane.settings.price) };
      this.store([
        this.row(
          model,
          "logprobs",
          canonical,
          key,
          0,
          JSON.stringify(result),
          usage,
          paid.cost,
          started,
          attempts,
        ),
      ]);
      this.count(paid, 1);
      return result;
    } finally {
      if (admitted) this.budget.settle(paid);
    }
  }

  /** The samples at `indices` of a prepared call, from one model call. */
  private async fetchSamples(call: PreparedCall, indices: number[]): Promise<StoredSample[]> {
    const { keys } = call;
    // Single flight: identical requests racing in one run share one call instead of paying twice.
    const flightKey =
      indices.length === 1 ? (keys[indices[0] as number] as string) : indices.map((i) => keys[i]).join(",");
    const existing = this.inflight.get(flightKey);
    if (existing) return existing;
    const promise = this.callModel(call, indices);
    this.inflight.set(flightKey, promise);
    try {
      return await promise;
    } finally {
      this.inflight.delete(flightKey);
    }
  }

  private async callModel(call: PreparedCall, indices: number[]): Promise<StoredSample[]> {
    const { model, request, canonical, keys } = call;
    const lane = this.lane(model);
    const n = indices.length;
    const estimate = estimateTokens(request, n);
    let admitted = false;
    let paid: { inputTokens: number; outputTokens: number; cost: number } | undefined;
    const started = performance.now();
    try {
      const { result, attempts } = await lane.run(
        () => model.generate(n === 1 && request.n === undefined ? request : { ...request, n }),
        estimate,
        (r) => r.usage.inputTokens + r.usage.outputTokens,
        () => {
          this.admit();
          admitted = true;
        },
      );
      // Let every reply that arrived in this event-loop turn hand its slot to the next request before
      // any of them does its bookkeeping: replies come in bursts, and dispatch-first keeps the server busy.
      await this.endOfTurn();
      if (result.completions.length === 0) {
        throw new ModelCallError("malformed", `model ${model.id} returned no completion`);
      }
      const got = Math.min(n, result.completions.length);
      const cost = costOf(result.usage, lane.settings.price);
      paid = { ...result.usage, cost };
      const stored = splitUsage(result.usage, got).map(
        (usage, j): StoredSample => ({
          text: (result.completions[j] as Completion).text,
          finishReason: (result.completions[j] as Completion).finishReason,
          usage,
          ...(result.structuredMode ? { structuredMode: result.structuredMode } : {}),
        }),
      );
      const callId = `${this.runDir.sessionId}:${++this.callCounter}`;
      this.store(
        stored.map((s, j) => {
          const i = indices[j] as number;
          const share = j === 0 ? cost : 0;
          return {
            ...this.row(
              model,
              "generate",
              canonical,
              keys[i] as string,
              i + (call.firstSample ?? 0),
              JSON.stringify(s),
              s.usage,
              share,
              started,
              attempts,
            ),
            callId,
          };
        }),
      );
      this.count(paid, got);
      return stored;
    } finally {
      if (admitted) this.budget.settle(paid);
    }
  }

  private turn: Promise<void> | undefined;

  /** One promise per event-loop turn, resolved in the check phase after the turn's I/O callbacks. */
  private endOfTurn(): Promise<void> {
    this.turn ??= new Promise((resolve) =>
      setImmediate(() => {
        this.turn = undefined;
        resolve();
      }),
    );
    return this.turn;
  }

  /** Checks the stop flag and the budget once a call holds its slot, before it is sent. */
  private admit(): void {
    if (this.stopping) throw new RunInterruptedError();
    this.budget.reserve();
  }

  private row(
    model: LanguageModel,
    kind: CachedCall["kind"],
    canonical: string,
    key: string,
    sample: number,
    result: string,
    usage: Usage,
    cost: number,
    started: number,
    attempts: number,
  ): CachedCall {
    return {
      key,
      callId: key,
      modelId: model.id,
      modelName: model.modelName,
      kind,
      request: canonical,
      sample,
      result,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cost,
      latencyMs: Math.round(performance.now() - started),
      attempts,
    };
  }

  private store(rows: CachedCall[]): void {
    this.runDir.cache.putAll(rows);
  }

  private count(paid: { inputTokens: number; outputTokens: number; cost: number }, samples: number): void {
    this.session.calls++;
    this.session.freshSamples += samples;
    this.session.inputTokens += paid.inputTokens;
    this.session.outputTokens += paid.outputTokens;
    this.session.cost += paid.cost;
  }
}

/** A sample as methods see it; built field by field (no spread) because it runs once per sample. */
function toSample(stored: StoredSample, sample: number, cached: boolean): Sample {
  const out: Sample = {
    text: stored.text,
    finishReason: stored.finishReason,
    usage: stored.usage,
    sample,
    cached,
  };
  if (stored.structuredMode) out.structuredMode = stored.structuredMode;
  return out;
}
