/**
 * End-to-end tests of `selfalign judge` through the real CLI against the scripted judge of
 * testkit/judge-model.ts, whose scores follow the "[q=N]" quality written into each response and whose
 * pairwise verdicts favour the first position unless the two responses are far apart.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { judge, preferences, resolveAspects } from "../src/index.js";
import { runCli } from "../testkit/cli.js";
import { judgeFixture, judgeReply, judgeServer, quality, RESPONSE_RECORDS } from "../testkit/judge-model.js";
import { libraryRun } from "../testkit/library-run.js";
import {
  chatRequests,
  cleanupsAfterEach,
  MODEL,
  readJson,
  readJsonlFile,
  userMessageOf,
  writeJsonl,
} from "../testkit/respond-e2e.js";

const cleanups = cleanupsAfterEach();

type Rec = Record<string, unknown>;
const judged = (out: string) => readJsonlFile(join(out, "judged.jsonl"));
const dropped = (out: string) => readJsonlFile(join(out, "dropped.jsonl"));
const pairs = (out: string) => readJsonlFile(join(out, "pairs.jsonl"));
const bodies = (requests: { body: unknown }[]) => requests.map((r) => JSON.stringify(r.body));
const byId = (records: Rec[]) => new Map(records.map((r) => [r.id as string, r]));

describe("judge: pointwise", () => {
  it("scores every aspect with a rationale first, keeps the input fields, and drops replies invalid after the repair", async () => {
    const server = await judgeServer(cleanups);
    const f = judgeFixture(cleanups, server);
    const result = await runCli(f.args());
    expect(result.stderr).toContain("judge: complete");
    expect(result.code).toBe(0);

    const records = judged(f.out);
    // Input order, without the garbled one.
    expect(records.map((r) => r.id)).toEqual(["r1a", "r2a", "r1b", "r3a", "r4a", "r2b", "r1c"]);
    for (const r of records) {
      const input = RESPONSE_RECORDS.find((x) => x.id === r.id) as Rec;
      expect(r).toMatchObject(input);
      const q = quality(r.response as string);
      expect(r.score).toBe(q - 0.25);
      const judgement = r.judgement as Rec;
      expect(judgement).toMatchObject({
        mode: "pointwise",
        model: MODEL,
        prompt: "judge/pointwise@v1",
        scale: 10,
        repaired: false,
        aspects: {
          helpfulness: { score: q, rationale: `helpfulness looks like ${q}` },
          honesty: { score: q, rationale: `honesty looks like ${q}` },
          "instruction-following": {
            score: q - 1,
            rationale: `instruction-following looks like ${q - 1 + 1}`,
          },
          truthfulness: { score: q, rationale: `truthfulness looks like ${q}` },
        },
      });
      expect(judgement.call).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(dropped(f.out)).toEqual([
      expect.objectContaining({
        reason: "invalid",
        record_id: "r4b",
        line: 8,
        raw: "I would rather not use JSON.",
        detail: expect.stringContaining("no valid JSON after one repair"),
      }),
    ]);

    // One request per record (plus the garbled one's repair), greedy, with a schema whose aspects put
    // the rationale before an integer score in 1..10.
    const requests = chatRequests(server);
    expect(requests).toHaveLength(9);
    const first = requests.find((r) => userMessageOf(r.body)?.includes("Reply r2a")) as { body: Rec };
    expect(first.body.temperature).toBe(0);
    const prompt = userMessageOf(first.body) as string;
    expect(prompt).toContain("System message the assistant was given:\nBe brief.");
    expect(prompt).toContain("Instruction:\nName a prime.");
    expect(prompt).toContain("- truthfulness: ");
    const schema = (first.body.response_format as { json_schema: { schema: Rec } }).json_schema.schema;
    const properties = schema.properties as Record<string, { properties: Rec }>;
    expect(Object.keys(properties)).toEqual([
      "helpfulness",
      "honesty",
      "instruction-following",
      "truthfulness",
    ]);
    for (const aspect of Object.values(properties)) {
      expect(Object.keys(aspect.properties)).toEqual(["rationale", "score"]);
      // An enum, not bounds: grammar-constrained local models enforce enums and ignore minimum/maximum.
      expect(aspect.properties.score).toMatchObject({ enum: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    }
    expect(readJson(join(f.out, "summary.json"))).toMatchObject({
      command: "judge",
      status: "complete",
      mode: "pointwise",
      read: 8,
      written: 7,
      requests: 8,
      dropped: { invalid: 1 },
    });
  });

  it("rates custom aspects described by an aspect file on another scale, with a reference answer", async () => {
    const server = await judgeServer(cleanups);
    const records = RESPONSE_RECORDS.slice(0, 2).map((r) => ({ ...r, gold: "The reference." }));
    const f = judgeFixture(cleanups, server, records);
    const aspectFile = join(f.dir, "aspects.yaml");
    writeFileSync(aspectFile, "brevity: Says it in as few words as it can.\n");
    const args = ["--aspects", "brevity,helpfulness,warmth", "--aspect-file", aspectFile, "--scale", "7"];
    const result = await runCli(f.args([...args, "--reference-field", "gold"]));
    expect(result.code).toBe(0);
    const prompt = userMessageOf(chatRequests(server)[0]?.body) as string;
    expect(prompt).toContain("- brevity: Says it in as few words as it can.");
    expect(prompt).toContain(`- helpfulness: ${resolveAspects(["helpfulness"])[0]?.description}`);
    expect(prompt).toContain("- warmth: How good the response is with respect to warmth.");
    expect(prompt).toContain("The reference.");
    expect(prompt).toContain("from 1 (very poor) to 7 (excellent)");
    // q = 9 is out of range on a 1..7 scale: invalid even after the repair.
    expect(judged(f.out).map((r) => r.id)).toEqual(["r2a"]);
    expect(judged(f.out)[0]?.score).toBe(6);
    expect(dropped(f.out)[0]).toMatchObject({ reason: "invalid", record_id: "r1a" });
  });

  it("rejects a bad record with its file, line and field before judging it", async () => {
    const server = await judgeServer(cleanups);
    const f = judgeFixture(cleanups, server, [
      RESPONSE_RECORDS[0],
      { id: "x", instruction: "Hi", response: 42 },
    ]);
    const result = await runCli(f.args());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${f.input}:2: field "response"`);
    // The record before it was judged and written all the same.
    expect(judged(f.out).map((r) => r.id)).toEqual(["r1a"]);
  });
});

describe("judge: pairwise", () => {
  it("compares every pair of responses to one instruction in both orders; disagreeing orders make a tie", async () => {
    const server = await judgeServer(cleanups);
    const f = judgeFixture(cleanups, server);
    const result = await runCli(f.args(["--mode", "pairwise"]));
    expect(result.code).toBe(0);

    const compared = pairs(f.out);
    expect(compared.map((p) => [p.a, p.b, p.outcome, p.winner])).toEqual([
      ["r1a", "r1b", "a", "r1a"],
      ["r1a", "r1c", "a", "r1a"],
      // Close qualities: the biased judge says "A" both times, i.e. r1b first, then r1c: a tie.
      ["r1b", "r1c", "tie", "tie"],
      ["r2a", "r2b", "tie", "tie"],
    ]);
    const biased = compared[2] as Rec;
    expect((biased.verdicts as Rec[]).map((v) => [v.order, v.better])).toEqual([
      ["a-b", "a"],
      ["b-a", "b"],
    ]);
    expect(biased.lineage).toEqual({ source_id: "s1" });

    // Both orders were asked: the same two responses, swapped.
    const prompts = chatRequests(server).map((r) => userMessageOf(r.body) as string);
    const shown = (a: string, b: string) =>
      prompts.filter((p) => p.includes(`Response A:\nReply ${a}`) && p.includes(`Response B:\nReply ${b}`));
    for (const p of compared) {
      expect(shown(p.a as string, p.b as string)).toHaveLength(1);
      expect(shown(p.b as string, p.a as string)).toHaveLength(1);
    }
    // 5 pairs x 2 orders, and a repair for each order of the garbled pair.
    expect(prompts).toHaveLength(12);
    expect(dropped(f.out)).toEqual([
      expect.objectContaining({ reason: "invalid", a: "r4a", b: "r4b", order: "a-b" }),
    ]);

    // Records in group order with their tallies; win rate counts ties half; no rival, no score.
    const records = judged(f.out);
    expect(records.map((r) => [r.id, r.wins, r.losses, r.ties, r.score])).toEqual([
      ["r1a", 2, 0, 0, 1],
      ["r1b", 0, 1, 1, 0.25],
      ["r1c", 0, 1, 1, 0.25],
      ["r2a", 0, 0, 1, 0.5],
      ["r2b", 0, 0, 1, 0.5],
      ["r3a", 0, 0, 0, null],
      ["r4a", 0, 0, 0, null],
      ["r4b", 0, 0, 0, null],
    ]);
    expect(records[0]).toMatchObject({
      ...RESPONSE_RECORDS[0],
      judgement: { mode: "pairwise", comparisons: 2 },
    });
    expect(readJson(join(f.out, "summary.json"))).toMatchObject({
      status: "complete",
      groups: { total: 4, single: 1 },
      pairs: { compared: 4, decided: 2, ties: 2 },
    });
    // The responses parked on disk while groups were judged are gone.
    expect(readdirSync(f.out).filter((name) => name.includes(".sqlite"))).toEqual([]);

    // Preferences from win rates: default margin 0.5, the best against the (first) worst.
    const prefs = join(f.dir, "prefs.jsonl");
    const made = await runCli(["preferences", "--in", join(f.out, "judged.jsonl"), "--out", prefs]);
    expect(made.code).toBe(0);
    expect(readJsonlFile(prefs).map((p) => [p.chosen_id, p.rejected_id, p.margin])).toEqual([
      ["r1a", "r1b", 0.75],
    ]);
  });
});

describe("judge: resume and library", () => {
  it("stopped by --max-calls, a re-run sends no request twice and writes what one run writes", async () => {
    const server = await judgeServer(cleanups);
    for (const mode of ["pointwise", "pairwise"]) {
      const args = ["--mode", mode, "--concurrency", "2"];
      const whole = judgeFixture(cleanups, server);
      let from = server.requests.length;
      expect((await runCli(whole.args(args))).code).toBe(0);
      const total = chatRequests(server, from).length;
      const files =
        mode === "pairwise"
          ? ["judged.jsonl", "pairs.jsonl", "dropped.jsonl"]
          : ["judged.jsonl", "dropped.jsonl"];
      // Drops name the input file, which lives in each fixture's own directory.
      const read = (dir: string, name: string) =>
        readFileSync(join(dir, "judged", name), "utf8").replaceAll(dir, "DIR");
      const expected = files.map((name) => read(whole.dir, name));

      const f = judgeFixture(cleanups, server);
      from = server.requests.length;
      const first = await runCli(f.args([...args, "--max-calls", "5"]));
      expect(first.code).toBe(3);
      expect(readJson(join(f.out, "summary.json")).status).toBe("budget");
      const partial = readFileSync(join(f.out, "judged.jsonl"), "utf8");
      expect(expected[0]?.startsWith(partial)).toBe(true);
      expect(partial.length).toBeLessThan((expected[0] as string).length);

      const second = await runCli(f.args(args));
      expect(second.code).toBe(0);
      const sent = bodies(chatRequests(server, from));
      expect(sent).toHaveLength(total);
      expect(new Set(sent).size).toBe(total);
      expect(files.map((name) => read(f.dir, name))).toEqual(expected);
    }
  });

  it("runs from the library API, and preferences take its output", async () => {
    const { dir, runDir, engine, model } = await libraryRun(cleanups, judgeReply);
    const inputPath = writeJsonl(join(dir, "responses.jsonl"), RESPONSE_RECORDS);
    const stats = await judge({ engine, model, inputPath, outDir: dir });
    runDir.close();
    expect(stats).toMatchObject({ mode: "pointwise", read: 8, written: 7, dropped: { invalid: 1 } });
    expect(stats.stoppedBy).toBeUndefined();
    const scores = byId(judged(dir));
    expect(scores.get("r1a")?.score).toBe(8.75);

    const outputPath = join(dir, "preferences.jsonl");
    const prefs = await preferences({ inputPath: join(dir, "judged.jsonl"), outputPath });
    expect(prefs).toMatchObject({ groups: 4, pairs: 1, singleResponse: 2, noPairAboveMargin: 1 });
    expect(readJsonlFile(outputPath)[0]).toMatchObject({ chosen_id: "r1a", rejected_id: "r1c", margin: 7 });
  });
});
