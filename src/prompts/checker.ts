/** The model judge of the feedback family's checkers, in our own words. */
import type { PromptRef } from "./prompt.js";

export const JUDGE_CHECK: PromptRef = { id: "feedback/judge-check", version: 1 };

export const DEFAULT_RUBRIC =
  "The answer is correct when it reaches the same final result as the reference answer and does not add claims that contradict it. Wording, length and the steps shown do not matter.";

export function judgeCheckPrompt(
  question: string,
  reference: string,
  answer: string,
  rubric: string,
): string {
  return [
    "Decide whether a student's answer to a question is correct.",
    "",
    `Rubric: ${rubric}`,
    "",
    "Question:",
    question,
    "",
    "Reference answer:",
    reference,
    "",
    "Student's answer:",
    answer,
    "",
    "Quote the part of the student's answer your verdict rests on, give a one-sentence reason, then the verdict.",
  ].join("\n");
}
