/**
 * Rows into instances, with no model call: the task's instruction, the input fields rendered as text,
 * the output field's value as the answer. A row is skipped for a task when an input field or the output
 * field has no value (a task over "question" and "context" is another task without the context).
 */
import type { DatasetTask } from "./dataset-tasks.js";
import { renderValue } from "./dataset-values.js";

export type RowSkip = "empty-input" | "empty-output";

export type Instance = { ok: true; input: string; output: string } | { ok: false; skip: RowSkip };

export function instanceOf(task: DatasetTask, row: Record<string, unknown>): Instance {
  const output = renderValue(row[task.output_field]);
  if (output === undefined) return { ok: false, skip: "empty-output" };
  const input = renderInput(task.input_fields, row);
  if (input === undefined) return { ok: false, skip: "empty-input" };
  return { ok: true, input, output };
}

/**
 * One input field: its value alone. Several: one "field: value" line each, in the task's order, so
 * the model can tell the parts apart (the instruction refers to them by what they are).
 */
export function renderInput(fields: readonly string[], row: Record<string, unknown>): string | undefined {
  if (fields.length === 1) return renderValue(row[fields[0] as string]);
  const lines: string[] = [];
  for (const field of fields) {
    const value = renderValue(row[field]);
    if (value === undefined) return undefined;
    lines.push(`${field}: ${value}`);
  }
  return lines.join("\n");
}
