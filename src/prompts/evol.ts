/**
 * The evolving prompts of Evol-Instruct, in our own words: an in-depth rewrite follows one operation's
 * directive and must stay reasonable, answerable and only somewhat longer (the paper: 10 to 20 more
 * words); an in-breadth rewrite writes a new instruction of the same domain. The reply is the instruction
 * alone, which `cleanEvolved` takes from a chatty reply.
 */
import type { EvolOperation } from "../methods/evolution/operations.js";
import type { PromptRef } from "./prompt.js";

export const EVOL_DEPTH: PromptRef = { id: "evol/in-depth", version: 1 };
export const EVOL_BREADTH: PromptRef = { id: "evol/in-breadth", version: 1 };

export function evolvePrompt(operation: EvolOperation, instruction: string): string {
  if (operation.kind === "breadth") {
    return [
      "Here is an instruction someone gave an AI assistant:",
      "",
      instruction,
      "",
      `Your task: ${operation.directive}`,
      "The new instruction must be self-contained, reasonable, and answerable by a person who reads it.",
      "Reply with the new instruction only: no title, no preface, no answer.",
    ].join("\n");
  }
  return [
    "Rewrite the instruction below into a somewhat harder version that a capable AI assistant could still",
    "answer well. Keep any input or data it contains, and keep it self-contained and reasonable.",
    "",
    `How to rewrite it: ${operation.directive}`,
    "",
    "Add only about 10 to 20 words. Do not answer it, do not explain the change, and do not mention that",
    "it was rewritten.",
    "",
    "Instruction:",
    instruction,
    "",
    "Reply with the rewritten instruction only.",
  ].join("\n");
}

/** The instruction from a reply: code fences, a leading label ("Rewritten instruction:") and quotes removed. */
export function cleanEvolved(reply: string): string {
  let text = reply.trim();
  const fenced = /^```[a-z]*\n([\s\S]*?)\n```$/iu.exec(text);
  if (fenced) text = (fenced[1] ?? "").trim();
  text = text.replace(
    /^(?:\*\*)?(?:rewritten|new|evolved|created)?\s*(?:instruction|prompt)\s*(?:\*\*)?\s*[:：]\s*/iu,
    "",
  );
  const quoted = /^["“'](.*)["”']$/su.exec(text);
  return (quoted ? (quoted[1] ?? "") : text).trim();
}
