import { resolve } from "node:path";
import { Command } from "commander";
import { createChecker } from "../../methods/feedback/checkers.js";
import {
  LLM2LLM_DEFAULTS,
  type Llm2LlmStats,
  llm2llm,
  newLlm2LlmStats,
} from "../../methods/feedback/llm2llm.js";
import { addExamOptions, parseExamOptions, studentModel } from "../exam-options.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { addGenerationOptions, parseGenerationSettings, positiveInt } from "../options.js";

const D = LLM2LLM_DEFAULTS;

export function llm2llmCommand(): Command {
  const cmd = new Command("llm2llm")
    .description(
      "LLM2LLM: the student answers the training set, a checker finds its mistakes, and the teacher (--model) writes new examples like each failed seed; repeat",
    )
    .requiredOption("--train <file>", "labelled seed data: JSONL, JSON, CSV or Parquet")
    .requiredOption("--iterations <n>", "iterations of exam and augmentation", positiveInt)
    .requiredOption("--per-error <k>", "new examples the teacher writes per failed seed", positiveInt)
    .option(
      "--student-cmd <cmd>",
      "shell command that updates the student between iterations (env: SELFALIGN_ITERATION, SELFALIGN_TRAIN_FILE)",
    );
  addExamOptions(cmd, {
    what: "the model being taught",
    temperature: D.studentGeneration.temperature ?? 0,
    maxTokens: D.studentGeneration.maxTokens ?? 1024,
  });
  addGenerationOptions(cmd, {
    temperature: D.teacherGeneration.temperature,
    maxTokens: D.teacherGeneration.maxTokens,
  });
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
--model is the teacher; --temperature, --top-p, --max-output-tokens, --stop, --sampling-seed and
--system apply to its calls. Writes <out>/train-<i>.jsonl (the set iteration i asked the student),
<out>/final.jsonl (seeds and every added example, after the last iteration), <out>/answers.jsonl
(every graded answer), <out>/added.jsonl (new examples with their parent seed), <out>/dropped.jsonl
and <out>/summary.json (accuracy, failures and examples added per iteration).`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runLlm2llm(opts);
  });
  return cmd;
}

export async function runLlm2llm(opts: Record<string, unknown>): Promise<number> {
  // Read before the model loads: a bad training file should cost nothing.
  const { trainPath, examples: seeds, checker: checkerSpec, rubric, student } = await parseExamOptions(opts);
  const settings = {
    iterations: opts.iterations as number,
    perError: opts.perError as number,
    teacherGeneration: parseGenerationSettings(opts),
    studentGeneration: student,
    studentCommand: opts.studentCmd as string | undefined,
  };
  const config = { train: trainPath, checker: String(opts.checker), rubric, ...settings };
  return runMethodCommand(
    "llm2llm",
    opts,
    config,
    async ({ engine, model, extraModels, outDir, progress }) => {
      const student = extraModels[0] ?? model;
      const checker = createChecker(checkerSpec, { engine, model, rubric });
      const stats = newLlm2LlmStats();
      progress("llm2llm", () => ({ done: stats.completedIterations, total: settings.iterations, failed: 0 }));
      await llm2llm({
        engine,
        teacher: model,
        student,
        checker,
        seeds,
        outDir,
        ...settings,
        recipeExtras: rubric === undefined ? {} : { rubric },
        stats,
      });
      const { stoppedBy, ...figures } = stats;
      const result = {
        teacher: model.modelName,
        student: student.modelName,
        ...figures,
        files: {
          answers: resolve(outDir, "answers.jsonl"),
          added: resolve(outDir, "added.jsonl"),
          final: resolve(outDir, "final.jsonl"),
          dropped: resolve(outDir, "dropped.jsonl"),
        },
      };
      return methodOutcome(stoppedBy, result, headline(stats));
    },
    {
      extraModels: studentModel(opts),
    },
  );
}

function headline(s: Llm2LlmStats): string {
  const parts = s.perIteration.map(
    (it) => `${it.iteration}: seeds ${pct(it.seeds.accuracy)}, all ${pct(it.all.accuracy)}, +${it.added}`,
  );
  let line = `${s.completedIterations} of ${s.iterations} iterations over ${s.seeds} seeds (${parts.join("; ")})`;
  if (s.finalSet > 0) line += `; final set ${s.finalSet}`;
  if (s.alreadyWritten.answers) line += `; ${s.alreadyWritten.answers} answers already written`;
  return line;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
