import { resolve } from "node:path";
import { Command } from "commander";
import { createChecker } from "../../methods/feedback/checkers.js";
import {
  LEARN_FROM_ERRORS_DEFAULTS,
  type LearnFromErrorsStats,
  learnFromErrors,
  newLearnFromErrorsStats,
} from "../../methods/feedback/learn-from-errors.js";
import { addExamOptions, parseExamOptions, studentModel } from "../exam-options.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { addGenerationOptions, num, parseGenerationSettings, positiveInt } from "../options.js";

const D = LEARN_FROM_ERRORS_DEFAULTS;

export function learnFromErrorsCommand(): Command {
  const cmd = new Command("learn-from-errors")
    .description(
      "Learning from errors (LLMs-as-Instructors): a student answers a labelled set, the teacher (--model) analyses its failures, groups them into weaknesses and writes K targeted examples per weakness",
    )
    .requiredOption(
      "--train <file>",
      "labelled set: JSONL, JSON array, CSV or Parquet with question and answer fields",
    )
    .option(
      "--contrast",
      "analyse each failure beside the correctly answered example with the most similar question (ROUGE-L)",
    )
    .option("--per-weakness <k>", "new examples asked per weakness", positiveInt, D.perWeakness)
    .option(
      "--group-chunk <n>",
      "analyses per grouping call (larger sets: chunks merged by name)",
      positiveInt,
      D.groupChunk,
    )
    .option(
      "--analysis-temperature <t>",
      "sampling temperature of the analysis and grouping calls",
      num,
      D.analysis.temperature,
    );
  addExamOptions(cmd, {
    what: "model that takes the exam",
    temperature: D.exam.temperature ?? 0,
    maxTokens: D.exam.maxTokens ?? 1024,
  });
  addGenerationOptions(cmd, { temperature: D.writing.temperature, maxTokens: D.writing.maxTokens });
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
--model is the teacher; --temperature applies to its writing calls (--analysis-temperature to its
analyses and groupings), --top-p, --max-output-tokens, --stop, --sampling-seed and --system to all its
calls. Writes <out>/answers.jsonl (the student's answers with verdicts), <out>/analyses.jsonl (one analysis per
failure, with its contrast pair under --contrast), <out>/weaknesses.json (weaknesses with their failure
ids; every failure in exactly one), <out>/examples.jsonl (question, answer, weakness, failure_ids, meta),
<out>/dropped.jsonl and <out>/summary.json.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runLearnFromErrors(opts);
  });
  return cmd;
}

export async function runLearnFromErrors(opts: Record<string, unknown>): Promise<number> {
  // Read before the model loads: a bad training file should cost nothing.
  const { trainPath, examples, checker: spec, rubric, student } = await parseExamOptions(opts);
  const teacher = parseGenerationSettings(opts);
  const settings = {
    contrast: opts.contrast === true,
    perWeakness: opts.perWeakness as number,
    groupChunk: opts.groupChunk as number,
    exam: student,
    analysis: { ...teacher, temperature: opts.analysisTemperature as number },
    writing: teacher,
  };
  const config = {
    train: trainPath,
    checker: opts.checker,
    rubric,
    ...settings,
    studentModel: opts.studentModel,
  };
  return runMethodCommand(
    "learn-from-errors",
    opts,
    config,
    async ({ engine, model, extraModels, outDir, progress }) => {
      const student = extraModels[0] ?? model;
      const checker = createChecker(spec, { engine, model, rubric });
      const stats = newLearnFromErrorsStats();
      progress("learn-from-errors", () => ({
        done: stats.answered + stats.analysed + stats.weaknessesWritten,
        total: examples.length + stats.failures + stats.weaknesses,
        failed: 0,
      }));
      await learnFromErrors({
        engine,
        teacher: model,
        student,
        checker,
        examples,
        outDir,
        ...settings,
        stats,
      });
      const { stoppedBy, ...figures } = stats;
      const result = {
        teacher: model.modelName,
        student: student.modelName,
        ...figures,
        files: Object.fromEntries(
          ["answers.jsonl", "analyses.jsonl", "weaknesses.json", "examples.jsonl", "dropped.jsonl"].map(
            (f) => [f.replace(/\..*$/, ""), resolve(outDir, f)],
          ),
        ),
      };
      return methodOutcome(stoppedBy, result, headline(stats));
    },
    {
      extraModels: studentModel(opts),
    },
  );
}

function headline(s: LearnFromErrorsStats): string {
  let line = `${s.failures} of ${s.answered} answers wrong, ${s.analysed} analysed, ${s.weaknesses} weaknesses, ${s.generated} new examples`;
  if (s.paired + s.unpaired > 0) line += ` (${s.paired} contrast pairs, ${s.unpaired} failures without one)`;
  const dropped = Object.entries(s.dropped)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  if (dropped) line += `; dropped: ${dropped}`;
  if (s.short > 0) line += `; ${s.short} short of --per-weakness`;
  if (s.alreadyWritten) line += `; ${s.alreadyWritten} records already written`;
  return line;
}
