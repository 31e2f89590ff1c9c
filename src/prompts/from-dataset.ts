/**
 * Prompts of dataset-to-instruction (DYNOSAUR, Yin et al., 2023), in our own words. The structure follows
 * the paper: the model sees the dataset's metadata (name, optionally the description, the fields and a
 * few rows) and designs tasks, each an instruction plus the input fields and the one output field; one
 * worked example of the reply shows the format (the paper used two, from real datasets; ours is made
 * up). The answer-choices sentence is the paper's "label space" suffix for label-like outputs.
 */
import { oneLine, type PromptRef } from "./prompt.js";

export const PROPOSE: PromptRef = { id: "from-dataset/propose", version: 1 };
export const ANSWER_CHOICES: PromptRef = { id: "from-dataset/answer-choices", version: 1 };

export interface DatasetCard {
  name: string;
  /** Omitted in description-unaware calls. */
  description?: string;
  rows: number;
  fields: ReadonlyArray<{ name: string; type: string; meanChars: number; values?: readonly string[] }>;
  examples: ReadonlyArray<Record<string, unknown>>;
}

const FORMAT_EXAMPLE = JSON.stringify({
  tasks: [
    {
      instruction: "Which cuisine does this recipe come from?",
      input_fields: ["title", "ingredients"],
      output_field: "cuisine",
    },
    {
      instruction: "Write numbered cooking steps for a dish with this name and these ingredients.",
      input_fields: ["title", "ingredients"],
      output_field: "steps",
    },
    {
      instruction: "Suggest a short, appealing name for a dish made by following these steps.",
      input_fields: ["steps"],
      output_field: "title",
    },
  ],
});

export function proposeMessage(card: DatasetCard, count: number): string {
  const lines = [
    "We are turning an existing dataset into training examples for an instruction-following model.",
    "Every row will become one example per task: the model is given the values of the task's input",
    "fields, and the value of the task's output field in the same row is the expected answer.",
    "",
    `Dataset: ${oneLine(card.name)}`,
  ];
  if (card.description) lines.push(`Description: ${oneLine(card.description)}`);
  lines.push(`Rows: ${card.rows}`, "Fields:", ...card.fields.map(fieldLine));
  if (card.examples.length > 0) {
    lines.push("", `Example rows (long values are cut short):`);
    for (const example of card.examples) lines.push(JSON.stringify(example));
  }
  const what = count === 1 ? "one task" : `${count} different tasks`;
  lines.push(
    "",
    `Design ${what} that can be built from these rows. For each task give:`,
    '- "instruction": what to ask the model, phrased so that it fits every row. Refer to the inputs by',
    '  what they are ("the review", "the question"), not by field name.',
    '- "input_fields": the fields the model is shown (at least one).',
    '- "output_field": the one field whose value is the correct answer; it must not be an input field.',
    "Use field names exactly as listed. The answer must follow from the inputs alone. Besides the obvious",
    "task, consider others the same rows support: producing a different field, or the reverse direction",
    "(for instance writing a question for a given answer). Leave out identifiers and bookkeeping fields.",
    "",
    "The reply format, shown for a made-up recipe dataset with fields title, ingredients, steps, cuisine:",
    FORMAT_EXAMPLE,
    "",
    'Reply with one JSON object {"tasks": [...]} and nothing else.',
  );
  return lines.join("\n");
}

function fieldLine(field: DatasetCard["fields"][number]): string {
  let line = `- ${field.name}: ${field.type}`;
  if (field.type === "text" && field.meanChars > 0) line += `, about ${field.meanChars} characters`;
  if (field.values) line += `; values: ${field.values.join(", ")}`;
  return line;
}

/** Appended to the instruction of a task whose output field takes a few short values. */
export function answerChoices(values: readonly string[]): string {
  return `Answer with one of: ${values.join(", ")}.`;
}
