/**
 * Prompts of Self-Instruct (Wang et al., 2023), in our own words. The structure follows the paper: the
 * task pool is shown as a numbered list the model continues; whether a task is a classification task is
 * asked few-shot with a yes/no answer; instances are asked input-first (input, then output) for ordinary
 * tasks and output-first (class label, then an input of that class) for classification tasks.
 */
import { oneLine, type PromptRef } from "./prompt.js";

export const GENERATE: PromptRef = { id: "self-instruct/generate", version: 1 };
export const CLASSIFY: PromptRef = { id: "self-instruct/classify", version: 1 };
export const INPUT_FIRST: PromptRef = { id: "self-instruct/instances-input-first", version: 1 };
export const OUTPUT_FIRST: PromptRef = { id: "self-instruct/instances-output-first", version: 1 };

/** The paper's prompts end the list at 16 tasks (8 shown + up to 8 new). */
export const LIST_LENGTH = 16;

/** The numbered list of tasks, as a base model would continue it. */
export function taskList(instructions: readonly string[]): string {
  return instructions.map((text, i) => `${i + 1}. ${oneLine(text).replace(/:+$/u, "")}`).join("\n");
}

/** Chat form: the list plus a request to continue it. The reply is parsed from its first number on. */
export function generateMessage(instructions: readonly string[]): string {
  const next = instructions.length + 1;
  return [
    "Here is a numbered list of tasks that people ask an AI assistant to carry out.",
    "",
    taskList(instructions),
    "",
    `Extend the list with new tasks, numbered ${next} to ${LIST_LENGTH}. Make each one a self-contained`,
    "instruction of one or two sentences. Vary the kind of task (writing, rewriting, classifying, answering,",
    "reasoning, planning, coding, ...), the wording and the subject, and do not repeat the tasks above.",
    "Every task must be doable with text alone: nothing that needs images, sound, files or the web.",
    "Reply with the numbered tasks only, one per number.",
  ].join("\n");
}

/** Completion form (base models): the list ending with the next number, for the model to continue. */
export function generatePrompt(instructions: readonly string[]): string {
  return `A list of varied tasks:\n${taskList(instructions)}\n${instructions.length + 1}.`;
}

/** Stop sequences for the completion form: a blank line or the number after the last one. */
export const GENERATE_STOPS = ["\n\n", `\n${LIST_LENGTH + 1}`, `${LIST_LENGTH + 1}.`];

const CLASSIFY_EXAMPLES: ReadonlyArray<[string, boolean]> = [
  ["Decide whether the product review below is positive, negative or neutral.", true],
  ["Write a short poem about autumn rain on a tin roof.", false],
  ["Is the following sentence grammatically correct? Answer yes or no.", true],
  ["Summarize the article in three sentences.", false],
  ["Tell which of the two statements is an opinion and which is a fact.", true],
  ["Suggest five names for a bakery that sells only bread.", false],
  ["Label the email as spam or not spam.", true],
  ["Explain how a refrigerator keeps food cold.", false],
  ["Which planet in the list is the largest?", false],
  ["Identify the language of the given sentence: English, French, German or Spanish.", true],
  ["Convert the temperature from Celsius to Fahrenheit.", false],
  ["Does the paragraph support the claim? Reply with Supported, Refuted or Not enough information.", true],
];

export function classifyPrompt(instruction: string): string {
  const shots = CLASSIFY_EXAMPLES.map(
    ([task, clf]) => `Task: ${task}\nClassification: ${clf ? "Yes" : "No"}`,
  );
  return [
    "A classification task is one whose answer is one label out of a small, fixed set (for example",
    "positive/negative, yes/no, or one of a few named categories). For each task, say whether it is a",
    "classification task: Yes or No.",
    "",
    ...shots.flatMap((s) => [s, ""]),
    `Task: ${oneLine(instruction)}`,
    "Classification:",
  ].join("\n");
}

export function inputFirstPrompt(instruction: string, maxExamples: number): string {
  return [
    `Write up to ${maxExamples} worked examples for a task. When the task needs an input (a text, a`,
    "question, some data), write a realistic input and then the correct output. When it needs no input,",
    "leave the input out and write only the output. Number the examples.",
    "",
    "Task: Give the antonym of the word.",
    "Example 1",
    "Input: generous",
    "Output: stingy",
    "Example 2",
    "Input: ancient",
    "Output: modern",
    "",
    "Task: Suggest a name for a cat that loves to sleep.",
    "Example 1",
    "Output: Snooze",
    "",
    "Task: Find the sum of the even numbers in the list.",
    "Example 1",
    "Input: 3, 8, 11, 4, 6",
    "Output: 18",
    "Example 2",
    "Input: 1, 5, 7",
    "Output: 0",
    "",
    `Task: ${oneLine(instruction)}`,
  ].join("\n");
}

export function outputFirstPrompt(instruction: string, maxExamples: number): string {
  return [
    "The task below is a classification task. First list its possible class labels, then for each label",
    "write an input that belongs to it, so that every label is covered. Use this format for each example",
    `(at most ${maxExamples}): a line "Class label: ..." followed by "Input: ...".`,
    "",
    "Task: Decide whether the movie review is positive or negative.",
    "Class label: Positive",
    "Input: The cast was wonderful and the ending made me smile for days.",
    "Class label: Negative",
    "Input: Two hours of my life I will never get back; the plot made no sense.",
    "",
    "Task: Is the number prime? Answer yes or no.",
    "Class label: Yes",
    "Input: 13",
    "Class label: No",
    "Input: 21",
    "",
    `Task: ${oneLine(instruction)}`,
  ].join("\n");
}

/** JSON reply format (`--reply-format json`): the same requests, answered as JSON under a schema. */
export const JSON_FORMAT_NOTE = {
  generate: "Reply in JSON: an object whose `tasks` list holds the new tasks, in order.",
  inputFirst:
    "Reply in JSON: an object whose `examples` list holds objects with `input` (empty when none) and `output`.",
  outputFirst: "Reply in JSON: an object whose `examples` list holds objects with `label` and `input`.",
};
