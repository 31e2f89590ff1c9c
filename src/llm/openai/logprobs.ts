/**
 * Prompt log-probabilities over the legacy /completions endpoint. Two dialects exist:
 *  - "echo": OpenAI legacy `echo: true, logprobs: k` → choices[0].logprobs.{tokens, token_logprobs, text_offset}
 *    (OpenAI base models, vLLM);
 *  - "vllm": `prompt_logprobs: k` → choices[0].prompt_logprobs, one {token_id: {logprob, rank, decoded_token}}
 *    per prompt token, null for the first.
 * Each function returns undefined when the body carries no usable data (the server ignored the parameter).
 */
import type { TokenLogprob } from "../language-model.js";
import { isRecord } from "./wire.js";

export type LogprobsVariant = "echo" | "vllm";

type Post = (endpoint: string, payload: unknown, signal?: AbortSignal) => Promise<unknown>;

export async function echoLogprobs(
  post: Post,
  model: string,
  context: string,
  text: string,
  signal?: AbortSignal,
): Promise<TokenLogprob[] | undefined> {
  // max_tokens 1 rather than 0: several servers reject 0; the one generated token is filtered out below.
  const body = await post(
    "/completions",
    { model, prompt: context + text, echo: true, logprobs: 1, max_tokens: 1, temperature: 0 },
    signal,
  );
  const logprobs = firstChoice(body)?.logprobs;
  if (!isRecord(logprobs)) return undefined;
  const { tokens, token_logprobs: values, text_offset: offsets } = logprobs;
  if (!Array.isArray(tokens) || !Array.isArray(values) || !Array.isArray(offsets)) return undefined;
  // Servers compute text_offset on Python strings, i.e. in code points, not UTF-16 units.
  const start = codePointLength(context);
  const end = start + codePointLength(text);
  // An ignored `echo` yields only the generated token, which starts at `end`: no prompt data at all.
  if (!offsets.some((offset) => typeof offset === "number" && offset < end)) return undefined;
  const result: TokenLogprob[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const offset = offsets[i];
    if (typeof offset !== "number" || offset < start || offset >= end) continue;
    const token = tokens[i];
    const logprob = values[i];
    // The prompt's first token has no prediction (null) unless the server put a BOS before it.
    if (i === 0 && logprob === null) continue;
    if (typeof token !== "string" || typeof logprob !== "number") return undefined;
    result.push({ token, logprob });
  }
  return result;
}

interface VllmLogprob {
  logprob: number;
  rank?: number;
  decoded_token?: string;
}

export async function vllmPromptLogprobs(
  post: Post,
  model: string,
  context: string,
  text: string,
  signal?: AbortSignal,
): Promise<TokenLogprob[] | undefined> {
  const full = context + text;
  const body = await post(
    "/completions",
    { model, prompt: full, max_tokens: 1, prompt_logprobs: 1, temperature: 0 },
    signal,
  );
  const entries = firstChoice(body)?.prompt_logprobs;
  if (!Array.isArray(entries) || entries.length === 0) return undefined;
  // Walk backwards from the end of the prompt: the first entry is null (its token is unknown) and a BOS
  // token may decode to "", so only the tail's cumulative decoded lengths are reliable boundaries.
  const reversed: TokenLogprob[] = [];
  let end = full.length;
  for (let i = entries.length - 1; i >= 0 && end > context.length; i--) {
    const entry = entries[i];
    if (entry === null) break;
    const token = actualToken(entry, full, end);
    if (token === undefined) return undefined;
    const start = end - token.decoded_token.length;
    if (start < context.length) break;
    reversed.push({ token: token.decoded_token, logprob: token.logprob });
    end = start;
  }
  return reversed.length > 0 ? reversed.reverse() : undefined;
}

/**
 * Each entry holds the prompt token plus the top-1 alternative when they differ. JSON object key order
 * cannot tell them apart (JS sorts integer-like keys), so: a single entry is the prompt token; otherwise
 * the one not ranked 1; failing that, the one whose text ends the prompt at `end`.
 */
function actualToken(
  entry: unknown,
  full: string,
  end: number,
): (VllmLogprob & { decoded_token: string }) | undefined {
  if (!isRecord(entry)) return undefined;
  const candidates = Object.values(entry).filter(isVllmLogprob);
  if (candidates.length === 0) return undefined;
  let chosen: VllmLogprob | undefined;
  if (candidates.length === 1) chosen = candidates[0];
  else {
    const notTop = candidates.filter((candidate) => candidate.rank !== 1);
    chosen =
      notTop.length === 1
        ? notTop[0]
        : candidates.find((c) => c.decoded_token !== undefined && full.endsWith(c.decoded_token, end));
  }
  if (chosen?.decoded_token === undefined) return undefined;
  return chosen as VllmLogprob & { decoded_token: string };
}

function isVllmLogprob(value: unknown): value is VllmLogprob {
  return (
    isRecord(value) &&
    typeof value.logprob === "number" &&
    (value.decoded_token === undefined || typeof value.decoded_token === "string")
  );
}

function firstChoice(body: unknown): Record<string, unknown> | undefined {
  if (!isRecord(body) || !Array.isArray(body.choices)) return undefined;
  const choice: unknown = body.choices[0];
  return isRecord(choice) ? choice : undefined;
}

function codePointLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) length--; // a surrogate pair counts once
  }
  return length;
}
