/**
 * Self-Instruct's JSON reply format: the same prompts with a JSON schema attached, for models that
 * follow a schema better than a free-text layout (small local models under a grammar, or APIs with
 * structured output). Replies are read leniently: what does not parse yields nothing, and the usual
 * filters report it (no tasks from a prompt; "no-valid-instances" for a task).
 */
import { z } from "zod";
import { parseAndValidate } from "../../engine/structured.js";
import type { FinishReason, GenerateRequest } from "../../llm/language-model.js";
import type { ParsedInstances } from "./instances.js";
import type { ListedTask } from "./task-list.js";

const tasksSchema = z.object({ tasks: z.array(z.string()).min(1) });
const examplesSchema = z.object({
  examples: z.array(z.object({ input: z.string(), output: z.string() })).min(1),
});
const labelledSchema = z.object({
  examples: z.array(z.object({ label: z.string(), input: z.string() })).min(1),
});

export function withSchema(
  request: GenerateRequest,
  kind: "tasks" | "examples" | "labelled",
): GenerateRequest {
  const schema = kind === "tasks" ? tasksSchema : kind === "examples" ? examplesSchema : labelledSchema;
  return {
    ...request,
    jsonSchema: { name: `self_instruct_${kind}`, schema: z.toJSONSchema(schema) as Record<string, unknown> },
  };
}

export function parseJsonTasks(text: string, finishReason: FinishReason): ListedTask[] {
  const parsed = parseAndValidate(text, tasksSchema);
  if (!parsed.ok) return [];
  return parsed.value.tasks
    .map((task, i) => ({ number: i + 1, text: task.replace(/\s+/gu, " ").trim(), truncated: false }))
    .filter((t) => t.text !== "" || finishReason === "length");
}

export function parseJsonInstances(text: string, outputFirst: boolean): ParsedInstances {
  if (outputFirst) {
    const parsed = parseAndValidate(text, labelledSchema);
    if (!parsed.ok) return { instances: [] };
    return {
      instances: parsed.value.examples.map((e) => ({ input: e.input.trim(), output: e.label.trim() })),
    };
  }
  const parsed = parseAndValidate(text, examplesSchema);
  if (!parsed.ok) return { instances: [] };
  return {
    instances: parsed.value.examples.map((e) => ({ input: e.input.trim(), output: e.output.trim() })),
  };
}
