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

/** Stage 1: the teacher critiques the instruction, then writes a better one and answers it. */
export const REFLECT_INSTRUCTION: PromptRef = { id: "reflect/instruction", version: 1 };

export function reflectInstructionPrompt(instruction: string, answer: string): string {
  return [
    "You are improving a training example for an assistant model. Here is the example.",
    "",
    "Instruction:",
    instruction,
    "",
    "Answer:",
    answer,
    "",
    "First write a critique of the instruction alone: is it clear and unambiguous, is the topic worth",
    "learning, does it ask for enough depth, detail or reasoning, could it be answered well at all?",
    "Then write a new instruction that fixes what you found while keeping the same subject and intent:",
    "more specific, more demanding where that helps, never padded or artificially long. Finally, write",
    "a careful, correct answer to your new instruction.",
    'Reply with JSON: {"critique": "...", "instruction": "...", "answer": "..."}.',
  ].join("\n");
}

/** Stage 2: the teacher critiques the answer to the (chosen) instruction, then rewrites the answer. */
export const REFLECT_RESPONSE: PromptRef = { id: "reflect/response", version: 1 };

export function reflectResponsePrompt(instruction: string, answer: string): string {
  return [
    "You are improving the answer of a training example for an assistant model.",
    "",
    "Instruction:",
    instruction,
    "",
    "Answer:",
    answer,
    "",
    "First write a critique of the answer: does it do exactly what the instruction asks, is it correct,",
    "is it complete and detailed enough without wandering off, is it well organised and easy to follow?",
    "Then write an improved answer to the same instruction that fixes every problem you found. If the",
    "answer is already excellent, say so and return it with only the changes it needs.",
    'Reply with JSON: {"critique": "...", "answer": "..."}.',
  ].join("\n");
}
