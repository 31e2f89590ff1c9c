/**
 * The request a method sends for one prompt: the optional system message, the prompt as the user turn,
 * and the run's generation settings. One place, so every method maps `--system`, `--temperature` and
 * the rest onto a request the same way.
 */
import type { ChatMessage, GenerateRequest } from "../../llm/language-model.js";
import type { GenerationSettings } from "../responses/respond.js";

export function chatRequest(content: string, g: GenerationSettings): GenerateRequest {
  const messages: ChatMessage[] = [];
  if (g.system) messages.push({ role: "system", content: g.system });
  messages.push({ role: "user", content });
  return {
    messages,
    temperature: g.temperature,
    topP: g.topP,
    maxTokens: g.maxTokens,
    stop: g.stop,
    seed: g.seed,
  };
}
