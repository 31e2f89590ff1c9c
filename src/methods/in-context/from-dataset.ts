/**
 * Dataset-to-instruction (DYNOSAUR, Yin et al., 2023). The model reads a dataset's metadata (name,
 * description, fields with a type guess, a few rows) and proposes tasks: an instruction, the input
 * fields and one output field. Invalid tasks are dropped with their reason. Then every row becomes an
 * instance of every valid task with no further model call, which is what makes the method cheap: the
 * cost is a few calls per dataset, whatever its size.
 *
 *   1. profile: one pass over the file (fields, types, row count, the first rows); bad data stops here
 *   2. propose: ceil(tasks / tasksPerCall) calls, alternating with and without the description as the
 *      paper's description-aware and -unaware prompts; each call shows its own seeded sample of rows
 *   3. validate, in call order: tasks.jsonl (valid) and dropped.jsonl (with the reason)
 *   4. expand: a second pass over the file, row by row, one instance per (row, valid task)
 */
import { join } from "node:path";
import { readRecords } from "../../data/index.js";
import type { PreparedCall, RunEngine } from "../../engine/engine.js";
import { generateObjects, type StructuredResult } from "../../engine/structured.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { ANSWER_CHOICES, answerChoices, PROPOSE, proposeMessage } from "../../prompts/from-dataset.js";
import { promptTag } from "../../prompts/prompt.js";
import { contentId } from "../../util/canonical.js";
import type { GenerationSettings } from "../responses/respond.js";
import { chatRequest } from "../shared/chat-request.js";
import { Draws } from "../shared/draws.js";
import { pinRecipe } from "../shared/recipe.js";
import { DropLog, RecordOutput } from "../shared/record-output.js";
import { SequenceOutput } from "../shared/sequence-output.js";
import { type StopReason, stopReasonOf } from "../shared/stop-reason.js";
import { instanceOf, type RowSkip } from "./dataset-instances.js";
import { type DatasetProfile, profileDataset, sampleExamples } from "./dataset-profile.js";
import {
  type DatasetTask,
  PROPOSAL_SCHEMA_NAME,
  type Proposal,
  proposalJsonSchema,
  proposalSchema,
  TaskValidator,
} from "./dataset-tasks.js";

export type DescriptionMode = "with" | "without" | "both";

export interface FromDatasetOptions {
  engine: RunEngine;
  model: LanguageModel;
  /** CSV, JSONL, JSON array or Parquet. */
  dataPath: string;
  /** Directory for tasks.jsonl, dropped.jsonl and instructions.jsonl. */
  outDir: string;
  description: string;
  /** Dataset name shown to the model; default: the file name without its extension. */
  name?: string;
  /** Tasks asked for in all (default 10). */
  tasks?: number;
  /** Tasks asked for per call (default 5). */
  tasksPerCall?: number;
  /** Example rows shown per call (default 3). */
  sampleRows?: number;
  /** Longest example value shown, in characters (default 500). */
  maxValueChars?: number;
  /** Whether calls show the description (default "both": alternating, as the paper's two prompts). */
  descriptionMode?: DescriptionMode;
  /** Append the allowed answers to instructions whose output field is label-like (default true). */
  answerChoices?: boolean;
  /** ROUGE-L F at or above which two tasks over the same fields are duplicates (default 0.7). */
  similarity?: number;
  generation?: GenerationSettings;
  /** A profile made beforehand (the CLI profiles before the run starts, so bad data costs nothing). */
  profile?: DatasetProfile;
  /** Counters updated as the run goes, for live progress. */
  stats?: FromDatasetStats;
}

export interface FromDatasetStats {
  calls: number;
  callsDone: number;
  rows: number;
  rowsExpanded: number;
}

export interface TaskFigures {
  task_id: string;
  output_field: string;
  instances: number;
  /** Rows skipped for this task, by why. */
  skipped: Record<RowSkip, number>;
}

export interface FromDatasetResult {
  /** Why the proposals stopped early; no instances are made then (a re-run finishes). */
  stop?: StopReason;
  dataset: { file: string; name: string; rows: number; fields: string[] };
  calls: number;
  tasks: { asked: number; proposed: number; valid: number; dropped: Record<string, number> };
  /** Replies that were not valid JSON for the schema even after the repair round. */
  invalidReplies: number;
  instances: { written: number; alreadyThere: number; total: number; rowsSkipped: number };
  perTask: TaskFigures[];
  files: { tasks: string; dropped: string; instructions: string };
}

export interface TaskRecord extends DatasetTask {
  /** The output field's few values, appended to the instruction of each instance. */
  answer_choices?: string[];
  meta: Record<string, unknown>;
}

export interface InstanceRecord {
  id: string;
  instruction: string;
  input: string;
  output: string;
  meta: Record<string, unknown>;
}

interface PlannedCall {
  index: number;
  count: number;
  withDescription: boolean;
  exampleRows: number[];
  call: PreparedCall;
}

const METHOD = "from-dataset";

export async function fromDataset(options: FromDatasetOptions): Promise<FromDatasetResult> {
  const { engine, model, dataPath, outDir } = options;
  const asked = options.tasks ?? 10;
  const stats = options.stats ?? { calls: 0, callsDone: 0, rows: 0, rowsExpanded: 0 };
  const profile =
    options.profile ??
    (await profileDataset(dataPath, { name: options.name, maxValueChars: options.maxValueChars ?? 500 }));
  stats.rows = profile.rows;
  const plan = planCalls(options, profile, asked);
  stats.calls = plan.length;

  // What decides the tasks; `--tasks` only says how many calls, so raising it continues the run.
  pinRecipe(engine.runDir, "from-dataset", {
    dataset: { name: profile.name, rows: profile.rows, fields: profile.fields.map((f) => f.name) },
    description: options.description,
    tasksPerCall: options.tasksPerCall ?? 5,
    sampleRows: options.sampleRows ?? 3,
    maxValueChars: options.maxValueChars ?? 500,
    descriptionMode: options.descriptionMode ?? "both",
    answerChoices: options.answerChoices ?? true,
    similarity: options.similarity ?? 0.7,
    generation: options.generation ?? {},
    rngSeed: engine.rng.seed,
    model: model.id,
  });
  const files = {
    tasks: join(outDir, "tasks.jsonl"),
    dropped: join(outDir, "dropped.jsonl"),
    instructions: join(outDir, "instructions.jsonl"),
  };
  const events = engine.runDir.events;
  const taskOut = await RecordOutput.open<TaskRecord>(files.tasks, events);
  const drops = await DropLog.open(files.dropped, events);
  const result: FromDatasetResult = {
    dataset: {
      file: dataPath,
      name: profile.name,
      rows: profile.rows,
      fields: profile.fields.map((f) => f.name),
    },
    calls: plan.length,
    tasks: { asked, proposed: 0, valid: 0, dropped: drops.byReason },
    invalidReplies: 0,
    instances: { written: 0, alreadyThere: 0, total: 0, rowsSkipped: 0 },
    perTask: [],
    files,
  };
  try {
    const replies = await Promise.allSettled(
      plan.map(async (p) => {
        const request = { request: p.call.request, schema: proposalSchema, name: PROPOSAL_SCHEMA_NAME };
        const [reply] = await generateObjects(engine, model, request, 1, p.call.firstSample ?? 0);
        stats.callsDone++;
        return reply as StructuredResult<Proposal>;
      }),
    );
    // Validated in call order, whatever order the replies came in: which of two duplicates is kept
    // must not change on a re-run. A failed call ends the step there; later replies wait in the cache.
    const validator = new TaskValidator(result.dataset.fields, options.similarity ?? 0.7);
    const tasks: TaskRecord[] = [];
    for (const [i, settled] of replies.entries()) {
      if (settled.status === "rejected") {
        result.stop = stopReasonOf(settled.reason);
        break;
      }
      const p = plan[i] as PlannedCall;
      const meta = callMeta(p, model);
      const reply = settled.value;
      if (!reply.ok) {
        result.invalidReplies++;
        const id = contentId({ call: p.call.keys[0] });
        drops.drop({ id, reason: "invalid-reply", detail: reply.error, reply: reply.text, meta });
        continue;
      }
      for (const [position, proposed] of reply.value.tasks.entries()) {
        result.tasks.proposed++;
        const id = contentId({ call: p.call.keys[0], position });
        if (position >= p.count) {
          const detail = `the call asked for ${p.count} task(s)`;
          drops.drop({ id, reason: "surplus", detail, task: proposed, meta: { ...meta, position } });
          continue;
        }
        const verdict = validator.check(proposed);
        if (!verdict.ok) {
          drops.drop({
            id,
            reason: verdict.reason,
            detail: verdict.detail,
            task: proposed,
            meta: { ...meta, position },
          });
          continue;
        }
        const task = taskRecord(verdict.task, profile, options, { ...meta, position });
        tasks.push(task);
        taskOut.write(task);
      }
    }
    result.tasks.valid = tasks.length;
    if (!result.stop && tasks.length > 0) await expand(options, profile, tasks, result, stats);
  } finally {
    taskOut.close();
    drops.close();
  }
  return result;
}

/** The proposal calls, prepared in a fixed order (so a re-run asks the same calls in the same order). */
function planCalls(options: FromDatasetOptions, profile: DatasetProfile, asked: number): PlannedCall[] {
  const perCall = options.tasksPerCall ?? 5;
  const mode = options.descriptionMode ?? "both";
  const description = options.description.trim();
  const draws = new Draws(options.engine);
  const plan: PlannedCall[] = [];
  for (let index = 0; index * perCall < asked; index++) {
    const count = Math.min(perCall, asked - index * perCall);
    const withDescription = description !== "" && (mode === "with" || (mode === "both" && index % 2 === 0));
    const rng = options.engine.rng.fork(`${METHOD}/examples/${index}`);
    const examples = sampleExamples(profile, rng, options.sampleRows ?? 3);
    const card = {
      name: profile.name,
      description: withDescription ? description : undefined,
      rows: profile.rows,
      fields: profile.fields,
      examples: examples.map((e) => e.value),
    };
    const request = chatRequest(proposeMessage(card, count), options.generation ?? {});
    // Two calls can come out identical (same rows drawn, no description): Draws makes each its own sample.
    const call = draws.prepare(options.model, { ...request, jsonSchema: proposalJsonSchema });
    plan.push({ index, count, withDescription, exampleRows: examples.map((e) => e.row), call });
  }
  return plan;
}

function callMeta(p: PlannedCall, model: LanguageModel): Record<string, unknown> {
  return {
    method: METHOD,
    step: "propose",
    call: p.index,
    description_shown: p.withDescription,
    example_rows: p.exampleRows,
    model: model.modelName,
    prompts: [promptTag(PROPOSE)],
    call_key: p.call.keys[0],
  };
}

function taskRecord(
  task: DatasetTask,
  profile: DatasetProfile,
  options: FromDatasetOptions,
  meta: Record<string, unknown>,
): TaskRecord {
  const values = profile.fields.find((f) => f.name === task.output_field)?.values;
  const choices = values && options.answerChoices !== false ? { answer_choices: values } : {};
  return { ...task, ...choices, meta: { ...meta, dataset: profile.name, source_file: profile.file } };
}

/** Every row into an instance of every valid task; no model calls. Rows in file order, tasks in order. */
async function expand(
  options: FromDatasetOptions,
  profile: DatasetProfile,
  tasks: readonly TaskRecord[],
  result: FromDatasetResult,
  stats: FromDatasetStats,
): Promise<void> {
  const out = SequenceOutput.open<InstanceRecord>(result.files.instructions, options.engine.runDir.events);
  const figures = tasks.map(
    (task): TaskFigures => ({
      task_id: task.id,
      output_field: task.output_field,
      instances: 0,
      skipped: { "empty-input": 0, "empty-output": 0 },
    }),
  );
  const shared = tasks.map((task) => ({
    instruction: task.answer_choices
      ? `${task.instruction} ${answerChoices(task.answer_choices)}`
      : task.instruction,
    prompts: task.answer_choices ? [promptTag(PROPOSE), promptTag(ANSWER_CHOICES)] : [promptTag(PROPOSE)],
  }));
  const modelName = options.model.modelName;
  try {
    for await (const record of readRecords(options.dataPath)) {
      for (const [t, task] of tasks.entries()) {
        const figure = figures[t] as TaskFigures;
        const instance = instanceOf(task, record.value);
        if (!instance.ok) {
          figure.skipped[instance.skip]++;
          result.instances.rowsSkipped++;
          continue;
        }
        figure.instances++;
        const { input, output } = instance;
        const { instruction, prompts } = shared[t] as (typeof shared)[number];
        await out.write({
          id: contentId({ task: task.id, row: record.index, input, output }),
          instruction,
          input,
          output,
          meta: {
            method: METHOD,
            step: "expand",
            task_id: task.id,
            row: record.index + 1,
            line: record.line,
            source_file: profile.file,
            dataset: profile.name,
            model: modelName,
            prompts,
          },
        });
      }
      stats.rowsExpanded++;
    }
  } finally {
    out.close();
    result.instances.written = out.written;
    result.instances.alreadyThere = out.alreadyThere;
    result.instances.total = out.written + out.alreadyThere;
    result.perTask = figures;
  }
}
