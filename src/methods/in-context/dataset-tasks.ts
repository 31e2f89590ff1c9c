/**
 * The tasks a model proposes for a dataset, and the checks that keep only usable ones. As in DYNOSAUR
 * a task is an instruction, the input fields and exactly one output field. Dropped, with the reason:
 * fields the dataset does not have, the output field also among the inputs, no output field, and
 * duplicates (the paper: exact repeats; here: same fields and a near-identical instruction). Also
 * dropped here, where the paper's pipeline dropped them later for producing no instances: an empty
 * instruction and no input fields (every row would ask the same thing and expect a different answer).
 */
import { z } from "zod";
import { normalizeForDedup } from "../../text/exact-dup.js";
import { rougeL } from "../../text/rouge-l.js";
import { contentId } from "../../util/canonical.js";

/** What the model is asked to return (field names are checked here, not by the schema, to log why). */
export const proposalSchema = z.object({
  tasks: z.array(
    z.object({
      instruction: z.string(),
      input_fields: z.array(z.string()),
      output_field: z.string(),
    }),
  ),
});

/** The schema's name and JSON form, as `generateObjects` sends them (so a prepared call has its real key). */
export const PROPOSAL_SCHEMA_NAME = "dataset_tasks";
export const proposalJsonSchema = {
  name: PROPOSAL_SCHEMA_NAME,
  schema: z.toJSONSchema(proposalSchema) as Record<string, unknown>,
};

export type Proposal = z.infer<typeof proposalSchema>;
export type ProposedTask = Proposal["tasks"][number];

export interface DatasetTask {
  /** Content hash of instruction and fields. */
  id: string;
  instruction: string;
  input_fields: string[];
  output_field: string;
}

export type DropReason =
  | "empty-instruction"
  | "no-output-field"
  | "no-input-fields"
  | "unknown-field"
  | "output-in-inputs"
  | "duplicate-task";

export type Verdict = { ok: true; task: DatasetTask } | { ok: false; reason: DropReason; detail: string };

/**
 * Checks proposed tasks against the dataset's fields and against the tasks accepted before them.
 * Feed tasks in a fixed order (call order, then reply order): which of two duplicates is kept depends
 * on it, and a resumed run must keep the same one.
 */
export class TaskValidator {
  private readonly accepted: DatasetTask[] = [];
  private readonly lowerCase = new Map<string, string | null>();

  /** @param similarity ROUGE-L F at or above which two instructions over the same fields are the same task. */
  constructor(
    private readonly fields: readonly string[],
    private readonly similarity: number,
  ) {
    // Case-insensitive lookup, for models that write "Review" for "review"; ambiguous names map to null.
    for (const field of fields) {
      const key = field.toLowerCase();
      this.lowerCase.set(key, this.lowerCase.has(key) ? null : field);
    }
  }

  check(proposed: ProposedTask): Verdict {
    const instruction = proposed.instruction.trim();
    if (instruction === "") return drop("empty-instruction", "the instruction is empty");
    const rawOutput = proposed.output_field.trim();
    if (rawOutput === "") return drop("no-output-field", "the output field is empty");
    const rawInputs = unique(proposed.input_fields.map((f) => f.trim()).filter((f) => f !== ""));
    if (rawInputs.length === 0) return drop("no-input-fields", "the task names no input field");

    const unknown = [...rawInputs, rawOutput].filter((f) => this.resolve(f) === undefined);
    if (unknown.length > 0) {
      const names = unique(unknown).map((f) => JSON.stringify(f));
      return drop("unknown-field", `not a field of the dataset: ${names.join(", ")}`);
    }
    const inputs = unique(rawInputs.map((f) => this.resolve(f) as string));
    const output = this.resolve(rawOutput) as string;
    if (inputs.includes(output)) {
      return drop("output-in-inputs", `the output field "${output}" is also an input field`);
    }

    const task: DatasetTask = {
      id: contentId({ instruction, input_fields: inputs, output_field: output }),
      instruction,
      input_fields: inputs,
      output_field: output,
    };
    const twin = this.findTwin(task);
    if (twin) return drop("duplicate-task", twin);
    this.accepted.push(task);
    return { ok: true, task };
  }

  /** A field name as the dataset spells it: exact, else a unique case-insensitive match. */
  private resolve(name: string): string | undefined {
    if (this.fields.includes(name)) return name;
    return this.lowerCase.get(name.toLowerCase()) ?? undefined;
  }

  private findTwin(task: DatasetTask): string | undefined {
    const inputs = [...task.input_fields].sort().join("\u0000");
    const normalized = normalizeForDedup(task.instruction);
    for (const other of this.accepted) {
      if (other.output_field !== task.output_field) continue;
      if ([...other.input_fields].sort().join("\u0000") !== inputs) continue;
      if (normalizeForDedup(other.instruction) === normalized)
        return `same fields and instruction as task ${other.id}`;
      const f = rougeL(other.instruction, task.instruction).f;
      if (f >= this.similarity) return `same fields as task ${other.id}, instruction ROUGE-L ${f.toFixed(3)}`;
    }
    return undefined;
  }
}

function drop(reason: DropReason, detail: string): Verdict {
  return { ok: false, reason, detail };
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
