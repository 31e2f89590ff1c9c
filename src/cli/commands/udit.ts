import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { type UditSummary, udit } from "../../methods/backtranslation/udit.js";
import { UDIT_TASKS, type UditTask } from "../../methods/backtranslation/udit-passage.js";
import { addCorpusOptions, parseCorpusOptions } from "../corpus-options.js";
import { int, positiveInt } from "../options.js";

function taskList(value: string): UditTask[] {
  const tasks = value
    .split(",")
    .map((task) => task.trim())
    .filter((task) => task !== "");
  for (const task of tasks) {
    if (!(UDIT_TASKS as readonly string[]).includes(task)) {
      throw new InvalidArgumentError(`unknown task "${task}" (tasks: ${UDIT_TASKS.join(", ")})`);
    }
  }
  if (tasks.length === 0) throw new InvalidArgumentError("no task given");
  return tasks as UditTask[];
}

export function uditCommand(): Command {
  const cmd = new Command("udit")
    .description(
      "UDIT: pseudo-labelled instruction examples from plain text by rules, no model (title/lead summaries, cloze, sentence ordering, next sentence, tf-idf keywords)",
    )
    .requiredOption(
      "--out <dir>",
      "output directory (instructions.jsonl, dropped.jsonl, summary.json; replaced)",
    )
    .option("--tasks <list>", `comma-separated tasks (default all: ${UDIT_TASKS.join(",")})`, taskList)
    .option("--seed <n>", "seed of every random choice (spans, windows, distractors, templates)", int, 0)
    .option(
      "--per-passage <n>",
      "most examples of one task from one passage (summary and keywords make one at most)",
      positiveInt,
      1,
    );
  addCorpusOptions(cmd, "passage");
  cmd.addHelpText(
    "after",
    `
Writes <out>/instructions.jsonl (id, task, instruction, input, output, template, source, passage_id,
meta), <out>/dropped.jsonl (passages and tasks that could not be built, with reason and detail) and
<out>/summary.json. No model is called; the same corpus, options and --seed give the same files.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    const summary = await udit({
      corpus: resolve(String(opts.corpus)),
      outDir: resolve(String(opts.out)),
      tasks: opts.tasks as UditTask[] | undefined,
      seed: opts.seed as number,
      perPassage: opts.perPassage as number,
      corpusOptions: parseCorpusOptions(opts, "passage"),
    });
    process.stderr.write(`${headline(summary)}\n`);
  });
  return cmd;
}

/** One line for people and log scrapers: examples by task, drops, skipped files. */
export function headline(s: UditSummary): string {
  const byTask = s.tasks.map((task) => `${task} ${s.examples.byTask[task] ?? 0}`).join(", ");
  const languages = Object.entries(s.examples.byLanguage)
    .map(([lang, n]) => `${lang} ${n}`)
    .join(", ");
  let line = `udit: ${s.examples.total} examples (${byTask}${languages ? `; ${languages}` : ""}) from ${s.passages.used} passages`;
  if (s.dropped.total > 0) line += `; ${s.dropped.total} dropped (see dropped.jsonl)`;
  if (s.skipped.length > 0) line += `; ${s.skipped.length} file(s) skipped (see summary.json)`;
  return line;
}
