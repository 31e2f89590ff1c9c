/**
 * Humpback's self-curation: the model rates an (instruction, passage) pair on the 5-point rubric with a
 * short reason, as JSON under a schema (validated, with one repair round). From round 2 on the rating
 * prompt also shows a few pairs the previous round kept, shortened, as calibration: our stand-in for the
 * paper's rater, which was the model fine-tuned on the curated data of the round before.
 */
import { z } from "zod";
import type { RunEngine } from "../../engine/engine.js";
import type { Rng } from "../../engine/rng.js";
import { generateObject } from "../../engine/structured.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { curateMessage, type PairText } from "../../prompts/humpback.js";
import type { GenerationSettings } from "../responses/respond.js";
import { chatRequest } from "../shared/chat-request.js";
import type { KeptPair } from "./humpback-pairs.js";

/** Reason first: the model states why before it commits to a number. */
export const ratingSchema = z.object({
  reason: z.string(),
  score: z.number().int().min(1).max(5),
});

/** Name and JSON schema as sent; what `engine.prepare` must hash so its key is the call's key. */
export const RATING_SCHEMA = {
  name: "humpback_rating",
  schema: z.toJSONSchema(ratingSchema) as Record<string, unknown>,
};

export interface CurateSettings {
  /** Calibration pairs shown per rating prompt in rounds after the first (0: none). */
  calibration: number;
  /** The score a pair needs to be kept (also named in the calibration heading). */
  threshold: number;
  sampling: GenerationSettings;
}

export type Rating = {
  /** Ids of the calibration pairs shown. */
  calibration: string[];
  /** Cache key of the (first) call. */
  call: string;
} & ({ ok: true; score: number; reason: string } | { ok: false; error: string; raw: string });

/** Calibration answers are references, not the pair under review: their opening is enough. */
const CALIBRATION_CHARS = 1200;

/** Calibration pairs from the previous round's kept set, never the passage under review. */
export function pickCalibration(
  rng: Rng,
  kept: readonly KeptPair[],
  count: number,
  passageId: string,
): KeptPair[] {
  if (count <= 0) return [];
  return rng
    .sample(kept, count + 1)
    .filter((p) => p.passage.id !== passageId)
    .slice(0, count);
}

export async function rate(
  engine: RunEngine,
  model: LanguageModel,
  pair: PairText,
  calibration: readonly KeptPair[],
  settings: CurateSettings,
): Promise<Rating> {
  const shown = calibration.map((p) => ({ instruction: p.instruction, output: excerpt(p.passage.text) }));
  const request = chatRequest(curateMessage(pair, shown, settings.threshold), settings.sampling);
  const call = engine.prepare(model, { ...request, jsonSchema: RATING_SCHEMA }).keys[0] as string;
  const result = await generateObject(engine, model, {
    request,
    schema: ratingSchema,
    name: RATING_SCHEMA.name,
  });
  const base = { calibration: calibration.map((p) => p.id), call };
  if (!result.ok) return { ...base, ok: false, error: result.error, raw: result.text };
  return { ...base, ok: true, score: result.value.score, reason: result.value.reason.trim() };
}

/** The first `CALIBRATION_CHARS` characters, cut at a space when there is one, marked as cut. */
export function excerpt(text: string, limit = CALIBRATION_CHARS): string {
  if (text.length <= limit) return text;
  // Not in the middle of a surrogate pair (an emoji, a rare CJK character).
  const last = text.charCodeAt(limit - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? limit - 1 : limit;
  const cut = text.slice(0, end);
  const space = cut.lastIndexOf(" ");
  return `${(space > end / 2 ? cut.slice(0, space) : cut).trimEnd()} […]`;
}
