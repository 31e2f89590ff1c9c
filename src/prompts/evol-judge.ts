/** The information-gain judgement of Evol-Instruct's elimination step, in our own words. */
import type { PromptRef } from "./prompt.js";

export const EVOL_GAIN: PromptRef = { id: "evol/information-gain", version: 1 };

export function gainPrompt(parent: string, child: string): string {
  return [
    "Compare two instructions that someone might give an AI assistant.",
    "",
    "First instruction:",
    parent,
    "",
    "Second instruction:",
    child,
    "",
    "Does the second instruction ask for something the first does not: a new constraint, more depth, a",
    "more specific case, more reasoning, or a different task? If it only rewords the first, or asks for",
    "the same thing in substance, they are equal. Give a one-sentence reason, then your verdict.",
  ].join("\n");
}
