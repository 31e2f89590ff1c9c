/**
 * Humpback's self-augmentation: the backward model writes the instruction a passage answers. The paper
 * fine-tuned a backward model on seed (output -> instruction) pairs; here the model is shown k such
 * pairs few-shot (seeds, and from round 2 on the pairs the previous round curated), or, for a backward
 * model fine-tuned as in the paper, given the passage alone (`raw`).
 */
import type { RunEngine } from "../../engine/engine.js";
import type { Rng } from "../../engine/rng.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { augmentMessage } from "../../prompts/humpback.js";
import type { GenerationSettings } from "../responses/respond.js";
import { chatRequest } from "../shared/chat-request.js";
import type { PoolExample } from "./humpback-pairs.js";

export interface AugmentSettings {
  /** Examples shown per prompt (fewer while the pool is smaller). */
  inContext: number;
  /** Send the passage alone, with no wording of ours (a fine-tuned backward model). */
  raw: boolean;
  sampling: GenerationSettings;
}

export type Augmentation = {
  /** Ids of the examples shown. */
  examples: string[];
  /** Cache key of the call. */
  call: string;
} & (
  | { ok: true; instruction: string }
  | { ok: false; reason: "empty-instruction" | "truncated-instruction"; detail: string; raw: string }
);

/**
 * k examples from the pool, never one made from the passage itself (its own curated pair in a later
 * round would just be copied). Draws one more than needed so that leaving it out keeps k.
 */
export function pickExamples(
  rng: Rng,
  pool: readonly PoolExample[],
  k: number,
  passageId: string,
): PoolExample[] {
  if (k <= 0) return [];
  return rng
    .sample(pool, k + 1)
    .filter((e) => e.passageId !== passageId)
    .slice(0, k);
}

export async function augment(
  engine: RunEngine,
  backward: LanguageModel,
  examples: readonly PoolExample[],
  passage: string,
  settings: AugmentSettings,
): Promise<Augmentation> {
  const content = settings.raw ? passage : augmentMessage(examples, passage);
  const call = engine.prepare(backward, chatRequest(content, settings.sampling));
  const [sample] = await engine.run(call);
  const raw = sample?.text ?? "";
  const base = { examples: examples.map((e) => e.id), call: call.keys[0] as string };
  const instruction = cleanInstruction(raw);
  if (sample?.finishReason === "length") {
    const detail = "the instruction hit the token limit (raise --max-output-tokens)";
    return { ...base, ok: false, reason: "truncated-instruction", detail, raw };
  }
  if (instruction === "") {
    return {
      ...base,
      ok: false,
      reason: "empty-instruction",
      detail: "the backward model wrote no instruction",
      raw,
    };
  }
  return { ...base, ok: true, instruction };
}

/** A leading "Request:" (the label our prompt uses) or a similar label. */
const LABEL = /^(?:request|instruction|question|prompt)\s*[:：]\s*/iu;
/**
 * Where a model that keeps following the prompt's layout starts a new section ("### Example 4"). Only
 * the section marker: a request may well hold a line starting "Text:" with the text to work on.
 */
const NEXT_SECTION = /\n\s*###/u;
const QUOTES: ReadonlyArray<[string, string]> = [
  ['"', '"'],
  ["“", "”"],
  ["'", "'"],
  ["「", "」"],
];

/**
 * The instruction in a reply: trimmed, cut where the model starts another section of the prompt's layout,
 * without a leading label or quotes around the whole of it. Line breaks inside are kept (a request may
 * hold a list or a text to work on).
 */
export function cleanInstruction(reply: string): string {
  let text = reply.trim();
  const next = NEXT_SECTION.exec(text);
  if (next) text = text.slice(0, next.index).trim();
  text = text.replace(LABEL, "").trim();
  for (const [open, close] of QUOTES) {
    if (text.length >= 2 && text.startsWith(open) && text.endsWith(close)) {
      const inner = text.slice(open.length, -close.length);
      if (!inner.includes(open) && !inner.includes(close)) text = inner.trim();
    }
  }
  return text;
}
