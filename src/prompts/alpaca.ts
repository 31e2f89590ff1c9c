/**
 * The Alpaca variant's prompt (tatsu-lab/stanford_alpaca), in our own words: a few complete seed tasks as
 * examples, a list of requirements for diversity, and a request for a numbered batch of complete
 * (instruction, input, output) tasks in a fixed, parseable layout.
 */
import { oneLine, type PromptRef } from "./prompt.js";

export const ALPACA_GENERATE: PromptRef = { id: "alpaca/generate", version: 1 };

/** The marker for "this task takes no input", as in the Alpaca data. */
export const NO_INPUT = "<noinput>";

export interface AlpacaExample {
  instruction: string;
  input: string;
  output: string;
}

function renderTask(n: number, task: AlpacaExample): string {
  return [
    `${n}. Instruction: ${oneLine(task.instruction)}`,
    `${n}. Input: ${task.input.trim() === "" ? NO_INPUT : task.input.trim()}`,
    `${n}. Output: ${task.output.trim()}`,
  ].join("\n");
}

const REQUIREMENTS = [
  "Do not repeat a verb across tasks more than you must; vary how the instructions are phrased.",
  "Vary the kind of task: open questions, writing, rewriting, classification, extraction, reasoning, math, coding, advice, and so on.",
  "Write the instructions in English unless the examples are in another language, then follow them.",
  "Every task must be doable by a text-only assistant: nothing about images, sound, files, or browsing.",
  "Keep each instruction to one or two sentences, some as questions and some as commands.",
  `Give an input only where the task needs one (a concrete text, list or question, not a placeholder); otherwise write ${NO_INPUT}.`,
  "Inputs should be realistic and short (under about 100 words).",
  "Outputs must be correct, complete answers to the instruction and input, reasonably brief.",
];

export function alpacaMessage(examples: readonly AlpacaExample[], count: number): string {
  return [
    `Write ${count} new, varied tasks for training an AI assistant, each with an instruction, an input and the expected output.`,
    "",
    "Requirements:",
    ...REQUIREMENTS.map((r, i) => `${i + 1}. ${r}`),
    "",
    "Examples of the layout:",
    "",
    ...examples.flatMap((task, i) => [renderTask(i + 1, task), "###"]),
    "",
    `Now write tasks 1 to ${count} in exactly this layout, separated by ###, and nothing else.`,
  ].join("\n");
}

/** Completion form: the examples numbered 1..k, ending where the model writes task k+1. */
export function alpacaPrompt(examples: readonly AlpacaExample[], count: number): string {
  const header = [
    `A list of ${examples.length + count} varied tasks for an AI assistant, each with an instruction, an input (${NO_INPUT} when none is needed) and the expected output.`,
    "",
  ];
  const body = examples.flatMap((task, i) => [renderTask(i + 1, task), "###"]);
  return [...header, ...body, `${examples.length + 1}. Instruction:`].join("\n");
}

export function alpacaStops(last: number): string[] {
  return [`\n${last + 1}. Instruction`, `${last + 1}. Instruction:`];
}
