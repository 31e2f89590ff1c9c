/** Token arithmetic of the engine: estimates before a call, attribution after it. */
import type { GenerateRequest, Usage } from "../llm/language-model.js";

/** Tokens a call will use, for the TPM bucket before the real usage is known. */
export function estimateTokens(request: GenerateRequest, n: number): number {
  let chars = request.prompt?.length ?? 0;
  for (const m of request.messages ?? []) chars += m.content.length;
  return Math.ceil(chars / 4) + (request.maxTokens ?? 256) * n;
}

/** Attributes a call's usage to its samples: input to the first, output spread evenly, totals preserved. */
export function splitUsage(usage: Usage, n: number): Usage[] {
  const base = Math.floor(usage.outputTokens / n);
  const rest = usage.outputTokens - base * n;
  return Array.from({ length: n }, (_, j) => ({
    inputTokens: j === 0 ? usage.inputTokens : 0,
    outputTokens: base + (j === 0 ? rest : 0),
  }));
}
