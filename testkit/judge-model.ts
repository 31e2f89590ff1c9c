/**
 * A scripted judge for the judge and preferences tests. Every response carries its quality as "[q=N]";
 * "[garbled]" makes the judge answer with something that is not JSON (also on the repair round).
 *  - pointwise: every aspect gets N, except instruction-following, which gets N - 1 (so a record's
 *    score is N - 0.25 with the four default aspects);
 *  - pairwise: position-biased: when the two qualities differ by 4 or more it names the better
 *    response, otherwise it always answers "A", whichever response is shown first.
 */
import { join } from "node:path";
import { tempDir } from "./cli.js";
import { type Cleanup, removeDir, serverArgs, writeJsonl } from "./respond-e2e.js";
import { type ReplyContext, type ScriptedServer, startScriptedServer } from "./scripted-server.js";

export const quality = (text: string): number => Number(/\[q=(\d+)\]/.exec(text)?.[1] ?? Number.NaN);

interface Spec {
  id: string;
  source?: string;
  task: string;
  q: number | "garbled";
  system?: string;
}

/** In file order: the responses to one instruction are not adjacent. s4 has no lineage (grouped by prompt). */
const SPECS: Spec[] = [
  { id: "r1a", source: "s1", task: "Explain tides.", q: 9 },
  { id: "r2a", source: "s2", task: "Name a prime.", q: 6, system: "Be brief." },
  { id: "r1b", source: "s1", task: "Explain tides.", q: 5 },
  { id: "r3a", source: "s3", task: "Sum 2 and 2.", q: 8 },
  { id: "r4a", task: "Describe rain.", q: 4 },
  { id: "r2b", source: "s2", task: "Name a prime.", q: 6, system: "Be brief." },
  { id: "r1c", source: "s1", task: "Explain tides.", q: 2 },
  { id: "r4b", task: "Describe rain.", q: "garbled" },
];

export const responseText = (s: Spec) => (s.q === "garbled" ? "Reply [garbled]" : `Reply ${s.id} [q=${s.q}]`);

/** Records shaped like respond's output. */
export const RESPONSE_RECORDS = SPECS.map((s) => {
  const response = responseText(s);
  const prompt = [
    ...(s.system ? [{ role: "system", content: s.system }] : []),
    { role: "user", content: s.task },
  ];
  return {
    id: s.id,
    instruction: s.task,
    response,
    messages: [...prompt, { role: "assistant", content: response }],
    model: "writer",
    ...(s.source ? { lineage: { source_id: s.source } } : {}),
  };
});

/** The judge prompt of a request: the first user message (a repair round appends more). */
function judgePrompt(ctx: ReplyContext): string {
  return ctx.messages.find((m) => m.role === "user")?.content ?? ctx.input;
}

export function judgeReply(ctx: ReplyContext): string {
  const prompt = judgePrompt(ctx);
  const pointwise = /Response to review:\n([\s\S]*?)\n\nFor each aspect/.exec(prompt);
  if (pointwise) {
    const text = pointwise[1] as string;
    if (text.includes("[garbled]")) return "I would rather not use JSON.";
    const q = quality(text);
    const names = Object.keys((ctx.schema?.properties as Record<string, unknown> | undefined) ?? {});
    const reply: Record<string, unknown> = {};
    for (const name of names) {
      reply[name] = {
        rationale: `${name} looks like ${q}`,
        score: name === "instruction-following" ? Math.max(1, q - 1) : q,
      };
    }
    return JSON.stringify(reply);
  }
  const pairwise = /Response A:\n([\s\S]*?)\n\nResponse B:\n([\s\S]*?)\n\nThe two responses/.exec(prompt);
  if (pairwise) {
    const [a, b] = [pairwise[1] as string, pairwise[2] as string];
    if (a.includes("[garbled]") || b.includes("[garbled]")) return "Both are fine, I suppose.";
    const [qa, qb] = [quality(a), quality(b)];
    const better = Math.abs(qa - qb) >= 4 ? (qa > qb ? "A" : "B") : "A";
    return JSON.stringify({ rationale: `A is ${qa}, B is ${qb}`, better });
  }
  return "unexpected request";
}

export interface JudgeFixture {
  dir: string;
  server: ScriptedServer;
  input: string;
  out: string;
  args(extra?: string[]): string[];
}

export async function judgeServer(cleanups: Cleanup[]): Promise<ScriptedServer> {
  const server = await startScriptedServer({ reply: judgeReply });
  cleanups.push(() => server.close());
  return server;
}

/** A temp dir holding responses.jsonl, and the argv of `judge` on it against `server`. */
export function judgeFixture(
  cleanups: Cleanup[],
  server: ScriptedServer,
  records: unknown[] = RESPONSE_RECORDS,
): JudgeFixture {
  const dir = tempDir("selfalign-judge-");
  cleanups.push(() => removeDir(dir));
  const input = writeJsonl(join(dir, "responses.jsonl"), records);
  const out = join(dir, "judged");
  return {
    dir,
    server,
    input,
    out,
    args: (extra = []) => ["judge", "--in", input, "--out", out, ...serverArgs(server.baseUrl), ...extra],
  };
}
