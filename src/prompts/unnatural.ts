/**
 * Prompts of Unnatural Instructions (Honovich et al., 2022), in our own words. The structure follows
 * the paper: three demonstrations of (instruction, input, constraints) and a request for a fourth;
 * the output asked for separately, from the instruction, input and constraints alone; and the
 * instruction rephrased so that the same input keeps the same output. The paper's model continued a
 * plain-text list; we ask for JSON (see docs/methods/unnatural.md for why).
 */
import type { PromptRef } from "./prompt.js";

export const GENERATE: PromptRef = { id: "unnatural/generate", version: 1 };
export const OUTPUT: PromptRef = { id: "unnatural/output", version: 1 };
export const REFORMULATE: PromptRef = { id: "unnatural/reformulate", version: 1 };

/** One demonstration, as shown to the model. */
export interface ExampleText {
  instruction: string;
  input: string;
  constraints: string;
}

export function generateMessage(examples: readonly ExampleText[]): string {
  const next = examples.length + 1;
  const shown = examples.map((e, i) =>
    [
      `Example ${i + 1}`,
      JSON.stringify({ instruction: e.instruction, input: e.input, constraints: e.constraints }, null, 2),
    ].join("\n"),
  );
  return [
    `Each example below describes a task in three parts: "instruction" says what to do, "input" holds the`,
    `text or data the instruction works on (an empty string when the instruction stands alone), and`,
    `"constraints" states rules the answer has to follow, such as its format or the values it may take`,
    "(an empty string when there are none).",
    "",
    ...shown.flatMap((s) => [s, ""]),
    `Make up example ${next}: a new task of your own that differs from the ones above in subject and in`,
    "what it asks for. Write a clear, self-contained instruction and a concrete input for it, and give",
    "constraints only when the answer must take a particular form. Do not solve the task.",
    `Reply with a single JSON object with the keys "instruction", "input" and "constraints".`,
  ].join("\n");
}

export function outputMessage(example: ExampleText): string {
  const lines = [
    "Carry out the task below. Reply with the answer alone: no introduction, no restating of the task.",
    "",
    `Task: ${example.instruction}`,
  ];
  if (example.input !== "") lines.push("", `Input: ${example.input}`);
  if (example.constraints !== "") lines.push("", `Constraints: ${example.constraints}`);
  return lines.join("\n");
}

export function reformulateMessage(instruction: string, input: string, count: number): string {
  const lines = [`Here is an instruction for a task:`, "", instruction];
  if (input !== "") {
    lines.push("", "It is given inputs such as this one (shown only to make the task clear):", "", input);
  }
  const what = count === 1 ? "one rewording" : `${count} different rewordings`;
  lines.push(
    "",
    `Write ${what} of the instruction. A rewording must ask for exactly the same task, so that the same`,
    "input still has the same correct answer: keep every detail and requirement, and change only how it is",
    "said. Vary the rewordings among themselves: other words, another sentence structure, another form",
    "(a command, a question, a polite request, a longer explanation or a terse one). Leave the input out of",
    "them and do not carry out the task.",
    `Reply with a JSON object whose key "rewordings" holds the list of rewordings as strings.`,
  );
  return lines.join("\n");
}
