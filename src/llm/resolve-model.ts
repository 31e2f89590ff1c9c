/**
 * Turns a model config plus the environment into a LanguageModel: an OpenAI-compatible server when a base
 * URL is known, the embedded local model otherwise. The API key is read here, registered for redaction,
 * and handed only to the provider; configs and logs carry the variable's name, never its value.
 */
import type { ModelConfig } from "../config/model-config.js";
import { registerSecret } from "../util/secrets.js";
import type { LanguageModel } from "./language-model.js";
import { createOpenAICompatibleModel } from "./openai-compatible.js";

export interface ResolvedModelConfig extends ModelConfig {
  provider: "openai-compatible" | "local";
}

/** Fills base URL and model from OPENAI_BASE_URL / SELFALIGN_MODEL where the options leave them out. */
export function withEnvironment(
  config: ModelConfig,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedModelConfig {
  const baseUrl = config.baseUrl ?? (env.OPENAI_BASE_URL || undefined);
  const model = config.model ?? (env.SELFALIGN_MODEL || undefined);
  return { ...config, baseUrl, model, provider: baseUrl ? "openai-compatible" : "local" };
}

export async function createModel(
  config: ResolvedModelConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LanguageModel> {
  if (config.provider === "openai-compatible") {
    if (!config.baseUrl) throw new Error("internal: openai-compatible model without a base URL");
    if (!config.model) {
      throw new Error(
        "--model is required with --base-url (or set SELFALIGN_MODEL): the model name the server serves",
      );
    }
    const apiKey = env[config.apiKeyEnv] || undefined;
    registerSecret(apiKey);
    return createOpenAICompatibleModel({
      baseUrl: config.baseUrl,
      model: config.model,
      apiKey,
      endpoint: config.endpoint,
      timeoutMs: config.timeoutMs,
      structuredOutput: config.structuredOutput,
      connections: Math.max(config.concurrency, 1),
    });
  }
  // Loaded lazily: node-llama-cpp is heavy and not needed for HTTP runs.
  const { createLocalModel } = await import("./local/index.js");
  const isUri = config.model !== undefined && /^(hf:|https?:)/.test(config.model);
  const named = config.model !== undefined && config.model !== "local";
  return createLocalModel({
    ...(named && !isUri ? { modelPath: config.model } : {}),
    ...(named && isUri ? { modelUri: config.model } : {}),
    ...(config.contextSize ? { contextSize: config.contextSize } : {}),
    sequences: config.sequences ?? Math.min(config.concurrency, 4),
  });
}
