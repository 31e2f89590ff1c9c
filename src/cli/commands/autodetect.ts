import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import {
  AUTODETECT_DEFAULTS,
  type AutodetectStats,
  autodetect,
  newAutodetectStats,
} from "../../methods/feedback/autodetect.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { addGenerationOptions, int, num, parseGenerationSettings, positiveInt } from "../options.js";
import { addRoleOptions, roleConfig } from "../roles.js";

const D = AUTODETECT_DEFAULTS;

function threshold(value: string): number {
  const n = num(value);
  if (n <= 1 || n > 10)
    throw new InvalidArgumentError(`expected a score above 1 and at most 10, got "${value}"`);
  return n;
}

function count(value: string): number {
  const n = int(value);
  if (n < 0) throw new InvalidArgumentError(`expected 0 or more, got "${value}"`);
  return n;
}

export function autodetectCommand(): Command {
  const cmd = new Command("autodetect")
    .description(
      "AutoDetect: the teacher (--model) maps a task into test points, writes hard questions, scores the student's answers, and digs into the weak points; their failures with the teacher's answers become SFT data",
    )
    .requiredOption("--task <text>", "the task to test the student on, in a sentence or a few")
    .option(
      "--rounds <r>",
      "rounds: the first tests every point, each later one deepens the weak points",
      positiveInt,
      D.rounds,
    )
    .option("--categories <n>", "categories of the Examiner's taxonomy", positiveInt, D.categories)
    .option("--points-per-category <n>", "test points per category", positiveInt, D.pointsPerCategory)
    .option("--questions-per-point <q>", "questions per point and round", positiveInt, D.questionsPerPoint)
    .option(
      "--sub-points <n>",
      "new sub-points the Examiner proposes under each weak point per round",
      count,
      D.subPoints,
    )
    .option(
      "--weak-threshold <t>",
      "a point whose mean score (1-10) in a round is below this is weak",
      threshold,
      D.weakThreshold,
    );
  addRoleOptions(cmd, "student", "model under test");
  cmd
    .option(
      "--student-temperature <t>",
      "sampling temperature of the student's answers",
      num,
      D.student.temperature,
    )
    .option("--student-top-p <p>", "nucleus sampling of the student's answers", num, D.student.topP)
    .option(
      "--student-max-tokens <n>",
      "token limit of the student's answers",
      positiveInt,
      D.student.maxTokens,
    );
  addGenerationOptions(cmd, { temperature: D.teacher.temperature, maxTokens: D.teacher.maxTokens });
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
--temperature and --top-p apply to the Examiner and the Questioner (the reference answers and the
Assessor are greedy); --max-output-tokens to every teacher call; --system and --stop to the answers
(the student's and the teacher's reference); --sampling-seed to every call. Writes <out>/taxonomy.json
(categories, points and sub-points with their mean scores per round), <out>/questions.jsonl (every
question with the student's answer, the reference, score and reason), <out>/weaknesses.json (the weak
points, their means and example failures), <out>/sft.jsonl (failed questions of weak points with the
teacher's reference answers), <out>/dropped.jsonl and <out>/summary.json (figures per round).`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runAutodetect(opts);
  });
  return cmd;
}

export async function runAutodetect(opts: Record<string, unknown>): Promise<number> {
  const task = String(opts.task).trim();
  if (task === "") throw new Error("--task is empty");
  const g = parseGenerationSettings(opts);
  const answers = { system: g.system, stop: g.stop, seed: g.seed };
  const settings = {
    rounds: opts.rounds as number,
    categories: opts.categories as number,
    pointsPerCategory: opts.pointsPerCategory as number,
    questionsPerPoint: opts.questionsPerPoint as number,
    subPoints: opts.subPoints as number,
    weakThreshold: opts.weakThreshold as number,
    teacher: { temperature: g.temperature, topP: g.topP, maxTokens: g.maxTokens, seed: g.seed },
    reference: { ...D.reference, maxTokens: g.maxTokens, ...answers },
    assessor: { ...D.assessor, maxTokens: g.maxTokens, seed: g.seed },
    student: {
      temperature: opts.studentTemperature as number,
      topP: opts.studentTopP as number | undefined,
      maxTokens: opts.studentMaxTokens as number,
      ...answers,
    },
  };
  const config = { task, ...settings, studentModel: opts.studentModel };
  return runMethodCommand(
    "autodetect",
    opts,
    config,
    async ({ engine, model, extraModels, outDir, progress }) => {
      const stats = newAutodetectStats();
      progress("autodetect", () => ({ done: stats.perRound.reduce((n, r) => n + r.scored, 0), failed: 0 }));
      await autodetect({
        engine,
        model,
        studentModel: extraModels[0] ?? model,
        task,
        outDir,
        ...settings,
        stats,
      });
      const { stoppedBy, ...figures } = stats;
      const files = ["taxonomy.json", "questions.jsonl", "weaknesses.json", "sft.jsonl", "dropped.jsonl"];
      const result = {
        ...figures,
        files: Object.fromEntries(files.map((f) => [f.split(".")[0], resolve(outDir, f)])),
      };
      return methodOutcome(stoppedBy, result, headline(stats));
    },
    {
      extraModels: (main) => {
        const c = roleConfig(main, opts, "student");
        return c ? [c] : [];
      },
    },
  );
}

function headline(s: AutodetectStats): string {
  const mean = s.meanScore === null ? "-" : s.meanScore.toFixed(1);
  let line = `${s.completedRounds} of ${s.rounds} rounds: ${s.points} test points (${s.subPoints} sub-points), ${s.scored} questions scored (mean ${mean}); ${s.weakPoints} weak points, ${s.sft} SFT examples`;
  if (s.endedEarly) line += ` (${s.endedEarly})`;
  if (s.alreadyWritten.questions) line += `; ${s.alreadyWritten.questions} questions already written`;
  return line;
}
