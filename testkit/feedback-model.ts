/**
 * A scripted server for the LLM2LLM tests, where the student and the teacher are two model names on one
 * server (the role is told by the request: the teacher's carry a JSON schema):
 *  - the student answers a question right from `ANSWERS` (a "Variant n of: Q" question has Q's answer),
 *    except questions marked "[hard]", which it gets wrong, unless it has learned them: when `learnLog`
 *    is given, the last line of that file (written by the --student-cmd) names the training set file
 *    it was "fine-tuned" on, and it answers every question of that file right;
 *  - the teacher, asked about a failed question Q, replies with three examples "Variant d+1 of: Q",
 *    "Variant d+2 of: Q", "Variant d+3 of: Q", Q's answer each, where d counts the earlier times this
 *    server was asked that same prompt (so a second draw repeats one example of the first). With
 *    --per-error 2 the third is always beyond K; the repeat is a duplicate.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./cli.js";
import { type Cleanup, removeDir, serverArgs, writeJsonl } from "./respond-e2e.js";
import { type ReplyContext, type ScriptedServer, startScriptedServer } from "./scripted-server.js";

export const TEACHER = "test-model";
export const STUDENT = "student-model";
export const WRONG = "I am not sure.";

/** Alpaca-style labelled seeds: two hard ones the student fails, one with an input field. */
export const FEEDBACK_SEEDS = [
  { id: "add", instruction: "What is 2 + 3?", output: "5" },
  { id: "mul", instruction: "[hard] What is 17 * 23?", output: "391" },
  { id: "capital", instruction: "What is the capital of France?", output: "Paris" },
  { id: "spell", instruction: "[hard] Spell 'necessary' backwards.", output: "yrassecen" },
  { id: "sum", instruction: "Add the numbers.", input: "4 and 4", output: "8" },
];
export const HARD_SEEDS = ["mul", "spell"];

const question = (s: (typeof FEEDBACK_SEEDS)[number]) =>
  s.input ? `${s.instruction}\n\n${s.input}` : s.instruction;
export const ANSWERS = new Map(FEEDBACK_SEEDS.map((s) => [question(s), s.output]));
export const variant = (n: number, q: string) => `Variant ${n} of: ${q}`;
const VARIANT = /^Variant \d+ of: /;
const AUGMENT = /Question:\n([\s\S]*?)\n\nCorrect answer:\n([\s\S]*?)\n\nWrite /;

export interface FeedbackModelOptions {
  /** File whose last line is "<iteration> <train file>" once the student command ran. */
  learnLog?: string;
}

export interface FeedbackModel {
  reply: (ctx: ReplyContext) => string;
  /** Forgets how often the teacher was asked each prompt (a fresh model on the same server). */
  reset: () => void;
}

export function feedbackModel(options: FeedbackModelOptions = {}): FeedbackModel {
  const asked = new Map<string, number>();
  const reply = (ctx: ReplyContext): string => {
    if (ctx.schema) {
      const match = AUGMENT.exec(ctx.input);
      if (!match) return "{}";
      const [, q, a] = match as unknown as [string, string, string];
      const d = asked.get(ctx.input) ?? 0;
      asked.set(ctx.input, d + 1);
      const examples = [1, 2, 3].map((j) => ({ question: variant(d + j, q), answer: a }));
      return JSON.stringify({ examples });
    }
    const q = ctx.input;
    if (learned(options.learnLog).has(q) || !q.includes("[hard]"))
      return ANSWERS.get(q.replace(VARIANT, "")) ?? WRONG;
    return WRONG;
  };
  return { reply, reset: () => asked.clear() };
}

function learned(log: string | undefined): Set<string> {
  if (!log || !existsSync(log)) return new Set();
  const last = readFileSync(log, "utf8").trim().split("\n").at(-1) ?? "";
  const file = last.slice(last.indexOf(" ") + 1);
  const lines = readFileSync(file, "utf8").trim().split("\n");
  return new Set(lines.map((l) => (JSON.parse(l) as { instruction: string }).instruction));
}

export interface FeedbackFixture {
  dir: string;
  server: ScriptedServer;
  train: string;
  out: string;
  /** CLI arguments for the server, the teacher and the student. */
  args: string[];
  /** Clears the server's recorded requests and the teacher's memory: the next run starts afresh. */
  reset: () => void;
}

export async function feedbackFixture(
  cleanups: Cleanup[],
  options: FeedbackModelOptions & { server?: ScriptedServer; dir?: string } = {},
): Promise<FeedbackFixture> {
  const dir = options.dir ?? tempDir("selfalign-llm2llm-");
  if (!options.dir) cleanups.push(() => removeDir(dir));
  const model = feedbackModel(options);
  let server = options.server;
  if (!server) {
    const started = await startScriptedServer({ reply: model.reply });
    cleanups.push(() => started.close());
    server = started;
  }
  const live = server;
  const reset = () => {
    live.reset();
    model.reset();
  };
  const train = writeJsonl(join(dir, "train.jsonl"), FEEDBACK_SEEDS);
  const out = join(dir, "out");
  const args = [...serverArgs(server.baseUrl), "--student-model", STUDENT];
  return { dir, server, train, out, args, reset };
}
