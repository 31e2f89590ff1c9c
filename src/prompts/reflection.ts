/**
 * Prompts of Selective Reflection-Tuning (Li et al., 2024) and the reversed direction of its r-IFD score,
 * in our own words. The teacher reflects before it rewrites (critique first, then the new text), so the
 * rewrite answers the critique rather than the other way round.
 */
import type { PromptRef } from "./prompt.js";

/**
 * r-IFD scores the instruction after the answer: the student is shown the answer and asked for the
 * request behind it, and the instruction is the reply whose likelihood is measured.
 */
export const REVERSE_INSTRUCTION: PromptRef = { id: "ifd/reverse-instruction", version: 1 };

export function reverseInstructionPrompt(answer: string): string {
  return [
    "Below is a reply that an assistant wrote. Write the user's request that this reply answers.",
    "",
    "Reply:",
    answer,
  ].join("\n");
}
