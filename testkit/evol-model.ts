/**
 * A scripted model for `selfalign evol` (Evol-Instruct) tests, and its fixture. It recognizes the three
 * kinds of request the method sends by their prompts (built from the method's own templates, so a
 * reworded prompt does not break the script):
 *  - evolving (in-depth or in-breadth): the parent plus " [<operation id>]", so every kept instruction
 *    shows the path of operations that made it; markers in the parent decide failures (see `MARKS`);
 *  - the information-gain judgement (schema with `equal`): equal when the evolved one carries "SAME";
 *  - anything else is a response: an apology for "SORRY", stop words only for "TRIVIAL".
 * Replies depend only on the request's content, except for "FLAKY" parents: the first rewrite asked for
 * one (per server) leaks template words, the later ones succeed.
 */
import { join } from "node:path";
import { BUILT_IN_OPERATIONS, type EvolOperation } from "../src/methods/evolution/operations.js";
import { evolvePrompt } from "../src/prompts/evol.js";
import { gainPrompt } from "../src/prompts/evol-judge.js";
import { tempDir } from "./cli.js";
import { type Cleanup, removeDir, serverArgs, writeJsonl } from "./respond-e2e.js";
import { type ReplyContext, type ScriptedServer, startScriptedServer } from "./scripted-server.js";

/** The elimination rule each marker provokes (every time it is in the parent). */
export const MARKS = {
  EMPTY: "empty",
  LEAK: "template-leak",
  SORRY: "cannot-answer",
  TRIVIAL: "trivial-response",
  SAME: "no-information-gain",
} as const;

/** Alpaca records (ids set): plain ones that always evolve, one with an input, one per marker, FLAKY. */
export const EVOL_SEEDS = [
  { id: "haiku", instruction: "Write a haiku about autumn." },
  { id: "photo", instruction: "Explain photosynthesis.", input: "", output: "Plants turn light into sugar." },
  {
    id: "tides",
    instruction: "Summarize the text.",
    input: "The tide comes in twice a day.",
    output: "Tides come twice daily.",
  },
  { id: "empty", instruction: "EMPTY: list three fruits." },
  { id: "leak", instruction: "LEAK: name a planet." },
  { id: "sorry", instruction: "SORRY: describe a colour." },
  { id: "trivial", instruction: "TRIVIAL: count to three." },
  { id: "same", instruction: "SAME: greet a friend." },
  { id: "flaky", instruction: "FLAKY: name a river." },
];

export const STEADY_SEEDS = EVOL_SEEDS.filter((s) => s.id !== "flaky");

export const answerOf = (instruction: string) => `Answer to: ${instruction}`;
export const APOLOGY = "Sorry, I cannot help with that.";
export const STOP_WORDS_ONLY = "The, and of it.";

const HOLE = "\u0000";

function split(template: string): [string, string] {
  const [before, after] = template.split(HOLE);
  return [before as string, after as string];
}

/** The text in the hole of `template`'s shape, if `text` has that shape. */
function fill(text: string, [before, after]: [string, string]): string | undefined {
  return text.startsWith(before) && text.endsWith(after) && text.length >= before.length + after.length
    ? text.slice(before.length, text.length - after.length)
    : undefined;
}

/** The parent and the evolved instruction of a judgement prompt, if `text` is one. */
function judged(text: string): [string, string] | undefined {
  const template = gainPrompt("\u0001", "\u0002");
  const [before, rest] = template.split("\u0001") as [string, string];
  const [middle, after] = rest.split("\u0002") as [string, string];
  const inner = fill(text, [before, after]);
  const at = inner?.indexOf(middle) ?? -1;
  if (inner === undefined || at < 0) return undefined;
  return [inner.slice(0, at), inner.slice(at + middle.length)];
}

export function evolModel(extra: readonly EvolOperation[] = []) {
  const operations = [...Object.values(BUILT_IN_OPERATIONS).flat(), ...extra];
  const shapes = operations.map((op) => ({ op, shape: split(evolvePrompt(op, HOLE)) }));
  const flakyAsked = new Set<string>();

  const evolve = (op: EvolOperation, parent: string): string => {
    if (parent.includes("EMPTY")) return '""';
    const evolved = `${parent} [${op.id}]`;
    if (parent.includes("LEAK")) return `${evolved}, as the given prompt asks`;
    if (parent.includes("FLAKY") && !flakyAsked.has(parent)) {
      flakyAsked.add(parent);
      return `${evolved}, as the rewritten prompt`;
    }
    return evolved;
  };

  const reply = (ctx: ReplyContext): string => {
    const pair = judged(ctx.input);
    if (pair && ctx.schema) {
      const equal = pair[1].includes("SAME");
      return JSON.stringify({ reason: equal ? "Only reworded." : "Adds a requirement.", equal });
    }
    for (const { op, shape } of shapes) {
      const parent = fill(ctx.input, shape);
      if (parent !== undefined) return evolve(op, parent);
    }
    if (ctx.input.includes("SORRY")) return APOLOGY;
    if (ctx.input.includes("TRIVIAL")) return STOP_WORDS_ONLY;
    return answerOf(ctx.input);
  };
  return { reply };
}

/** Every evolving prompt of a built-in or `extra` operation, for checking the requests a run sent. */
export function promptOf(operationId: string, parent: string, extra: readonly EvolOperation[] = []): string {
  const op = [...Object.values(BUILT_IN_OPERATIONS).flat(), ...extra].find((o) => o.id === operationId);
  if (!op) throw new Error(`unknown operation ${operationId}`);
  return evolvePrompt(op, parent);
}

export async function evolServer(cleanups: Cleanup[], extra: readonly EvolOperation[] = []) {
  const server = await startScriptedServer({ reply: evolModel(extra).reply });
  cleanups.push(() => server.close());
  return server;
}

export interface EvolFixture {
  dir: string;
  input: string;
  out: string;
  args(extra?: string[]): string[];
}

/** A temp dir with the instructions (Alpaca JSON by default) and the argv of `evol` against `server`. */
export function evolFixture(
  cleanups: Cleanup[],
  server: ScriptedServer,
  writeInput: (dir: string) => string = (dir) => writeJsonl(join(dir, "seeds.jsonl"), EVOL_SEEDS),
): EvolFixture {
  const dir = tempDir("selfalign-evol-");
  cleanups.push(() => removeDir(dir));
  const input = writeInput(dir);
  const out = join(dir, "out");
  return {
    dir,
    input,
    out,
    args: (extra = []) => ["evol", "--in", input, "--out", out, ...serverArgs(server.baseUrl), ...extra],
  };
}

/** Kinds of chat requests the method sends. */
export function requestKind(
  body: unknown,
  extra: readonly EvolOperation[] = [],
): "evolve" | "respond" | "judge" {
  const b = body as { response_format?: unknown; messages: Array<{ role: string; content: string }> };
  if (b.response_format) return "judge";
  const text = b.messages.at(-1)?.content ?? "";
  const operations = [...Object.values(BUILT_IN_OPERATIONS).flat(), ...extra];
  return operations.some((op) => fill(text, split(evolvePrompt(op, HOLE))) !== undefined)
    ? "evolve"
    : "respond";
}
