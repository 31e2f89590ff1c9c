/**
 * End-to-end tests of `selfalign rainbow` through the real CLI against the scripted roles of
 * testkit/rainbow-model.ts (a 2 x 2 grid of topic x form; the mutator's takes make a child of a parent
 * in its own cell too similar, and the fair judge prefers the higher take).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rainbowTeaming, readAxesFile, sentenceBleu } from "../src/index.js";
import { SEARCH_FILES } from "../src/methods/feedback/rainbow-records.js";
import { runCli } from "../testkit/cli.js";
import { libraryRun } from "../testkit/library-run.js";
import {
  BIASED_JUDGE,
  JUDGE,
  MUTATOR,
  rainbowFixture,
  rainbowReply,
  TARGET,
  TEST_AXES,
  takeOf,
} from "../testkit/rainbow-model.js";
import {
  chatRequests,
  cleanupsAfterEach,
  readJson,
  readJsonlFile,
  userMessageOf,
} from "../testkit/respond-e2e.js";
import type { RecordedRequest, ScriptedServer } from "../testkit/scripted-server.js";

const cleanups = cleanupsAfterEach();

type Rec = Record<string, unknown>;
type Verdict = { order: string; winner: string | null; candidate_won: boolean; call: string };
const modelOf = (r: RecordedRequest) => (r.body as { model: string }).model;
const asked = (server: ScriptedServer, model: string) =>
  chatRequests(server).filter((r) => modelOf(r) === model);
const winners = (c: Rec) => (c.verdicts as Verdict[] | null)?.map((v) => v.winner) ?? null;
const lines = (path: string) => readFileSync(path, "utf8");

describe("rainbow", () => {
  it("fills the archive; drops children too similar to their parent; replaces only after winning both orders; safe responses", async () => {
    const f = await rainbowFixture(cleanups);
    const out = join(f.dir, "out");
    const run = await runCli(["rainbow", "--iterations", "4", "--safe-responses", "--out", out, ...f.args()]);
    expect(run.code, run.stderr).toBe(0);

    const candidates = readJsonlFile(join(out, "candidates.jsonl"));
    expect(candidates.map((c) => `${c.iteration}.${c.index} ${c.outcome}`)).toEqual([
      "1.0 inserted",
      "1.1 lost",
      "1.2 inserted",
      "1.3 lost",
      "2.0 too-similar",
      "2.1 replaced-incumbent",
      "2.2 replaced-incumbent",
      "2.3 lost",
      "3.0 replaced-incumbent",
      "3.1 too-similar",
      "3.2 lost",
      "3.3 inserted",
      "4.0 lost",
      "4.1 too-similar",
      "4.2 inserted",
      "4.3 replaced-incumbent",
    ]);
    const byId = new Map(candidates.map((c) => [c.id as string, c]));
    const seeds = ["Say hello to everyone here.", "Tell me something nice today."];
    const promptOf = (c: Rec) =>
      c.parent_kind === "seed"
        ? seeds[Number(String(c.parent_id).replace("seed_task_", ""))]
        : byId.get(c.parent_id as string)?.prompt;

    // Too similar: BLEU against the parent above 0.6, logged with its value, never sent to the target.
    const similar = candidates.filter((c) => c.outcome === "too-similar");
    for (const c of similar) {
      expect(c.bleu).toBe(sentenceBleu(c.prompt as string, promptOf(c) as string));
      expect(c.bleu).toBeGreaterThan(0.6);
      expect([c.response, c.score, c.verdicts]).toEqual([null, null, null]);
    }
    const passed = candidates.filter((c) => c.response !== null);
    expect(passed.every((c) => (c.bleu as number) <= 0.6)).toBe(true);
    // Every candidate is one independent draw of the target: one target request per candidate that passed.
    expect(asked(f.server, TARGET)).toHaveLength(passed.length);
    expect(asked(f.server, MUTATOR)).toHaveLength(2 * candidates.length);
    const dropped = readJsonlFile(join(out, "dropped.jsonl"));
    expect(dropped.filter((d) => d.reason === "too-similar").map((d) => [d.id, d.detail])).toEqual(
      similar.map((c) => [c.id, `BLEU ${(c.bleu as number).toFixed(4)} against its parent is above 0.6`]),
    );

    // Both orders asked for every occupied cell; the candidate takes the cell only when it won both.
    for (const c of candidates.filter((c) => c.verdicts !== null)) {
      const verdicts = c.verdicts as Verdict[];
      expect(verdicts.map((v) => v.order)).toEqual(["incumbent-first", "candidate-first"]);
      const both = verdicts.every((v) => v.candidate_won);
      expect(c.outcome).toBe(both ? "replaced-incumbent" : "lost");
      expect(winners(c)).toEqual(both ? ["B", "A"] : ["A", "A"]);
      expect(takeOf(c.prompt as string) > takeOf(byId.get(c.incumbent_id as string)?.prompt as string)).toBe(
        both,
      );
    }
    expect(candidates.filter((c) => c.outcome === "inserted").every((c) => c.verdicts === null)).toBe(true);
    expect(dropped.filter((d) => d.reason === "lost")).toHaveLength(5);

    // The archive: one elite per cell, as the grid shows it; lineage and roles recorded.
    const archive = readJsonlFile(join(out, "archive.jsonl"));
    expect(archive.map((e) => [e.cell_index, e.prompt])).toEqual([
      [[0, 0], "Write a poem about cats, take 3."],
      [[0, 1], "Write a question about cats, take 2."],
      [[1, 0], "Write a poem about boats, take 4."],
      [[1, 1], "Write a question about boats, take 3."],
    ]);
    expect(archive[0]).toMatchObject({
      response: "Reply to: Write a poem about cats, take 3.",
      score: 5,
      cell: { topic: "cats", form: "poem" },
      iteration: 3,
      lineage: {
        parent_kind: "elite",
        mutations: [
          { axis: "topic", value: "cats" },
          { axis: "form", value: "poem" },
        ],
      },
      meta: {
        method: "rainbow",
        step: "search",
        models: { mutator: MUTATOR, target: TARGET, judge: JUDGE },
        prompts: ["rainbow/mutate@v1", "rainbow/judge-score@v1", "rainbow/judge-pairwise@v1"],
      },
    });
    for (const e of archive)
      expect(byId.get(e.id as string)?.outcome).toMatch(/^(inserted|replaced-incumbent)$/);
    const grid = readJson(join(out, "grid.json"));
    expect(grid.grid).toEqual([
      [archive[0], archive[1]].map((e) => ({ score: e?.score, id: e?.id })),
      [archive[2], archive[3]].map((e) => ({ score: e?.score, id: e?.id })),
    ]);
    const iterations = readJsonlFile(join(out, "iterations.jsonl"));
    expect(iterations.map((i) => [i.coverage, i.inserted, i.replaced, i.lost, i.dropped])).toEqual([
      [0.5, 2, 0, 2, { "too-similar": 0, failed: 0 }],
      [0.5, 0, 2, 1, { "too-similar": 1, failed: 0 }],
      [0.75, 1, 1, 1, { "too-similar": 1, failed: 0 }],
      [1, 1, 1, 1, { "too-similar": 1, failed: 0 }],
    ]);
    expect(iterations[3]?.mean_score).toBe(5);
    expect(readJson(join(out, "archive.json"))).toMatchObject({ iteration: 4, shape: [2, 2] });

    // Safety data from the teacher (the main model) for every prompt of the final archive.
    const sft = readJsonlFile(join(out, "sft.jsonl"));
    expect(sft.map((s) => [s.instruction, s.output])).toEqual(
      archive.map((e) => [e.prompt, `Safe reply to: ${e.prompt}`]),
    );
    expect(sft[0]?.meta).toMatchObject({
      step: "safe-response",
      model: "test-model",
      prompt: "rainbow/safe-response@v1",
    });
    const prefs = readJsonlFile(join(out, "preferences.jsonl"));
    expect(prefs.map((p) => [p.prompt, p.chosen, p.rejected])).toEqual(
      archive.map((e) => [e.prompt, `Safe reply to: ${e.prompt}`, e.response]),
    );
    expect(readJson(join(out, "summary.json"))).toMatchObject({
      status: "complete",
      completedIterations: 4,
      filled: 4,
      coverage: 1,
      safeResponses: 4,
      models: { mutator: MUTATOR, target: TARGET, judge: JUDGE, teacher: "test-model" },
    });
  });

  it("a judge that always prefers position A never replaces an incumbent", async () => {
    const f = await rainbowFixture(cleanups);
    const out = join(f.dir, "out");
    // Without --model, the mutator is the main model (and so the default of the other roles).
    const args = f.args(BIASED_JUDGE).filter((a, i, all) => a !== "--model" && all[i - 1] !== "--model");
    const run = await runCli(["rainbow", "--iterations", "4", "--out", out, ...args]);
    expect(run.code, run.stderr).toBe(0);
    expect(readJson(join(out, "summary.json")).models).toEqual({
      mutator: MUTATOR,
      target: TARGET,
      judge: BIASED_JUDGE,
      teacher: MUTATOR,
    });
    const candidates = readJsonlFile(join(out, "candidates.jsonl"));
    const contested = candidates.filter((c) => c.verdicts !== null);
    expect(contested.length).toBeGreaterThan(4);
    for (const c of contested) {
      expect(c.outcome).toBe("lost");
      // It wins the order where it is shown first, loses the other.
      expect((c.verdicts as Verdict[]).map((v) => [v.winner, v.candidate_won])).toEqual([
        ["A", false],
        ["A", true],
      ]);
    }
    // Later, better takes were offered but every cell keeps its first occupant.
    expect(
      contested.some((c) => takeOf(c.prompt as string) > takeOf(byIdPrompt(candidates, c.incumbent_id))),
    ).toBe(true);
    const archive = readJsonlFile(join(out, "archive.jsonl"));
    for (const e of archive) expect(candidates.find((c) => c.id === e.id)?.outcome).toBe("inserted");
    expect(asked(f.server, BIASED_JUDGE).length).toBeGreaterThan(0);
  });

  it("stopped by --max-calls, a re-run sends no finished request again and ends with the uninterrupted archive; more iterations continue", async () => {
    const f = await rainbowFixture(cleanups);
    const read = (out: string) => SEARCH_FILES.map((name) => lines(join(out, name)));
    const bodies = () =>
      chatRequests(f.server)
        .map((r) => JSON.stringify(r.body))
        .sort();
    const cmd = (out: string, n: number) => ["rainbow", "--iterations", String(n), "--out", out, ...f.args()];

    const whole = join(f.dir, "whole");
    expect((await runCli(cmd(whole, 3))).code).toBe(0);
    const expected = { bodies: bodies(), files: read(whole) };
    f.server.reset();

    const out = join(f.dir, "resumed");
    expect((await runCli(cmd(out, 1))).code).toBe(0);
    expect(readJson(join(out, "archive.json")).iteration).toBe(1);
    // The budget counts the run's calls: 10 more stops the search inside iteration 2.
    const limit = String(chatRequests(f.server).length + 10);
    const stopped = await runCli([...cmd(out, 3), "--max-calls", limit]);
    expect(stopped.code).toBe(3);
    expect(readJson(join(out, "summary.json"))).toMatchObject({ status: "budget", completedIterations: 1 });
    expect(readJson(join(out, "archive.json")).iteration).toBe(1);
    const again = await runCli(cmd(out, 3));
    expect(again.code, again.stderr).toBe(0);
    expect(readJson(join(out, "summary.json"))).toMatchObject({ status: "complete", resumedFrom: 1 });
    expect(bodies()).toEqual(expected.bodies);
    expect(read(out)).toEqual(expected.files);

    // The recipe is pinned: another BLEU threshold on the same run is refused before any call.
    const n = f.server.requests.length;
    const other = await runCli([...cmd(out, 3), "--bleu-threshold", "0.5"]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("bleuThreshold: 0.6 -> 0.5");
    expect(f.server.requests.length).toBe(n);
  });

  it("rejects a bad axes file with its line and field, before any call", async () => {
    const f = await rainbowFixture(cleanups);
    const bad = join(f.dir, "bad.yaml");
    writeFileSync(
      bad,
      "axes:\n  - name: topic\n    values: [cats, boats]\n  - name: form\n    values: poem\n",
    );
    const run = await runCli([
      "rainbow",
      "--iterations",
      "1",
      "--out",
      join(f.dir, "out"),
      ...f.args(),
      "--axes",
      bad,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${bad}:5: field "axes.1.values": expected a non-empty list of strings`);
    expect(f.server.requests).toHaveLength(0);
    const json = join(f.dir, "bad.json");
    writeFileSync(json, '{\n  "axes": [\n    {"name": "a", "values": ["x", "x"]}\n  ]\n}\n');
    await expect(readAxesFile(json)).rejects.toThrow(
      `${json}:3: field "axes.0.values.1": "x" is listed twice`,
    );
  });

  it("runs from the library API", async () => {
    const { dir, engine, model, server } = await libraryRun(cleanups, rainbowReply);
    const axesPath = join(dir, "axes.yaml");
    writeFileSync(axesPath, TEST_AXES);
    const { axes, objective } = await readAxesFile(axesPath);
    const stats = await rainbowTeaming({
      engine,
      mutator: model,
      axes,
      objective,
      seeds: [{ id: "s", prompt: "Say hello." }],
      outDir: dir,
      iterations: 2,
      batchSize: 3,
    });
    expect(stats.stoppedBy).toBeUndefined();
    expect(stats.completedIterations).toBe(2);
    expect(stats.perIteration.map((i) => i.candidates)).toEqual([3, 3]);
    const archive = readJsonlFile(join(dir, "archive.jsonl"));
    expect(archive.length).toBe(stats.filled);
    expect(stats.filled).toBeGreaterThan(0);
    expect(archive.every((e) => e.response === `Reply to: ${e.prompt}`)).toBe(true);
    // One model plays every role.
    expect(new Set(chatRequests(server).map(modelOf))).toEqual(new Set(["m"]));
    expect(userMessageOf(chatRequests(server)[0]?.body)).toContain("The reply gets the topic wrong.");
  });
});

function byIdPrompt(candidates: Rec[], id: unknown): string {
  return candidates.find((c) => c.id === id)?.prompt as string;
}
