/**
 * Options of the commands that examine a student on a labelled set (llm2llm, learn-from-errors): the
 * fields of the set, the checker, the student model and its sampling. Parsed before any model loads, so
 * a bad training file or checker costs nothing.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import type { ResolvedModelConfig } from "../llm/resolve-model.js";
import { type CheckerSpec, parseCheckerSpec } from "../methods/feedback/checkers.js";
import { type LabelledExample, readLabelled } from "../methods/feedback/exam.js";
import type { GenerationSettings } from "../methods/responses/respond.js";
import { num, positiveInt } from "./options.js";
import { addRoleOptions, roleConfig } from "./roles.js";

export function addExamOptions(
  cmd: Command,
  student: { what: string; temperature: number; maxTokens: number },
): Command {
  cmd
    .option(
      "--checker <spec>",
      "how answers are graded: exact, regex[:PATTERN], numeric[:TOL], choice or judge (the teacher)",
      "exact",
    )
    .option("--rubric <text>", "what the judge checker counts as correct (with --checker judge)")
    .option("--question-field <name>", "field holding the question or instruction", "instruction")
    .option("--input-field <name>", "optional field appended to the question", "input")
    .option("--answer-field <name>", "field holding the reference answer", "output")
    .option(
      "--student-temperature <t>",
      "sampling temperature of the student's answers",
      num,
      student.temperature,
    )
    .option(
      "--student-max-output-tokens <n>",
      "token limit of the student's answers",
      positiveInt,
      student.maxTokens,
    )
    .option("--student-system <text>", "system message before every question the student answers");
  return addRoleOptions(cmd, "student", student.what);
}

export interface ExamSetup {
  trainPath: string;
  examples: LabelledExample[];
  checker: CheckerSpec;
  rubric: string | undefined;
  student: GenerationSettings;
}

/** Reads the labelled set and checks the checker options; call before the models load. */
export async function parseExamOptions(opts: Record<string, unknown>): Promise<ExamSetup> {
  const trainPath = resolve(String(opts.train));
  const checker = parseCheckerSpec(String(opts.checker));
  const rubric = opts.rubric as string | undefined;
  if (rubric !== undefined && checker.kind !== "judge") throw new Error("--rubric needs --checker judge");
  const examples = await readLabelled(trainPath, {
    questionField: String(opts.questionField),
    inputField: String(opts.inputField),
    answerField: String(opts.answerField),
  });
  const student: GenerationSettings = {
    temperature: opts.studentTemperature as number,
    maxTokens: opts.studentMaxOutputTokens as number,
    system: opts.studentSystem as string | undefined,
  };
  return { trainPath, examples, checker, rubric, student };
}

/** The student as an extra model of the run (none when it is the teacher). */
export function studentModel(opts: Record<string, unknown>) {
  return (main: ResolvedModelConfig): ResolvedModelConfig[] => {
    const student = roleConfig(main, opts, "student");
    return student ? [student] : [];
  };
}
