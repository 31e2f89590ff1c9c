/**
 * The unit of Unnatural Instructions: an (instruction, input, constraints) example, as the model is asked
 * to write it (JSON schemas), as it is cleaned, and the key under which two examples are the same one.
 */
import { z } from "zod";
import type { ExampleText } from "../../prompts/unnatural.js";
import { normalizeForDedup } from "../../text/exact-dup.js";
import { type FilterOptions, heuristicFilter } from "../../text/filters.js";
import type { SeedTask } from "./seed-tasks.js";

export const exampleSchema = z.object({
  instruction: z.string(),
  input: z.string(),
  constraints: z.string(),
});

export const rewordingsSchema = z.object({ rewordings: z.array(z.string()) });

/** Name and JSON schema as sent; also what `Draws` must hash so its keys are the calls' keys. */
export const EXAMPLE_SCHEMA = {
  name: "unnatural_example",
  schema: z.toJSONSchema(exampleSchema) as Record<string, unknown>,
};
export const REWORDINGS_SCHEMA = {
  name: "unnatural_rewordings",
  schema: z.toJSONSchema(rewordingsSchema) as Record<string, unknown>,
};

/** Models asked for an empty field often write a word for "nothing" instead. */
const NOTHING = /^(?:\(?(?:none|n\/a|no input|no constraints?|nothing|empty)\)?\.?)$/iu;

/** Trimmed fields; "None"-like inputs and constraints become empty. */
export function cleanExample(value: z.infer<typeof exampleSchema>): ExampleText {
  const input = value.input.trim();
  const constraints = value.constraints.trim();
  return {
    instruction: value.instruction.trim(),
    input: NOTHING.test(input) ? "" : input,
    constraints: NOTHING.test(constraints) ? "" : constraints,
  };
}

/** A seed as a demonstration: its instruction, the first instance's input, its constraints. */
export function seedExample(seed: SeedTask): ExampleText {
  return {
    instruction: seed.instruction,
    input: seed.instances[0]?.input ?? "",
    constraints: seed.constraints ?? "",
  };
}

/**
 * Exact-duplicate key of an example: instruction and input, each normalized separately (so text cannot
 * move between them and collide). `ExactDedup` normalizes the whole key again, which leaves it unchanged.
 */
export function dedupKey(instruction: string, input: string): string {
  return `${normalizeForDedup(instruction)}\u0000${normalizeForDedup(input)}`;
}

export interface InstructionProblem {
  reason: string;
  detail: string;
}

/** Why an instruction cannot be kept: empty, or (when heuristics are on) failing Self-Instruct's filters. */
export function instructionProblem(
  instruction: string,
  heuristics: FilterOptions | undefined,
): InstructionProblem | undefined {
  if (instruction === "") return { reason: "invalid", detail: "empty instruction" };
  if (!heuristics) return undefined;
  const verdict = heuristicFilter(instruction, heuristics);
  return verdict.ok ? undefined : { reason: verdict.reason, detail: verdict.detail };
}

/** One line of instructions.jsonl: a core example or a reformulation of one. */
export interface UnnaturalRecord {
  id: string;
  instruction: string;
  input: string;
  constraints?: string;
  output: string;
  meta: {
    method: "unnatural";
    step: "core" | "reformulation";
    /** The core example a reformulation rewords. */
    parent_id?: string;
    /** Seeds shown in the generation prompt (of the parent, for a reformulation). */
    seed_ids: string[];
    /** Index of the generation draw the example (or its parent) came from. */
    draw: number;
    /** Position of a reformulation in the model's list of rewordings. */
    rewording?: number;
    model: string;
    prompts: string[];
    /** Cache keys of the calls that made the record. */
    calls: { generate: string; output: string; reformulate?: string };
  };
}
