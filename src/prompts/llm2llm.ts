/**
 * The teacher's prompt of LLM2LLM (Lee et al., 2024), in our own words: given one training example the
 * student got wrong, write new examples that exercise the same skill, each with its correct answer in
 * the reference's format (the checker compares the student's answers with these references later).
 */
import type { PromptRef } from "./prompt.js";

export const AUGMENT: PromptRef = { id: "llm2llm/augment", version: 1 };

export function augmentPrompt(question: string, answer: string, count: number): string {
  const what = count === 1 ? "one new example" : `${count} new examples`;
  return [
    "A student model got the following training example wrong.",
    "",
    "Question:",
    question,
    "",
    "Correct answer:",
    answer,
    "",
    `Write ${what} that practise the same skill, at a similar difficulty, so the student can learn what`,
    "it is missing. Each one must be a complete, self-contained question that differs from the one above",
    "and from the others (other names, numbers, facts or wording), not a copy with one word changed.",
    "Give each question its correct answer, written in the same form as the answer above (if that is a",
    "single number, letter or word, so is yours; if it shows its working, show yours). Check every answer",
    "before you give it.",
    `Reply with JSON: {"examples": [{"question": "...", "answer": "..."}]}.`,
  ].join("\n");
}
