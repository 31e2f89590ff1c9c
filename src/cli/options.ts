/**
 * Options shared by every command that calls a model. Flags are declared here once and parsed through
 * the zod schemas in config/, so the CLI, the run directory's config.json and pipeline files agree.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  type ModelConfig,
  modelConfigSchema,
  type RunConfig,
  runConfigSchema,
} from "../config/model-config.js";
import type { GenerationSettings } from "../methods/responses/respond.js";

export function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
  return n;
}

export function positiveInt(value: string): number {
  const n = int(value);
  if (n < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

export function num(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function addModelOptions(cmd: Command): Command {
  return cmd
    .option(
      "--base-url <url>",
      "OpenAI-compatible base URL (env OPENAI_BASE_URL); without it the local model runs",
    )
    .option(
      "--model <name>",
      "model name on the server, or a GGUF path / hf: URI for the local model (env SELFALIGN_MODEL)",
    )
    .option("--api-key-env <var>", "environment variable holding the API key", "OPENAI_API_KEY")
    .addOption(
      new Option("--endpoint <kind>", "OpenAI endpoint to call")
        .choices(["chat", "completions"])
        .default("chat"),
    )
    .addOption(
      new Option(
        "--structured-output <mode>",
        "JSON-schema output: server-enforced, prompt-only, or try native first",
      )
        .choices(["auto", "native", "prompt"])
        .default("auto"),
    )
    .option("--timeout <ms>", "per-request timeout in milliseconds", int, 120_000)
    .option("--concurrency <n>", "calls in flight at once", int, 8)
    .option("--rpm <n>", "requests per minute limit", num)
    .option("--tpm <n>", "tokens per minute limit (input + output)", num)
    .option(
      "--retries <n>",
      "retries of a failed call (429, 5xx, timeouts, resets, malformed bodies)",
      int,
      6,
    )
    .option(
      "--retry-base-ms <ms>",
      "first retry delay, doubled per attempt (capped at 60 s), never below Retry-After",
      int,
      500,
    )
    .option("--price-input <usd>", "price per 1M input tokens, for cost accounting and --max-cost", num)
    .option("--price-output <usd>", "price per 1M output tokens", num)
    .option("--context-size <n>", "local model: context size in tokens", int)
    .option("--sequences <n>", "local model: sequences decoded together in one batch", int);
}

export function addRunOptions(cmd: Command): Command {
  return cmd
    .option("--run-dir <dir>", "run directory (cache, state, events); re-running with the same one resumes")
    .option("--seed <n>", "seed of the run's random generator", int, 0)
    .option("--max-calls <n>", "stop cleanly after this many model calls (whole run)", int)
    .option("--max-tokens <n>", "stop cleanly after this many tokens, input + output (whole run)", int)
    .option("--max-cost <amount>", "stop cleanly after this cost (needs prices)", num)
    .option("--prices <file>", 'JSON price table: {"model": {"input": 0.15, "output": 0.6}} per 1M tokens')
    .addOption(
      new Option("--progress <mode>", "progress display: bar on a terminal, JSON lines otherwise")
        .choices(["auto", "bar", "json", "none"])
        .default("auto"),
    );
}

/** Defaults a method may set for its own calls (e.g. the sampling its paper used). */
export interface GenerationDefaults {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
}

export function addGenerationOptions(cmd: Command, defaults: GenerationDefaults = {}): Command {
  return cmd
    .option("--temperature <t>", "sampling temperature", num, defaults.temperature ?? 0.7)
    .option("--top-p <p>", "nucleus sampling probability mass", num, defaults.topP)
    .option("--max-output-tokens <n>", "maximum tokens generated per sample", int, defaults.maxTokens ?? 1024)
    .option("--stop <text>", "stop sequence (repeatable)", collect)
    .option("--sampling-seed <n>", "seed sent with each request (servers that support it)", int)
    .option("--system <text>", "system message before every instruction");
}

/** Parses commander's option bag into the typed, validated model config. */
export function parseModelConfig(opts: Record<string, unknown>): ModelConfig {
  return parseWith(modelConfigSchema, {
    baseUrl: opts.baseUrl,
    model: opts.model,
    apiKeyEnv: opts.apiKeyEnv,
    endpoint: opts.endpoint,
    structuredOutput: opts.structuredOutput,
    timeoutMs: opts.timeout,
    concurrency: opts.concurrency,
    rpm: opts.rpm,
    tpm: opts.tpm,
    retries: opts.retries,
    retryBaseMs: opts.retryBaseMs,
    priceInput: opts.priceInput,
    priceOutput: opts.priceOutput,
    contextSize: opts.contextSize,
    sequences: opts.sequences,
  });
}

export function parseRunConfig(opts: Record<string, unknown>): RunConfig {
  return parseWith(runConfigSchema, {
    runDir: opts.runDir,
    seed: opts.seed,
    maxCalls: opts.maxCalls,
    maxTokens: opts.maxTokens,
    maxCost: opts.maxCost,
    prices: opts.prices,
    progress: opts.progress,
  });
}

function parseWith<S extends typeof modelConfigSchema | typeof runConfigSchema>(schema: S, raw: unknown) {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data as ReturnType<S["parse"]>;
  const issue = parsed.error.issues[0];
  throw new InvalidArgumentError(`option ${issue?.path.join(".")}: ${issue?.message}`);
}

/** The generation settings of `addGenerationOptions` from commander's option bag. */
export function parseGenerationSettings(opts: Record<string, unknown>): GenerationSettings {
  return {
    temperature: opts.temperature as number | undefined,
    topP: opts.topP as number | undefined,
    maxTokens: opts.maxOutputTokens as number | undefined,
    stop: opts.stop as string[] | undefined,
    seed: opts.samplingSeed as number | undefined,
    system: opts.system as string | undefined,
  };
}
