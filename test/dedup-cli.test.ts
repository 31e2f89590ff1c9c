/**
 * `selfalign dedup` end to end in a child process: kept and dropped files, reasons, nearest ids and
 * scores, the pool, the three methods, heuristics, CJK, and bad input.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "../testkit/cli.js";
import { cleanupsAfterEach, readJsonlFile, removeDir, writeJsonl } from "../testkit/respond-e2e.js";

interface DedupInfo {
  method: string;
  reason: string;
  nearest_id?: string;
  score?: number;
  tokenizer?: string;
}

/** The `dedup` annotations of the dropped file, in order. */
function droppedInfo(path: string): DedupInfo[] {
  return readJsonlFile(path).map((r) => r.dedup as DedupInfo);
}

const cleanups = cleanupsAfterEach();

function workspace() {
  const dir = tempDir("selfalign-dedup-");
  cleanups.push(() => removeDir(dir));
  const out = join(dir, "kept.jsonl");
  const dropped = join(dir, "dropped.jsonl");
  const args = (input: string, extra: string[] = []) => [
    "dedup",
    "--in",
    input,
    "--out",
    out,
    "--dropped",
    dropped,
    ...extra,
  ];
  return { dir, out, dropped, args };
}

const records = [
  { id: "a", instruction: "Write a short poem about the sea at night and the stars above it." },
  { id: "b", instruction: "Write a short poem about the sea at night and the stars above." },
  { id: "c", instruction: "Explain how a refrigerator keeps food cold using a compressor." },
  { id: "d", instruction: "List three benefits of regular exercise for older adults." },
  { id: "e", instruction: "Explain how a refrigerator keeps the food cold using its compressor." },
];

describe("selfalign dedup", () => {
  it("drops ROUGE-L near-duplicates above the threshold, naming the kept record and the score", async () => {
    const w = workspace();
    const input = writeJsonl(join(w.dir, "in.jsonl"), records);
    const result = await runCli(w.args(input));
    expect(result.code).toBe(0);
    expect(readJsonlFile(w.out).map((r) => r.id)).toEqual(["a", "c", "d"]);
    const dropped = readJsonlFile(w.dropped);
    expect(dropped.map((r) => r.id)).toEqual(["b", "e"]);
    for (const r of dropped) {
      const d = r.dedup as { method: string; reason: string; nearest_id: string; score: number };
      expect(d.method).toBe("rougeL");
      expect(d.reason).toBe("rougeL");
      expect(d.score).toBeGreaterThan(0.7);
    }
    expect(droppedInfo(w.dropped).map((d) => d.nearest_id)).toEqual(["a", "c"]);
    expect(result.stderr).toMatch(
      /dedup \(rougeL\): read 5, kept 3, dropped 2 \(rougeL 2\); tokenizer: rouge 5; [\d.]+ s/,
    );
  });

  it("keeps a record whose score equals the threshold (only greater drops) and respects --threshold", async () => {
    const w = workspace();
    const input = writeJsonl(join(w.dir, "in.jsonl"), [
      { id: "x", instruction: "alpha beta gamma delta" },
      { id: "y", instruction: "alpha beta epsilon zeta" }, // LCS 2 of 4: F = 0.5
    ]);
    expect((await runCli(w.args(input, ["--threshold", "0.5"]))).code).toBe(0);
    expect(readJsonlFile(w.out).map((r) => r.id)).toEqual(["x", "y"]);
    expect((await runCli(w.args(input, ["--threshold", "0.49"]))).code).toBe(0);
    expect(readJsonlFile(w.out).map((r) => r.id)).toEqual(["x"]);
  });

  it("compares with a pool given by --against, which is never written out", async () => {
    const w = workspace();
    const pool = writeJsonl(join(w.dir, "seeds.jsonl"), [{ id: "s1", instruction: records[0]?.instruction }]);
    const input = writeJsonl(join(w.dir, "in.jsonl"), records.slice(1, 4));
    const result = await runCli(w.args(input, ["--against", pool]));
    expect(result.code).toBe(0);
    expect(readJsonlFile(w.out).map((r) => r.id)).toEqual(["c", "d"]);
    expect(droppedInfo(w.dropped).map((d) => d.nearest_id)).toEqual(["pool:s1"]);
    expect(result.stderr).toMatch(/pool 1/);
  });

  it("finds Chinese near-duplicates with the CJK-aware tokenizer, which rouge_score's tokenizer cannot", async () => {
    const w = workspace();
    const input = writeJsonl(join(w.dir, "in.jsonl"), [
      { id: "z1", instruction: "请用一句话解释什么是机器学习。" },
      { id: "z2", instruction: "请用一句话解释一下什么是机器学习。" },
    ]);
    const auto = await runCli(w.args(input));
    expect(auto.code).toBe(0);
    expect(readJsonlFile(w.out).map((r) => r.id)).toEqual(["z1"]);
    expect(auto.stderr).toMatch(/tokenizer: cjk 2/);
    expect(droppedInfo(w.dropped)).toMatchObject([{ reason: "rougeL", nearest_id: "z1", tokenizer: "cjk" }]);
    // rouge_score's tokenizer deletes all non-ASCII text: every Chinese text scores 0 and is kept.
    expect((await runCli(w.args(input, ["--tokenizer", "rouge"]))).code).toBe(0);
    expect(readJsonlFile(w.out).map((r) => r.id)).toEqual(["z1", "z2"]);
  });

  it("finds exact duplicates after normalization, and MinHash near-duplicates", async () => {
    const w = workspace();
    const long =
      "Describe the main causes of the French Revolution and explain how they interacted over the decades before 1789 in France";
    const input = writeJsonl(join(w.dir, "in.jsonl"), [
      { id: "p", instruction: long },
      { id: "q", instruction: `  ${long.toUpperCase()}  ` },
      { id: "r", instruction: long.replace("main", "principal") },
      {
        id: "s",
        instruction: "Give me a recipe for a vegetarian lasagna with spinach and ricotta cheese please",
      },
    ]);
    expect((await runCli(w.args(input, ["--method", "exact"]))).code).toBe(0);
    expect(readJsonlFile(w.out).map((r) => r.id)).toEqual(["p", "r", "s"]);
    expect(droppedInfo(w.dropped).map((d) => d.reason)).toEqual(["exact-duplicate"]);
    expect((await runCli(w.args(input, ["--method", "minhash", "--threshold", "0.5"]))).code).toBe(0);
    expect(readJsonlFile(w.out).map((r) => r.id)).toEqual(["p", "s"]);
    expect(droppedInfo(w.dropped).map((d) => d.reason)).toEqual(["minhash", "minhash"]);
  });

  it("applies the heuristic filters with --heuristics, each drop with its reason", async () => {
    const w = workspace();
    const input = writeJsonl(join(w.dir, "in.jsonl"), [
      { id: "ok", instruction: "Summarize a famous novel in three short sentences." },
      { id: "img", instruction: "Describe the image below in detail for a blind reader." },
      { id: "short", instruction: "Say hi." },
      { id: "punct", instruction: "- Write a list of five fruits that are red." },
    ]);
    expect((await runCli(w.args(input, ["--heuristics"]))).code).toBe(0);
    expect(readJsonlFile(w.out).map((r) => r.id)).toEqual(["ok"]);
    expect(droppedInfo(w.dropped).map((d) => d.reason)).toEqual([
      "blacklist",
      "too-short",
      "starts-with-punctuation",
    ]);
  });

  it("stops at a bad record naming file and line, and leaves earlier outputs untouched", async () => {
    const w = workspace();
    writeFileSync(w.out, "previous\n");
    const input = join(w.dir, "bad.jsonl");
    writeFileSync(input, `${JSON.stringify(records[0])}\n{"id": "b", "instruction": 42}\n`);
    const result = await runCli(w.args(input));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${input}:2: field "instruction"`);
    expect(readFileSync(w.out, "utf8")).toBe("previous\n");
    expect(existsSync(w.dropped)).toBe(false);
  });
});
