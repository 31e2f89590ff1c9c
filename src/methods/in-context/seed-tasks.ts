/**
 * Seed tasks for the in-context methods, read from the formats people have them in:
 *  - Self-Instruct (yizhongw/self-instruct seed_tasks.jsonl): `{id, name, instruction, instances:
 *    [{input, output}], is_classification}`, one JSON object a line;
 *  - Alpaca (`{instruction, input, output}`), as a JSON array or JSONL;
 *  - Unnatural Instructions seeds may add `constraints` (e.g. "Output should be 'True' or 'False'.");
 *  - plain text (.txt): one instruction a line, blank lines and lines starting with "#" skipped.
 * Every problem names the file, line and field; nothing is guessed silently.
 */
import { extname } from "node:path";
import { fieldError, InputError, optionalString, readRecords, requireString } from "../../data/index.js";
import type { InputRecord } from "../../data/input-record.js";
import { readLines } from "../../data/read-lines.js";

export interface SeedInstance {
  input: string;
  output: string;
}

export interface SeedTask {
  id: string;
  instruction: string;
  /** Worked examples; empty for plain-text seeds. */
  instances: SeedInstance[];
  /** Known only for Self-Instruct seeds. */
  isClassification?: boolean;
  /** Unnatural Instructions' output constraints, when given. */
  constraints?: string;
  source: { file: string; line: number };
}

export type SeedFormat = "self-instruct" | "alpaca" | "text";

export interface SeedSet {
  tasks: SeedTask[];
  /** The format of the first record (files mixing formats are accepted record by record). */
  format: SeedFormat;
}

const TEXT_EXTENSIONS = new Set([".txt", ".text", ".md"]);

export async function readSeedTasks(file: string): Promise<SeedSet> {
  const ext = extname(file).toLowerCase();
  const set = TEXT_EXTENSIONS.has(ext) ? await readTextSeeds(file) : await readRecordSeeds(file);
  if (set.tasks.length === 0) throw new InputError(file, undefined, "no seed tasks in the file");
  const seen = new Map<string, number>();
  for (const task of set.tasks) {
    const first = seen.get(task.id);
    if (first !== undefined) {
      throw new InputError(
        file,
        task.source.line,
        `duplicate seed id "${task.id}" (first on line ${first})`,
        {
          field: "id",
        },
      );
    }
    seen.set(task.id, task.source.line);
  }
  return set;
}

async function readTextSeeds(file: string): Promise<SeedSet> {
  const tasks: SeedTask[] = [];
  for await (const { text, line } of readLines(file, 64 * 1024)) {
    const instruction = text.trim();
    if (instruction === "" || instruction.startsWith("#")) continue;
    tasks.push({ id: `seed_task_${tasks.length}`, instruction, instances: [], source: { file, line } });
  }
  return { tasks, format: "text" };
}

async function readRecordSeeds(file: string): Promise<SeedSet> {
  const tasks: SeedTask[] = [];
  let format: SeedFormat | undefined;
  for await (const record of readRecords(file)) {
    const task = seedFromRecord(record, tasks.length);
    format ??= Array.isArray(record.value.instances) ? "self-instruct" : "alpaca";
    tasks.push(task);
  }
  return { tasks, format: format ?? "alpaca" };
}

function seedFromRecord(record: InputRecord, ordinal: number): SeedTask {
  const value = record.value;
  const instruction = requireString(record, "instruction").trim();
  const rawId = value.id;
  const id =
    typeof rawId === "string" && rawId.trim() !== ""
      ? rawId
      : typeof rawId === "number"
        ? String(rawId)
        : `seed_task_${ordinal}`;
  const task: SeedTask = {
    id,
    instruction,
    instances: readInstances(record),
    source: { file: record.file, line: record.line },
  };
  const clf = value.is_classification;
  if (clf !== undefined && clf !== null) {
    if (typeof clf !== "boolean") throw fieldError(record, "is_classification", "expected true or false");
    task.isClassification = clf;
  }
  const constraints = optionalString(record, "constraints");
  if (constraints !== undefined) task.constraints = constraints.trim();
  return task;
}

/** Self-Instruct's `instances` list, or Alpaca's single `input`/`output` pair. */
function readInstances(record: InputRecord): SeedInstance[] {
  const raw = record.value.instances;
  if (raw === undefined || raw === null) {
    const output = optionalString(record, "output");
    if (output === undefined) return [];
    return [{ input: optionalString(record, "input")?.trim() ?? "", output: output.trim() }];
  }
  if (!Array.isArray(raw)) throw fieldError(record, "instances", "expected a list of {input, output}");
  return raw.map((item, i) => {
    const field = `instances.${i}`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw fieldError(record, field, "expected an object {input, output}");
    }
    const { input, output } = item as Record<string, unknown>;
    if (input !== undefined && input !== null && typeof input !== "string") {
      throw fieldError(record, `${field}.input`, "expected a string");
    }
    if (typeof output !== "string") throw fieldError(record, `${field}.output`, "expected a string");
    return { input: (input ?? "").trim(), output: output.trim() };
  });
}
