/**
 * `selfalign preferences` through the real CLI on hand-made judged records (no model involved): pair
 * selection (best-worst, all), margins, groups that give no pair, the record shape, and bad input.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { preferences } from "../src/index.js";
import { runCli, tempDir } from "../testkit/cli.js";
import { cleanupsAfterEach, readJson, readJsonlFile, removeDir, writeJsonl } from "../testkit/respond-e2e.js";

const cleanups = cleanupsAfterEach();

function judgedRecord(id: string, source: string | undefined, score: number | null, mode = "pointwise") {
  const instruction = `Task ${source ?? "loose"}`;
  const response = `Answer ${id}`;
  return {
    id,
    instruction,
    response,
    messages: [
      { role: "system", content: "Be kind." },
      { role: "user", content: instruction },
      { role: "assistant", content: response },
    ],
    ...(source ? { lineage: { source_id: source } } : {}),
    judgement: { mode, model: "judge-model", prompt: `judge/${mode}@v1` },
    score,
  };
}

/** g1: 9, 6, 2 (and one tie with 9); g2: 5 and 4.5 (below a margin of 1); g3 alone; two without lineage. */
const JUDGED = [
  judgedRecord("a1", "g1", 9),
  judgedRecord("b1", "g2", 5),
  judgedRecord("a2", "g1", 6),
  judgedRecord("c1", "g3", 7),
  judgedRecord("a3", "g1", 2),
  judgedRecord("b2", "g2", 4.5),
  judgedRecord("a4", "g1", 9),
  judgedRecord("l1", undefined, 8),
  judgedRecord("l2", undefined, 3),
];

function fixture(records: unknown[] = JUDGED) {
  const dir = tempDir("selfalign-prefs-");
  cleanups.push(() => removeDir(dir));
  const input = writeJsonl(join(dir, "judged.jsonl"), records);
  return { dir, input, run: (extra: string[]) => runCli(["preferences", "--in", input, ...extra]) };
}

const ids = (path: string) => readJsonlFile(path).map((p) => [p.chosen_id, p.rejected_id, p.margin]);

describe("preferences", () => {
  it("pairs the best with the worst response per instruction above the margin, and reports groups without a pair", async () => {
    const f = fixture();
    const out = join(f.dir, "prefs");
    const result = await f.run(["--out", out]);
    expect(result.code).toBe(0);
    const file = join(out, "preferences.jsonl");
    // g1: the first of the two 9s against 2; g2 is 0.5 apart; g3 alone; the lineage-less pair groups by prompt.
    expect(ids(file)).toEqual([
      ["a1", "a3", 7],
      ["l1", "l2", 5],
    ]);
    expect(readJsonlFile(file)[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      prompt: "Task g1",
      chosen: "Answer a1",
      rejected: "Answer a3",
      prompt_messages: [
        { role: "system", content: "Be kind." },
        { role: "user", content: "Task g1" },
      ],
      chosen_score: 9,
      rejected_score: 2,
      margin: 7,
      chosen_id: "a1",
      rejected_id: "a3",
      lineage: { source_id: "g1" },
      meta: { method: "preferences", judge_model: "judge-model", pairs: "best-worst", min_margin: 1 },
    });
    expect(readJsonlFile(file)[1]?.lineage).toEqual({});
    const counts = { read: 9, groups: 4, withPairs: 2, pairs: 2, singleResponse: 1, noPairAboveMargin: 1 };
    expect(readJson(join(out, "summary.json"))).toMatchObject({ command: "preferences", ...counts });
    expect(result.stderr).toContain("1 with a single scored response, 1 with no pair at the margin");

    // A smaller margin lets g2 through.
    expect((await f.run(["--out", out, "--margin", "0.5"])).code).toBe(0);
    expect(ids(file)).toEqual([
      ["a1", "a3", 7],
      ["b1", "b2", 0.5],
      ["l1", "l2", 5],
    ]);
  });

  it("with --pairs all, takes every pair at the margin and never a tie", async () => {
    const f = fixture();
    const out = join(f.dir, "all.jsonl");
    expect((await f.run(["--out", out, "--pairs", "all"])).code).toBe(0);
    expect(existsSync(join(f.dir, "summary.json"))).toBe(false);
    expect(ids(out)).toEqual([
      ["a1", "a2", 3],
      ["a1", "a3", 7],
      ["a2", "a3", 4],
      ["a4", "a2", 3],
      ["a4", "a3", 7],
      ["l1", "l2", 5],
    ]);
    expect((await f.run(["--out", out, "--pairs", "all", "--margin", "4"])).code).toBe(0);
    expect(ids(out)).toEqual([
      ["a1", "a3", 7],
      ["a2", "a3", 4],
      ["a4", "a3", 7],
      ["l1", "l2", 5],
    ]);
    // The responses parked between the two passes are gone; only the pairs remain beside the input.
    const leftovers = readdirSync(f.dir).filter(
      (name) => name.includes(".sqlite") || name.endsWith(".partial"),
    );
    expect(leftovers).toEqual([]);
  });

  it("uses a margin of 0.5 for pairwise win rates and skips records without a score", async () => {
    const records = [
      judgedRecord("w1", "p", 1, "pairwise"),
      judgedRecord("w2", "p", 0.25, "pairwise"),
      judgedRecord("w3", "p", 0.75, "pairwise"),
      judgedRecord("s1", "q", null, "pairwise"),
    ];
    const out = join(tempDir("selfalign-prefs-"), "p.jsonl");
    cleanups.push(() => removeDir(join(out, "..")));
    const stats = await preferences({ inputPath: fixture(records).input, outputPath: out });
    expect(stats).toMatchObject({ read: 4, unscored: 1, groups: 2, singleResponse: 1, pairs: 1 });
    expect(ids(out)).toEqual([["w1", "w2", 0.75]]);
  });

  it("rejects a record without a score with its file, line and field", async () => {
    const { score: _score, judgement: _judgement, ...unjudged } = judgedRecord("x", "g", 1);
    const f = fixture([JUDGED[0], unjudged]);
    const out = join(f.dir, "out.jsonl");
    const result = await f.run(["--out", out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${f.input}:2: field "score": missing: run \`selfalign judge\``);
    expect(existsSync(out)).toBe(false);
  });
});
