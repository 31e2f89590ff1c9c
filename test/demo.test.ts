/**
 * `selfalign demo` against the scripted server: the whole short pipeline (Self-Instruct from the
 * built-in seeds, Evol-Instruct, two responses each, a judge, preference pairs, DPO and SFT exports),
 * resumed by a re-run; token limits by default and as given.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "../testkit/cli.js";
import { reportModel } from "../testkit/report-model.js";
import {
  chatRequests,
  cleanupsAfterEach,
  MODEL,
  readJson,
  readJsonlFile,
  removeDir,
} from "../testkit/respond-e2e.js";
import { startScriptedServer } from "../testkit/scripted-server.js";

const cleanups = cleanupsAfterEach();

describe("demo against a server", () => {
  it("runs Self-Instruct -> Evol -> responses -> judge -> preferences -> export, resuming on a re-run", async () => {
    const dir = tempDir();
    cleanups.push(() => removeDir(dir));
    // Each sample of a response differs, so the judge scores them apart and pairs form.
    const { reply } = reportModel();
    const server = await startScriptedServer({
      reply: (ctx) => {
        const text = reply(ctx);
        return typeof text === "string" && !ctx.schema ? `${text} #${ctx.index}` : text;
      },
    });
    cleanups.push(() => server.close());
    const demo = join(dir, "a");
    const args = [
      "demo",
      "--base-url",
      server.baseUrl,
      "--model",
      MODEL,
      "--progress",
      "none",
      "--dir",
      demo,
    ];
    const first = await runCli(args);
    expect(first.stderr).toContain("demo: complete");
    expect(first.code).toBe(0);

    expect(readJsonlFile(join(demo, "seeds.jsonl"))).toHaveLength(12);
    expect(readJsonlFile(join(demo, "generate", "instructions.jsonl"))).toHaveLength(8);
    const pool = readJsonlFile(join(demo, "evolve", "pool.jsonl"));
    const responses = readJsonlFile(join(demo, "responses", "responses.jsonl"));
    expect(responses).toHaveLength(pool.length * 2);
    expect(readJsonlFile(join(demo, "judge", "judged.jsonl"))).toHaveLength(responses.length);
    const pairs = readJsonlFile(join(demo, "preferences", "preferences.jsonl"));
    expect(pairs.length).toBeGreaterThan(0);
    const dpo = readJsonlFile(join(demo, "dpo", "data", "train-00000-of-00001.jsonl"));
    expect(dpo).toHaveLength(pairs.length);
    const sft = readJsonlFile(join(demo, "sft", "data", "train-00000-of-00001.jsonl"));
    expect(sft).toHaveLength(responses.length);
    for (const row of sft)
      expect(Object.keys(row)).toEqual(expect.arrayContaining(["instruction", "output"]));
    const state = readJson(join(demo, "pipeline.json")) as { steps: Array<{ status: string }> };
    expect(state.steps.map((s) => s.status)).toEqual(Array(7).fill("complete"));

    // Generation asks JSON under a schema with the demo's token limits (512 for generation).
    const requests = chatRequests(server).map((r) => r.body as Record<string, unknown>);
    const generation = requests.filter((b) => JSON.stringify(b).includes("Extend the list with new tasks"));
    expect(generation.length).toBeGreaterThan(0);
    for (const b of generation) {
      expect(b.max_tokens).toBe(512);
      expect((b.response_format as { type: string }).type).toBe("json_schema");
    }

    const sent = server.requests.length;
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(server.requests.length).toBe(sent);

    // An explicit --max-output-tokens caps every step's replies (the evol gain check keeps its own 256).
    const capped = await runCli([...args.slice(0, -1), join(dir, "b"), "--max-output-tokens", "300"]);
    expect(capped.code).toBe(0);
    const later = chatRequests(server, sent).map((r) => (r.body as Record<string, unknown>).max_tokens);
    expect(
      later.filter((t) => ![8 /* classification */, 256 /* gain check */, 300].includes(t as number)),
    ).toEqual([]);
    expect(later.filter((t) => t === 300).length).toBeGreaterThan(later.length / 2);
  });
});
