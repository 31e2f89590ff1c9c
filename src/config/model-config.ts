/**
 * How a model is reached and limited. The single source of these options: the CLI flags, the resolved
 * config written to the run directory and (later) pipeline files all go through this schema.
 */
import { z } from "zod";

export const modelConfigSchema = z.object({
  baseUrl: z.string().url().optional().describe("OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1"),
  model: z
    .string()
    .min(1)
    .optional()
    .describe("model name on the server, or a GGUF path / hf: URI for the local model"),
  apiKeyEnv: z.string().min(1).default("OPENAI_API_KEY").describe("environment variable holding the API key"),
  endpoint: z.enum(["chat", "completions"]).default("chat"),
  structuredOutput: z.enum(["auto", "native", "prompt"]).default("auto"),
  timeoutMs: z.number().int().positive().default(120_000),
  concurrency: z.number().int().positive().default(8),
  rpm: z.number().positive().optional(),
  tpm: z.number().positive().optional(),
  retries: z.number().int().nonnegative().default(6),
  retryBaseMs: z
    .number()
    .int()
    .positive()
    .default(500)
    .describe("first retry delay; doubles per attempt, up to 60 s"),
  priceInput: z.number().nonnegative().optional().describe("price per 1M input tokens"),
  priceOutput: z.number().nonnegative().optional().describe("price per 1M output tokens"),
  contextSize: z.number().int().positive().optional().describe("local model: context size in tokens"),
  sequences: z.number().int().positive().optional().describe("local model: sequences decoded in one batch"),
});

export type ModelConfig = z.infer<typeof modelConfigSchema>;

export const runConfigSchema = z.object({
  runDir: z.string().min(1).optional(),
  seed: z.number().int().default(0),
  maxCalls: z.number().int().positive().optional(),
  maxTokens: z.number().int().positive().optional(),
  maxCost: z.number().positive().optional(),
  prices: z.string().optional().describe("JSON price table file"),
  progress: z.enum(["auto", "bar", "json", "none"]).default("auto"),
});

export type RunConfig = z.infer<typeof runConfigSchema>;
