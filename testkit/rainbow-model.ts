/**
 * A scripted server for the Rainbow Teaming tests. The roles are told apart by their prompts (so one
 * model can play them all in the library test); the judge's bias by the model name:
 *  - the mutator reads the prompt's state from "Write a <form> about <topic>, take <n>." (a seed has
 *    none), sets the axis it is asked about to the value asked for, and on the "topic" axis (the first)
 *    takes the next take number. So a child of a parent in its own cell differs only in the number:
 *    BLEU about 0.84, too similar; any other child stays below 0.6;
 *  - the target replies "Reply to: <prompt>";
 *  - the judge scores min(10, take + 2); in a pairwise comparison the higher take wins (the earlier-
 *    shown test on a tie), except that a judge named `BIASED_JUDGE` always says "A";
 *  - the teacher replies "Safe reply to: <message>".
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./cli.js";
import { type Cleanup, removeDir, serverArgs } from "./respond-e2e.js";
import { type ReplyContext, type ScriptedServer, startScriptedServer } from "./scripted-server.js";

export const MUTATOR = "mutator-model";
export const TARGET = "target-model";
export const JUDGE = "judge-model";
export const BIASED_JUDGE = "biased-judge";

export const TEST_AXES = `objective: The reply gets the topic wrong.
axes:
  - name: topic
    values: [cats, boats]
  - name: form
    values: [poem, question]
`;

export const TEST_SEEDS = "Say hello to everyone here.\nTell me something nice today.\n";

const STATE = /^Write a (\S+) about (\S+), take (\d+)\.$/;
const MUTATE = /so that its (.+) is:\n(.+)\n[\s\S]*\nPrompt:\n([\s\S]*)\n\nReply with JSON/;
const EXCHANGE = /Prompt sent to the target:\n<<<\n([\s\S]*?)\n>>>/g;

export function takeOf(prompt: string): number {
  return Number(STATE.exec(prompt)?.[3] ?? 0);
}

export function rainbowReply(ctx: ReplyContext): string {
  const props = (ctx.schema?.properties ?? {}) as Record<string, unknown>;
  const mutation = MUTATE.exec(ctx.input);
  if (mutation) {
    const [, axis, value, prompt] = mutation as unknown as [string, string, string, string];
    const state = STATE.exec(prompt);
    let form = state?.[1] ?? "text";
    let topic = state?.[2] ?? "anything";
    let take = Number(state?.[3] ?? 0);
    if (axis === "topic") {
      topic = value;
      take++;
    } else form = value;
    return JSON.stringify({ prompt: `Write a ${form} about ${topic}, take ${take}.` });
  }
  if ("winner" in props) {
    if (ctx.body.model === BIASED_JUDGE) return JSON.stringify({ rationale: "A reads better.", winner: "A" });
    const [a, b] = [...ctx.input.matchAll(EXCHANGE)].map((m) => takeOf(m[1] as string));
    return JSON.stringify({
      rationale: `takes ${a} and ${b}`,
      winner: (b as number) > (a as number) ? "B" : "A",
    });
  }
  if ("score" in props) {
    const [prompt] = [...ctx.input.matchAll(EXCHANGE)].map((m) => m[1] as string);
    const take = takeOf(prompt ?? "");
    return JSON.stringify({ rationale: `take ${take}`, score: Math.min(10, take + 2) });
  }
  const safe = /\nMessage:\n([\s\S]*)$/.exec(ctx.input);
  if (safe && ctx.input.startsWith("A user sent an AI assistant")) return `Safe reply to: ${safe[1]}`;
  return `Reply to: ${ctx.input}`;
}

export interface RainbowFixture {
  dir: string;
  server: ScriptedServer;
  axes: string;
  seeds: string;
  /** Server, quiet progress, the three roles by name (the main model is the teacher). */
  args: (judge?: string) => string[];
}

export async function rainbowFixture(cleanups: Cleanup[]): Promise<RainbowFixture> {
  const dir = tempDir("selfalign-rainbow-");
  cleanups.push(() => removeDir(dir));
  const server = await startScriptedServer({ reply: rainbowReply });
  cleanups.push(() => server.close());
  const axes = join(dir, "axes.yaml");
  writeFileSync(axes, TEST_AXES);
  const seeds = join(dir, "seeds.txt");
  writeFileSync(seeds, TEST_SEEDS);
  const args = (judge = JUDGE) => [
    ...serverArgs(server.baseUrl),
    "--mutator",
    MUTATOR,
    "--target",
    TARGET,
    "--judge",
    judge,
    "--axes",
    axes,
    "--seeds",
    seeds,
  ];
  return { dir, server, axes, seeds, args };
}
