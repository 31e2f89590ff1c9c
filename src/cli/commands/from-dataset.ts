import { resolve } from "node:path";
import { Command, Option } from "commander";
import { formatFromPath } from "../../data/read-records.js";
import { profileDataset } from "../../methods/in-context/dataset-profile.js";
import {
  type DescriptionMode,
  type FromDatasetResult,
  type FromDatasetStats,
  fromDataset,
} from "../../methods/in-context/from-dataset.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { addGenerationOptions, int, num, parseGenerationSettings, positiveInt } from "../options.js";

export function fromDatasetCommand(): Command {
  const cmd = new Command("from-dataset")
    .description(
      "dataset-to-instruction (DYNOSAUR): the model proposes tasks from a dataset's metadata, then every row becomes an instance with no further call",
    )
    .requiredOption("--data <file>", "the dataset: .csv, .jsonl/.ndjson, .json (array) or .parquet, streamed")
    .requiredOption("--description <text>", "what the dataset holds, in a sentence or two")
    .option("--tasks <k>", "tasks to ask for in all", positiveInt, 10)
    .option("--name <text>", "dataset name shown to the model (default: the file name)")
    .option("--tasks-per-call <n>", "tasks asked per call (the paper: up to 3)", positiveInt, 5)
    .option("--sample-rows <n>", "example rows shown per call, drawn from the first 100 rows", int, 3)
    .option("--max-value-chars <n>", "example values longer than this are cut short", positiveInt, 500)
    .addOption(
      new Option(
        "--description-mode <mode>",
        "calls that show the description: all, none, or every other one (the paper's two prompts)",
      )
        .choices(["with", "without", "both"])
        .default("both"),
    )
    .option(
      "--no-answer-choices",
      "do not append the allowed answers to tasks with a label-like output field",
    )
    .option(
      "--similarity <f>",
      "tasks over the same fields with instruction ROUGE-L F >= this are duplicates",
      num,
      0.7,
    );
  addGenerationOptions(cmd);
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Writes <out>/tasks.jsonl (the valid tasks), <out>/dropped.jsonl (invalid tasks, each with its reason),
<out>/instructions.jsonl (one record per row and task: id, instruction, input, output, meta) and
<out>/summary.json. Model calls: ceil(tasks / tasks-per-call), plus a repair call for an invalid reply.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runFromDataset(opts);
  });
  return cmd;
}

export async function runFromDataset(opts: Record<string, unknown>): Promise<number> {
  const dataPath = resolve(String(opts.data));
  if (formatFromPath(dataPath) === undefined) {
    throw new Error(
      `${dataPath}: cannot tell the format from the extension: use .csv, .jsonl, .json or .parquet`,
    );
  }
  const sampleRows = opts.sampleRows as number;
  if (sampleRows < 0) throw new Error("--sample-rows must be 0 or more");
  const similarity = opts.similarity as number;
  if (!(similarity > 0 && similarity <= 1)) throw new Error("--similarity must be in (0, 1]");
  const maxValueChars = opts.maxValueChars as number;
  const name = opts.name as string | undefined;
  // A full pass before the model loads and the run directory exists: bad data should cost nothing.
  const profile = await profileDataset(dataPath, { name, maxValueChars });
  const generation = parseGenerationSettings(opts);
  const settings = {
    description: String(opts.description),
    name,
    tasks: opts.tasks as number,
    tasksPerCall: opts.tasksPerCall as number,
    sampleRows,
    maxValueChars,
    descriptionMode: opts.descriptionMode as DescriptionMode,
    answerChoices: opts.answerChoices as boolean,
    similarity,
    generation,
  };
  const config = { data: dataPath, ...settings };
  return runMethodCommand("from-dataset", opts, config, async ({ engine, model, outDir, progress }) => {
    const stats: FromDatasetStats = { calls: 0, callsDone: 0, rows: profile.rows, rowsExpanded: 0 };
    // One figure for both steps: calls finished, then rows expanded.
    progress("from-dataset", () => ({
      done: stats.callsDone + stats.rowsExpanded,
      total: stats.calls + stats.rows,
      failed: 0,
    }));
    const result = await fromDataset({ engine, model, dataPath, outDir, profile, stats, ...settings });
    const { stop, ...figures } = result;
    return methodOutcome(stop, figures, headline(result));
  });
}

function headline(r: FromDatasetResult): string {
  const dropped = Object.values(r.tasks.dropped).reduce((a, b) => a + b, 0);
  let line = `${r.tasks.valid} valid tasks of ${r.tasks.proposed} proposed`;
  if (dropped) line += ` (${dropped} dropped, see dropped.jsonl)`;
  if (r.stop) return `${line}; no instances made yet`;
  line += `; ${r.instances.total} instances from ${r.dataset.rows} rows in ${r.files.instructions}`;
  if (r.instances.alreadyThere) line += ` (${r.instances.alreadyThere} already there)`;
  if (r.instances.rowsSkipped) line += `, ${r.instances.rowsSkipped} row-task pairs skipped for empty values`;
  return line;
}
