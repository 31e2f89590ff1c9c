/**
 * A scripted teacher and student for `selfalign autodetect` tests, and their fixture. Both models sit on
 * one server; a request is the student's when its `model` is STUDENT. The teacher's replies follow the
 * schema name of the request:
 *  - taxonomy: Arithmetic [Addition, Fractions, Extra] and Logic [Syllogisms, Negation] (Extra is one
 *    point more than the tests ask for, so it is cut);
 *  - questions: "[<point>] question <i>" (initial) or "[<point>] harder question <i> after <k>" (follow-up,
 *    k = earlier questions shown); Syllogisms' last question repeats Addition's first in other case;
 *  - sub_points: "<point> detail <i>";
 *  - assessment: 3 for an answer that starts with "WRONG", else 8;
 *  - no schema: the reference answer, "Reference answer to: <question>".
 * The student answers "WRONG answer to: ..." where `studentFails` says so, else "Right answer to: ...".
 * With --questions-per-point 3 and --weak-threshold 6, round 1 scores Addition 8, 8, 3 (strong, one
 * failure), Fractions 3, 3, 3 (weak), Syllogisms 8, 8 (strong; the third question is a duplicate),
 * Negation 3, 8, 3 (weak); in round 2 every follow-up fails, "... detail 1" sub-points are weak and
 * "... detail 2" ones strong.
 */
import { join } from "node:path";
import { tempDir } from "./cli.js";
import { type Cleanup, MODEL, removeDir, serverArgs } from "./respond-e2e.js";
import { type ReplyContext, type ScriptedServer, startScriptedServer } from "./scripted-server.js";

export const TEACHER = MODEL;
export const STUDENT = "student-model";
export const TASK = "Solve short arithmetic and logic puzzles stated in English.";

export const TAXONOMY = {
  categories: [
    {
      name: "Arithmetic",
      points: [
        { name: "Addition", description: "Adding whole numbers." },
        { name: "Fractions", description: "Working with fractions." },
        { name: "Extra", description: "One point too many." },
      ],
    },
    {
      name: "Logic",
      points: [
        { name: "Syllogisms", description: "Two premises, one conclusion." },
        { name: "Negation", description: "Statements with not." },
      ],
    },
  ],
};

export function studentFails(question: string): boolean {
  if (question.includes("detail 2")) return false;
  if (question.includes("Fractions")) return true;
  if (question.includes("Negation")) return question.includes("harder") || /question [13]\b/.test(question);
  return question === "[Addition] question 3";
}

export const referenceOf = (question: string) => `Reference answer to: ${question}`;
export const studentAnswerOf = (question: string) =>
  `${studentFails(question) ? "WRONG" : "Right"} answer to: ${question}`;

/** The text between `<<<` and `>>>` after `label` in a prompt. */
function block(input: string, label: string): string {
  const at = input.indexOf(`${label}\n<<<\n`);
  if (at < 0) return "";
  const start = at + label.length + 5;
  return input.slice(start, input.indexOf("\n>>>", start));
}

export function schemaName(body: unknown): string | undefined {
  const format = (body as { response_format?: { json_schema?: { name?: string } } }).response_format;
  return format?.json_schema?.name;
}

export function modelOf(body: unknown): string {
  return (body as { model: string }).model;
}

/** The last element of the "Test point: a > b > c" line of a prompt. */
export function pointOf(input: string): string {
  const line = /^Test point: (.*)$/m.exec(input)?.[1] ?? "";
  return line.split(" > ").at(-1) ?? "";
}

function count(input: string, pattern: RegExp): number {
  return Number(pattern.exec(input)?.[1] ?? 1);
}

export function autodetectReply(ctx: ReplyContext): string {
  const question = ctx.input;
  if (modelOf(ctx.body) === STUDENT) return studentAnswerOf(question);
  switch (schemaName(ctx.body)) {
    case "taxonomy":
      return JSON.stringify(TAXONOMY);
    case "questions": {
      const point = pointOf(ctx.input);
      const n = count(ctx.input, /Write (\d+) (?:new )?questions/);
      const followUp = ctx.input.includes("already asked");
      const shown = (ctx.input.match(/^Question \d+:$/gm) ?? []).length;
      const questions = Array.from({ length: n }, (_, i) => ({
        question: followUp
          ? `[${point}] harder question ${i + 1} after ${shown}`
          : `[${point}] question ${i + 1}`,
        focus: `${point} ${i + 1}`,
      }));
      if (point === "Syllogisms" && !followUp)
        questions[n - 1] = { question: "[addition] QUESTION 1.", focus: "again" };
      return JSON.stringify({ questions });
    }
    case "sub_points": {
      const point = pointOf(ctx.input);
      const n = count(ctx.input, /Propose (\d+) narrower/);
      const sub_points = Array.from({ length: n }, (_, i) => ({
        name: `${point} detail ${i + 1}`,
        description: `A narrower case of ${point}.`,
      }));
      return JSON.stringify({ sub_points });
    }
    case "assessment": {
      const answer = block(ctx.input, "The answer to grade:");
      const wrong = answer.startsWith("WRONG");
      return JSON.stringify({ reason: wrong ? "The answer is wrong." : "Correct.", score: wrong ? 3 : 8 });
    }
    default:
      return referenceOf(question);
  }
}

export async function autodetectServer(cleanups: Cleanup[]): Promise<ScriptedServer> {
  const server = await startScriptedServer({ reply: autodetectReply });
  cleanups.push(() => server.close());
  return server;
}

export interface AutodetectFixture {
  dir: string;
  out: string;
  args(extra?: string[]): string[];
}

/** Small settings every test uses: 2 categories of 2 points, 3 questions a point, 2 sub-points. */
export const SMALL = [
  "--categories",
  "2",
  "--points-per-category",
  "2",
  "--questions-per-point",
  "3",
  "--sub-points",
  "2",
  "--weak-threshold",
  "6",
];

/** A temp dir and the argv of `autodetect` against `server` with the scripted student. */
export function autodetectFixture(cleanups: Cleanup[], server: ScriptedServer): AutodetectFixture {
  const dir = tempDir("selfalign-autodetect-");
  cleanups.push(() => removeDir(dir));
  const out = join(dir, "out");
  return {
    dir,
    out,
    args: (extra = []) => [
      "autodetect",
      "--task",
      TASK,
      "--out",
      out,
      ...serverArgs(server.baseUrl),
      "--student-model",
      STUDENT,
      ...SMALL,
      ...extra,
    ],
  };
}
