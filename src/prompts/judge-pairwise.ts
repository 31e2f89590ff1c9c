/** The pairwise judge prompt (our own words): which of two responses is better, reasons first. */

import { type AspectText, aspectList, exchangeSections, type JudgedExchange } from "./judge-pointwise.js";
import type { PromptRef } from "./prompt.js";

export const JUDGE_PAIRWISE: PromptRef = { id: "judge/pairwise", version: 1 };

export function pairwisePrompt(
  exchange: JudgedExchange,
  first: string,
  second: string,
  aspects: readonly AspectText[],
): string {
  return [
    "You are comparing two responses an AI assistant might give to the same instruction. Decide which one is better overall, weighing these aspects:",
    aspectList(aspects),
    "",
    ...exchangeSections(exchange),
    "Response A:",
    first,
    "",
    "Response B:",
    second,
    "",
    "The two responses are shown in no particular order, so their position must not sway you, and neither must their length. First write a brief rationale comparing them on the aspects, then name the better one: A or B, or tie if neither is clearly better.",
  ].join("\n");
}
