/**
 * A scripted student and teacher for `selfalign learn-from-errors` tests, and their fixture. Replies
 * depend only on the request's content, never on arrival order:
 *  - the student (requests without a schema) answers every question of `LFE_TRAIN`, wrongly for the
 *    ones marked wrong;
 *  - the teacher's analysis names a category from the question (percentages, unit conversion, letter
 *    order); its grouping puts failures of the first two categories in one weakness each and leaves the
 *    letter-order failure out (it must end in "other"); a grouping call shown earlier weaknesses spells
 *    their names in capitals (merge by name); its writing returns K + 1 examples, and for "other" one of
 *    them copies a training question (a duplicate).
 */
import { join } from "node:path";
import { tempDir } from "./cli.js";
import { type Cleanup, removeDir, serverArgs, writeJsonl } from "./respond-e2e.js";
import {
  type ReplyContext,
  type ScriptedReply,
  type ScriptedServer,
  startScriptedServer,
} from "./scripted-server.js";

/** [id, question, reference, the student's answer]: equal answers are correct under `--checker exact`. */
export const LFE_TRAIN = [
  ["p0", "What is 10 percent of 300?", "30", "30"],
  ["a1", "What is 12 plus 30?", "42", "42"],
  ["p1", "What is 15 percent of 200?", "30", "35"],
  ["u1", "Convert 3 kilometres to metres.", "3000", "300"],
  ["u2", "Convert 2 hours to minutes.", "120", "120"],
  ["r1", "Reverse zebra letter by letter.", "arbez", "zebra"],
  ["p2", "What is 20 percent of 50?", "10", "25"],
  ["c1", "Name the capital city of France.", "Paris", "Paris"],
  ["u3", "Convert 5 litres to millilitres.", "5000", "50"],
] as const;

/** Failures in exam order, and the weaknesses the scripted grouping makes of them. */
export const LFE_FAILURES = ["p1", "u1", "r1", "p2", "u3"];
export const LFE_WEAKNESSES = [
  { name: "Percentages", failure_ids: ["p1", "p2"] },
  { name: "Unit conversion", failure_ids: ["u1", "u3"] },
  { name: "other", failure_ids: ["r1"] },
];
/** Under --contrast: each failure's most similar correctly answered question (r1 shares no word). */
export const LFE_PAIRS: Record<string, string | null> = {
  p1: "p0",
  u1: "u2",
  r1: null,
  p2: "p0",
  u3: "u2",
};

export const STUDENT = "student-model";
const QUESTION = new Map<string, (typeof LFE_TRAIN)[number]>(LFE_TRAIN.map((row) => [row[1], row]));

export function lfeIdOf(question: string): string {
  return QUESTION.get(question)?.[0] ?? "?";
}

function categoryOf(question: string): string {
  if (question.includes("percent")) return "percentages";
  if (question.startsWith("Convert")) return "unit conversion";
  return "letter order";
}

const NAMES: Record<string, string> = { percentages: "Percentages", "unit conversion": "Unit conversion" };

function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  if (from < 0) return "";
  const rest = text.slice(from + start.length);
  const to = rest.indexOf(end);
  return (to < 0 ? rest : rest.slice(0, to)).trim();
}

/** Kind of a request, told apart by its schema (the student's have none). */
export function lfeKind(body: unknown): "student" | "analyse" | "contrast" | "group" | "write" | "other" {
  const name = (body as { response_format?: { json_schema?: { name?: string } } }).response_format
    ?.json_schema?.name;
  if (name === undefined) return "student";
  const kinds: Record<string, "analyse" | "contrast" | "group" | "write"> = {
    error_analysis: "analyse",
    error_contrast: "contrast",
    error_weaknesses: "group",
    targeted_examples: "write",
  };
  return kinds[name] ?? "other";
}

/** The question a (plain) analysis prompt is about, and the two questions of a contrast prompt. */
export function analysedQuestion(prompt: string): string {
  return between(prompt, "Question:\n", "\n\nReference answer:");
}
export function contrastedQuestions(prompt: string): { wrong: string; right: string } {
  return {
    wrong: between(prompt, "Question answered wrongly:\n", "\n\n"),
    right: between(prompt, "Question answered correctly:\n", "\n\n"),
  };
}

function group(prompt: string): string {
  const byCategory = new Map<string, string[]>();
  for (const m of prompt.matchAll(/^(F\d+) \[([^\]]*)\]/gmu)) {
    const category = m[2] as string;
    if (!(category in NAMES)) continue; // letter order: left for "other"
    byCategory.set(category, [...(byCategory.get(category) ?? []), m[1] as string]);
  }
  const later = prompt.includes("Weaknesses already found");
  const weaknesses = [...byCategory].map(([category, ids], i) => {
    const name = NAMES[category] as string;
    return {
      name: later ? name.toUpperCase() : name,
      description: `Cannot handle ${category}.`,
      // A label that is not in the list: ignored.
      failure_ids: i === 0 ? [...ids, "F99"] : ids,
    };
  });
  return JSON.stringify({ weaknesses });
}

export function writtenQuestion(weakness: string, i: number): string {
  return `New ${weakness} question ${i}`;
}

function write(prompt: string): string {
  const name = between(prompt, "Its answers show this weakness:\n\n", ":");
  const k = /Write (\d+) new training examples/u.exec(prompt)?.[1];
  const count = k === undefined ? 1 : Number(k);
  const examples = Array.from({ length: count + 1 }, (_, i) => ({
    question: name === "other" && i === 1 ? LFE_TRAIN[7][1] : writtenQuestion(name, i),
    answer: `Answer ${i} for ${name}`,
  }));
  return JSON.stringify({ examples });
}

export function lfeReply(ctx: ReplyContext): ScriptedReply {
  switch (lfeKind(ctx.body)) {
    case "student":
      return QUESTION.get(ctx.input)?.[3] ?? "I do not know.";
    case "analyse": {
      const question = analysedQuestion(ctx.input);
      return JSON.stringify({
        missing: `the skill behind "${question}"`,
        category: categoryOf(question),
        explanation: `The answer to "${question}" is off.`,
      });
    }
    case "contrast": {
      const { wrong, right } = contrastedQuestions(ctx.input);
      return JSON.stringify({
        difference: `"${wrong}" differs from "${right}"`,
        missing: `the skill behind "${wrong}"`,
        category: categoryOf(wrong),
      });
    }
    case "group":
      return group(ctx.input);
    case "write":
      return write(ctx.input);
    default:
      return "?";
  }
}

export function writeLfeTrain(path: string): string {
  return writeJsonl(
    path,
    LFE_TRAIN.map(([id, instruction, output]) => ({ id, instruction, output })),
  );
}

export interface LfeFixture {
  dir: string;
  train: string;
  out: string;
  args(extra?: string[]): string[];
}

/** A temp dir with the training set and the argv of `learn-from-errors` (exact checker, scripted student). */
export function lfeFixture(cleanups: Cleanup[], server: ScriptedServer): LfeFixture {
  const dir = tempDir("selfalign-lfe-");
  cleanups.push(() => removeDir(dir));
  const train = writeLfeTrain(join(dir, "train.jsonl"));
  const out = join(dir, "out");
  return {
    dir,
    train,
    out,
    args: (extra = []) => [
      "learn-from-errors",
      "--train",
      train,
      "--out",
      out,
      "--checker",
      "exact",
      "--student-model",
      STUDENT,
      ...serverArgs(server.baseUrl),
      ...extra,
    ],
  };
}

export async function lfeServer(cleanups: Cleanup[]): Promise<ScriptedServer> {
  const server = await startScriptedServer({ reply: lfeReply });
  cleanups.push(() => server.close());
  return server;
}
