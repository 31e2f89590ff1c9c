/**
 * `selfalign stats`: counts, fields, lengths, methods/models/steps, drop reasons, score distributions
 * and the seeded diversity sample, through the CLI (--json and the table) and the library.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DatasetStats, datasetStats, histogram, percentile, summarize } from "../src/index.js";
import { runCli, tempDir } from "../testkit/cli.js";
import { cleanupsAfterEach, removeDir, writeJsonl } from "../testkit/respond-e2e.js";

const cleanups = cleanupsAfterEach();

function workspace(): string {
  const dir = tempDir("selfalign-stats-");
  cleanups.push(() => removeDir(dir));
  return dir;
}

const TOPICS = ["rivers", "volcanoes", "glaciers", "deserts", "forests", "oceans", "caves", "islands"];

/** Judged respond records: instruction, chat, a score per record and per aspect, IFD in meta. */
const judged = TOPICS.map((topic, i) => ({
  id: `j${i}`,
  instruction: `Explain how ${topic} form`,
  response: `${topic} form slowly`,
  messages: [
    { role: "user", content: `Explain how ${topic} form` },
    { role: "assistant", content: `${topic} form slowly` },
  ],
  model: i < 6 ? "model-a" : "model-b",
  score: i + 1,
  judgement: { mode: "pointwise", scores: { helpfulness: 10 - i, honesty: 5 } },
  meta: { method: "respond", step: "respond", ifd: 0.5 + i / 100 },
}));

async function statsJson(args: string[]): Promise<DatasetStats> {
  const result = await runCli(["stats", ...args, "--json"]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as DatasetStats;
}

describe("selfalign stats", () => {
  it("reports counts, fields, lengths, methods, models, steps and every score found (--json)", async () => {
    const dir = workspace();
    const file = writeJsonl(join(dir, "judged.jsonl"), [
      ...judged,
      { id: "x", instruction: "Unanswered", response: null, error: "structured output: bad" },
    ]);
    const s = await statsJson([file]);
    expect(s.records).toBe(9);
    expect(s.kinds).toEqual({ sft: 8, preference: 0, other: 1 });
    expect(s.notExportable).toEqual({ "failed-response": 1 });
    expect(s.fields).toMatchObject({ id: 9, instruction: 9, response: 8, messages: 8, score: 8, error: 1 });
    expect(s.methods).toEqual({ respond: 8 });
    expect(s.models).toEqual({ "model-a": 6, "model-b": 2 });
    expect(s.steps).toEqual({ respond: 8 });
    // "Explain how X form": 3 tokens + the topic; the unanswered record's instruction counts too.
    expect(s.lengths.instruction.words).toMatchObject({ count: 9, min: 1, max: 4, p50: 4 });
    expect(s.lengths.response.words).toMatchObject({ count: 8, min: 3, max: 3 });
    expect(Object.keys(s.scores)).toEqual([
      "judgement.scores.helpfulness",
      "judgement.scores.honesty",
      "meta.ifd",
      "score",
    ]);
    expect(s.scores.score).toMatchObject({ count: 8, min: 1, max: 8, p50: 4.5, mean: 4.5 });
    // Integer scores on a short scale: one bin per value.
    expect(s.scores.score!.histogram).toEqual(
      Array.from({ length: 8 }, (_, i) => ({ from: i + 1, to: i + 2, count: 1 })),
    );
    expect(s.scores["judgement.scores.honesty"]!.histogram).toEqual([{ from: 5, to: 6, count: 1 * 8 }]);
    expect(s.scores["meta.ifd"]).toMatchObject({ count: 8, min: 0.5, max: expect.closeTo(0.57, 9) });
    expect(s.scores["meta.ifd"]!.histogram).toHaveLength(10);
    expect(s.diversity).toMatchObject({ text: "instruction", sample: 9, seed: 1 });
    expect(s.diversity!.rougeL.pairs).toBe(36);
    // Every instruction shares "explain how ... form": the mean pairwise F is well above zero.
    expect(s.diversity!.rougeL.mean).toBeGreaterThan(0.5);
  });

  it("counts drop reasons of a dropped.jsonl and preference scores; samples with a seed", async () => {
    const dir = workspace();
    const dropped = writeJsonl(join(dir, "dropped.jsonl"), [
      { id: "d1", reason: "rougeL", instruction: "a b c d" },
      { id: "d2", reason: "rougeL", instruction: "a b c e" },
      { id: "d3", reason: "blacklist", instruction: "draw an image" },
      { id: "d4", dedup: { reason: "exact", score: 1 }, instruction: "x y" },
    ]);
    const d = await statsJson([dropped]);
    expect(d.drops).toEqual({ rougeL: 2, blacklist: 1, exact: 1 });
    expect(d.scores["dedup.score"]).toMatchObject({ count: 1, min: 1 });

    const pairs = writeJsonl(
      join(dir, "pairs.jsonl"),
      TOPICS.map((topic, i) => ({
        prompt: `Describe ${topic} in one line`,
        chosen: `${topic} are wonderful places`,
        rejected: "no",
        chosen_score: 8,
        rejected_score: 8 - (i % 4) - 1,
        margin: (i % 4) + 1,
      })),
    );
    const p = await statsJson([pairs, "--sample", "3", "--seed", "7"]);
    expect(p.kinds).toEqual({ sft: 0, preference: 8, other: 0 });
    expect(p.lengths.chosen!.words).toMatchObject({ count: 8, min: 4, max: 4 });
    expect(p.lengths.rejected!.chars).toMatchObject({ count: 8, min: 2, max: 2 });
    expect(p.scores.margin).toMatchObject({ count: 8, min: 1, max: 4, mean: 2.5 });
    expect(p.scores.margin!.histogram.map((b) => b.count)).toEqual([2, 2, 2, 2]);
    expect(p.diversity).toMatchObject({ sample: 3, seed: 7 });
    // Same seed, same sample; the table shows the same figures as --json.
    const again = await statsJson([pairs, "--sample", "3", "--seed", "7"]);
    expect(again.diversity).toEqual(p.diversity);
    const table = await runCli(["stats", pairs, "--sample", "3", "--seed", "7"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`${pairs}: 8 records (sft 0, preference 8, other 0)`);
    expect(table.stdout).toContain("  margin: n 8, min 1, p50 2.5, mean 2.5, max 4");
    expect(table.stdout).toContain("diversity of 3 sampled instruction texts (seed 7):");
    expect(table.stdout).toMatch(/^ {2}chosen +8 /m);
  });

  it("works from the library, with --field choosing the measured text", async () => {
    const dir = workspace();
    const file = writeJsonl(join(dir, "judged.jsonl"), judged);
    const s = await datasetStats(file, { field: "response", sample: 4, seed: "s" });
    expect(s.lengths.instruction.words).toMatchObject({ count: 8, min: 3, max: 3 });
    expect(s.diversity).toMatchObject({ text: "response", sample: 4, seed: "s" });
    const other = await datasetStats(file, { field: "response", sample: 4, seed: "s" });
    expect(other.diversity).toEqual(s.diversity);
    expect(summarize([4, 1, 3, 2])).toEqual({
      count: 4,
      min: 1,
      p10: 1.3,
      p50: 2.5,
      p90: 3.7,
      p99: expect.closeTo(3.97, 9),
      max: 4,
      mean: 2.5,
    });
    expect(percentile([10, 20], 50)).toBe(15);
    expect(histogram([0, 0.25, 1], 2)).toEqual([
      { from: 0, to: 0.5, count: 2 },
      { from: 0.5, to: 1, count: 1 },
    ]);
  });
});
