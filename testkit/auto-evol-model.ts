/**
 * A scripted model for `selfalign auto-evol` tests, and its fixture. Instructions are "Task <n>: ...";
 * what an evolution becomes depends only on the marker word in the method's text and on n:
 *  - no marker (the built-in initial method): the answer is an apology when n is even;
 *  - STURDY and TWIN: an apology only when n is a multiple of 6 (the best methods; TWIN ties STURDY);
 *  - SHAKY: an apology when n is even, and the rewrite leaks "given prompt" when n is a multiple of 3;
 *  - ECHO: the rewrite is the instruction unchanged, which the gain judge calls equal (every one fails).
 * The failure sets are nested (STURDY within plain within SHAKY), so the ranking holds on any split.
 * The optimizer's k-th sample (the choice index of its n-sample request) proposes PROPOSALS[k].
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { evolvePrompt } from "../src/prompts/evol.js";
import { gainPrompt } from "../src/prompts/evol-judge.js";
import { tempDir } from "./cli.js";
import { type Cleanup, removeDir, serverArgs } from "./respond-e2e.js";
import { type ReplyContext, type ScriptedServer, startScriptedServer } from "./scripted-server.js";

export const PROPOSALS = [
  "Rewrite it with SHAKY care: add a condition.",
  "Rewrite it with STURDY care: add one clear condition the answer must meet.",
  "Rewrite it with ECHO care: keep it as it is.",
  "Rewrite it with TWIN care: add one clear condition the answer must meet.",
  "Rewrite it with STURDY care: add one clear condition the answer must meet.",
];

export const APOLOGY = "Sorry, I cannot do that.";

export type Marker = "plain" | "sturdy" | "twin" | "shaky" | "echo";

export function markerOf(method: string): Marker {
  for (const m of ["STURDY", "TWIN", "SHAKY", "ECHO"])
    if (method.includes(m)) return m.toLowerCase() as Marker;
  return "plain";
}

/** The elimination rule an evolution of task n with a method gets, or undefined when it passes. */
export function expectedRule(marker: Marker, n: number): string | undefined {
  if (marker === "echo") return "no-information-gain";
  if (marker === "shaky" && n % 3 === 0) return "template-leak";
  const apology = marker === "sturdy" || marker === "twin" ? n % 6 === 0 : n % 2 === 0;
  return apology ? "cannot-answer" : undefined;
}

export function taskNumber(text: string): number {
  return Number(/Task (\d+)/.exec(text)?.[1] ?? Number.NaN);
}

export function evolvedOf(marker: Marker, parent: string): string {
  if (marker === "echo") return parent;
  const evolved = `${parent} Explain every step. [${marker}]`;
  return marker === "shaky" && taskNumber(parent) % 3 === 0
    ? `${evolved} As the given prompt says.`
    : evolved;
}

/** The texts in the holes of `template` (holes are \u0001, \u0002, ... in order), if `text` has its shape. */
function holes(text: string, template: string, count: number): string[] | undefined {
  const parts: string[] = [];
  let rest = template;
  for (let i = 1; i <= count; i++) {
    const [head, tail] = rest.split(String.fromCharCode(i)) as [string, string];
    parts.push(head);
    rest = tail;
  }
  parts.push(rest);
  if (!text.startsWith(parts[0] as string) || !text.endsWith(rest)) return undefined;
  const values: string[] = [];
  let at = (parts[0] as string).length;
  for (let i = 1; i < count; i++) {
    const next = text.indexOf(parts[i] as string, at);
    if (next < 0) return undefined;
    values.push(text.slice(at, next));
    at = next + (parts[i] as string).length;
  }
  values.push(text.slice(at, text.length - rest.length));
  return values;
}

const EVOLVE = evolvePrompt({ id: "x", kind: "depth", directive: "\u0001" }, "\u0002");
const JUDGE = gainPrompt("\u0001", "\u0002");

/** The method and the instruction of an evolving prompt, if `text` is one. */
export function evolveRequest(text: string): { method: string; parent: string } | undefined {
  const found = holes(text, EVOLVE, 2);
  return found ? { method: found[0] as string, parent: found[1] as string } : undefined;
}

export function autoEvolModel() {
  const reply = (ctx: ReplyContext): string => {
    const properties = (ctx.schema?.properties ?? {}) as Record<string, unknown>;
    if ("issues" in properties) {
      const failed = ctx.input.split("Automatic checks: failed").length - 1;
      const cases = ctx.input.split("\nCase ").length - 1;
      const issues = failed
        ? [
            {
              issue: "Some rewrites were refused or leaked wording.",
              evidence: `${failed} of ${cases} cases failed.`,
            },
          ]
        : [];
      return JSON.stringify({ issues });
    }
    if ("method" in properties) {
      const method = PROPOSALS[ctx.index % PROPOSALS.length] as string;
      return JSON.stringify({ changes: `Proposal ${ctx.index}.`, method });
    }
    const judged = holes(ctx.input, JUDGE, 2);
    if (judged && "equal" in properties) {
      const equal = judged[0] === judged[1];
      return JSON.stringify({ reason: equal ? "Nothing was added." : "It adds a requirement.", equal });
    }
    const evolve = evolveRequest(ctx.input);
    if (evolve) return evolvedOf(markerOf(evolve.method), evolve.parent);
    // An answer: refused when the evolved instruction's method fails on its task.
    const tag = /\[(\w+)\]/.exec(ctx.input)?.[1] as Marker | undefined;
    if (tag && expectedRule(tag, taskNumber(ctx.input)) === "cannot-answer") return APOLOGY;
    return `A thorough answer to: ${ctx.input}`;
  };
  return { reply };
}

export async function autoEvolServer(cleanups: Cleanup[]): Promise<ScriptedServer> {
  const server = await startScriptedServer({ reply: autoEvolModel().reply });
  cleanups.push(() => server.close());
  return server;
}

/** `count` instructions "Task <n>: ...", one a line. */
export function taskLines(count: number): string {
  return Array.from({ length: count }, (_, i) => `Task ${i + 1}: describe a use of item ${i + 1}.`).join(
    "\n",
  );
}

export interface AutoEvolFixture {
  dir: string;
  input: string;
  out: string;
  args(extra?: string[]): string[];
}

/** A temp dir holding `count` tasks (tasks.txt) and the argv of `auto-evol` against `server`. */
export function autoEvolFixture(cleanups: Cleanup[], server: ScriptedServer, count = 24): AutoEvolFixture {
  const dir = tempDir("selfalign-auto-evol-");
  cleanups.push(() => removeDir(dir));
  const input = join(dir, "tasks.txt");
  writeFileSync(input, `${taskLines(count)}\n`);
  const out = join(dir, "out");
  return {
    dir,
    input,
    out,
    args: (extra = []) => ["auto-evol", "--in", input, "--out", out, ...serverArgs(server.baseUrl), ...extra],
  };
}

/** Kinds of chat requests the method sends. */
export function requestKind(
  body: unknown,
): "evolve" | "respond" | "judge" | "analyse" | "improve" | "repair" {
  const b = body as {
    response_format?: { json_schema?: { name?: string } };
    messages: Array<{ role: string; content: string }>;
  };
  const name = b.response_format?.json_schema?.name;
  if (name && b.messages.length > 1) return "repair";
  if (name === "evolution_analysis") return "analyse";
  if (name === "improved_method") return "improve";
  if (name === "information_gain") return "judge";
  return evolveRequest(b.messages.at(-1)?.content ?? "") ? "evolve" : "respond";
}
