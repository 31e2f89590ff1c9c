/**
 * End-to-end tests of `selfalign learn-from-errors` (LLMs-as-Instructors) through the real CLI against
 * the scripted student and teacher of testkit/learn-from-errors-model.ts, whose failures and groupings
 * are known in advance.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createChecker, learnFromErrors, readLabelled, rougeL } from "../src/index.js";
import { runCli } from "../testkit/cli.js";
import {
  analysedQuestion,
  contrastedQuestions,
  LFE_FAILURES,
  LFE_PAIRS,
  LFE_TRAIN,
  LFE_WEAKNESSES,
  lfeFixture,
  lfeIdOf,
  lfeKind,
  lfeReply,
  lfeServer,
  STUDENT,
  writeLfeTrain,
  writtenQuestion,
} from "../testkit/learn-from-errors-model.js";
import { libraryRun } from "../testkit/library-run.js";
import {
  chatRequests,
  cleanupsAfterEach,
  MODEL,
  readJson,
  readJsonlFile,
  userMessageOf,
} from "../testkit/respond-e2e.js";
import type { RecordedRequest } from "../testkit/scripted-server.js";

const cleanups = cleanupsAfterEach();

type Rec = Record<string, unknown> & { meta: Record<string, unknown> };
const jsonl = (out: string, file: string) => readJsonlFile(join(out, file)) as Rec[];
const kinds = (requests: RecordedRequest[]) => {
  const counts: Record<string, number> = {};
  for (const r of requests) counts[lfeKind(r.body)] = (counts[lfeKind(r.body)] ?? 0) + 1;
  return counts;
};
const FILES = ["answers.jsonl", "analyses.jsonl", "examples.jsonl", "dropped.jsonl", "weaknesses.json"];

describe("learn-from-errors: analyse, group, write", () => {
  it("analyses only the failures, puts each in exactly one weakness and writes K examples per weakness", async () => {
    const server = await lfeServer(cleanups);
    const f = lfeFixture(cleanups, server);
    const result = await runCli(f.args(["--per-weakness", "2"]));
    expect(result.stderr).toContain("learn-from-errors: complete");
    expect(result.code).toBe(0);

    // The exam: every question answered by the student model, graded by the exact checker.
    const answers = jsonl(f.out, "answers.jsonl");
    expect(answers.map((a) => a.example_id)).toEqual(LFE_TRAIN.map((row) => row[0]));
    for (const a of answers) {
      const row = LFE_TRAIN.find((r) => r[0] === a.example_id)!;
      expect(a).toMatchObject({
        question: row[1],
        reference: row[2],
        answer: row[3],
      });
      expect(a.verdict).toEqual({
        correct: row[2] === row[3],
        evidence: { expected: row[2].toLowerCase(), got: row[3].toLowerCase() },
      });
      expect(a.meta).toMatchObject({
        method: "learn-from-errors",
        step: "exam",
        model: STUDENT,
        checker: "exact",
      });
    }
    const requests = chatRequests(server);
    for (const r of requests)
      expect((r.body as { model: string }).model).toBe(lfeKind(r.body) === "student" ? STUDENT : MODEL);

    // Analyses: one per failure, none for a correct answer, each from a prompt about that failure.
    const analyses = jsonl(f.out, "analyses.jsonl");
    expect(analyses.map((a) => a.failure_id)).toEqual(LFE_FAILURES);
    const analysed = requests.filter((r) => lfeKind(r.body) === "analyse");
    expect(analysed.map((r) => lfeIdOf(analysedQuestion(userMessageOf(r.body) ?? ""))).sort()).toEqual(
      [...LFE_FAILURES].sort(),
    );
    for (const a of analyses) {
      expect(a).not.toHaveProperty("pair");
      expect(a.category).toEqual(expect.any(String));
      expect(a.explanation).toContain(a.question as string);
      expect(a.meta).toMatchObject({
        step: "analyse",
        mode: "errors",
        model: MODEL,
        prompts: ["learn-from-errors/analyse@v1"],
      });
    }

    // Weaknesses: the two the teacher named (an unknown label ignored), the rest in "other"; every
    // failure in exactly one.
    const weaknesses = readJson(join(f.out, "weaknesses.json"));
    const list = weaknesses.weaknesses as Array<{ name: string; failure_ids: string[]; source: string }>;
    expect(list.map(({ name, failure_ids }) => ({ name, failure_ids }))).toEqual(LFE_WEAKNESSES);
    expect(list.map((w) => w.source)).toEqual(["grouping", "grouping", "leftover"]);
    expect(list.flatMap((w) => w.failure_ids).sort()).toEqual([...LFE_FAILURES].sort());
    expect(weaknesses).toMatchObject({ mode: "errors", unknown_labels: 1, calls: [expect.any(String)] });

    // K = 2 per weakness (the teacher offers 3); the copy of a training question is dropped.
    const examples = jsonl(f.out, "examples.jsonl");
    const per = (name: string) => examples.filter((e) => e.weakness === name);
    expect(per("Percentages").map((e) => e.question)).toEqual(
      [0, 1].map((i) => writtenQuestion("Percentages", i)),
    );
    expect(per("Unit conversion")).toHaveLength(2);
    expect(per("other").map((e) => e.question)).toEqual([writtenQuestion("other", 0)]);
    for (const e of examples) {
      const w = list.find((x) => x.name === e.weakness)!;
      expect(e.failure_ids).toEqual(w.failure_ids);
      expect(e.meta).toMatchObject({
        step: "write",
        model: MODEL,
        prompts: ["learn-from-errors/analyse@v1", "learn-from-errors/group@v1", "learn-from-errors/write@v1"],
      });
    }
    const dropped = jsonl(f.out, "dropped.jsonl");
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ reason: "duplicate", duplicate_of: "train:c1", weakness: "other" });

    expect(kinds(requests)).toEqual({ student: 9, analyse: 5, group: 1, write: 3 });
    const summary = readJson(join(f.out, "summary.json"));
    expect(summary).toMatchObject({
      command: "learn-from-errors",
      status: "complete",
      answered: 9,
      correct: 4,
      failures: 5,
      analysed: 5,
      weaknesses: 3,
      groupingCalls: 1,
      leftovers: 1,
      generated: 5,
      short: 1,
      dropped: { duplicate: 1 },
    });
  });

  it("--contrast pairs each failure with its most similar correctly answered question", async () => {
    const server = await lfeServer(cleanups);
    const f = lfeFixture(cleanups, server);
    const result = await runCli(f.args(["--contrast", "--per-weakness", "1"]));
    expect(result.code).toBe(0);
    const analyses = jsonl(f.out, "analyses.jsonl");
    expect(analyses.map((a) => a.failure_id)).toEqual(LFE_FAILURES);
    const correct = LFE_TRAIN.filter((row) => row[2] === row[3]);
    for (const a of analyses) {
      const expected = LFE_PAIRS[a.failure_id as string];
      if (expected === null) {
        // Shares no word with any correct question: analysed plainly.
        expect(a.pair).toBeNull();
        expect(a.meta.prompts).toEqual(["learn-from-errors/analyse@v1"]);
        continue;
      }
      const solved = LFE_TRAIN.find((row) => row[0] === expected)!;
      const score = rougeL(a.question as string, solved[1]).f;
      expect(a.pair).toEqual({ id: expected, question: solved[1], answer: solved[3], rouge_l: score });
      // The pair is the strict maximum over the correctly answered questions.
      for (const other of correct.filter((row) => row[0] !== expected))
        expect(rougeL(a.question as string, other[1]).f).toBeLessThan(score);
      expect(a.difference).toBe(`"${a.question}" differs from "${solved[1]}"`);
      expect(a.meta).toMatchObject({ mode: "contrast", prompts: ["learn-from-errors/contrast@v1"] });
    }
    // The contrast prompts show exactly those pairs.
    const contrasts = chatRequests(server).filter((r) => lfeKind(r.body) === "contrast");
    const shown = contrasts.map((r) => contrastedQuestions(userMessageOf(r.body) ?? ""));
    expect(shown.map((s) => [lfeIdOf(s.wrong), lfeIdOf(s.right)]).sort()).toEqual(
      Object.entries(LFE_PAIRS)
        .filter(([, p]) => p !== null)
        .sort(),
    );
    const weaknesses = readJson(join(f.out, "weaknesses.json"));
    expect((weaknesses.weaknesses as Array<{ failure_ids: string[] }>).map((w) => w.failure_ids)).toEqual(
      LFE_WEAKNESSES.map((w) => w.failure_ids),
    );
    expect(jsonl(f.out, "examples.jsonl")).toHaveLength(3);
    expect(readJson(join(f.out, "summary.json"))).toMatchObject({ paired: 4, unpaired: 1 });
  });

  it("groups large sets in chunks, showing earlier weaknesses and merging them by name", async () => {
    const server = await lfeServer(cleanups);
    const f = lfeFixture(cleanups, server);
    expect((await runCli(f.args(["--group-chunk", "2", "--per-weakness", "1"]))).code).toBe(0);
    const groups = chatRequests(server).filter((r) => lfeKind(r.body) === "group");
    expect(groups).toHaveLength(3);
    expect(userMessageOf(groups[0]?.body)).not.toContain("Weaknesses already found");
    expect(userMessageOf(groups[1]?.body)).toContain("- Percentages: Cannot handle percentages.");
    const weaknesses = readJson(join(f.out, "weaknesses.json"));
    const list = weaknesses.weaknesses as Array<{ name: string; failure_ids: string[] }>;
    // Later chunks spell the names in capitals: merged, keeping the first spelling.
    expect(list.map(({ name, failure_ids }) => ({ name, failure_ids }))).toEqual(LFE_WEAKNESSES);
    expect(weaknesses.calls).toHaveLength(3);
  });
});

describe("learn-from-errors: resume and library", () => {
  it("stopped by --max-calls in any step, a re-run sends no request twice and writes what one run writes", async () => {
    const server = await lfeServer(cleanups);
    const args = ["--per-weakness", "2", "--concurrency", "2"];
    const whole = lfeFixture(cleanups, server);
    expect((await runCli(whole.args(args))).code).toBe(0);
    const total = chatRequests(server).length;
    expect(total).toBe(18);
    const read = (out: string, file: string) => readFileSync(join(out, file), "utf8");
    const expected = Object.fromEntries(FILES.map((file) => [file, read(whole.out, file)]));

    // In the exam, among the analyses, at the grouping call, among the writings.
    for (const stopAt of [4, 12, 14, 16]) {
      const f = lfeFixture(cleanups, server);
      const from = server.requests.length;
      const first = await runCli(f.args([...args, "--max-calls", String(stopAt)]));
      expect(first.code).toBe(3);
      expect(readJson(join(f.out, "summary.json")).status).toBe("budget");
      expect(chatRequests(server, from)).toHaveLength(stopAt);
      for (const file of ["answers.jsonl", "analyses.jsonl", "examples.jsonl"]) {
        const partial = read(f.out, file);
        expect(expected[file]?.startsWith(partial), `${file} at ${stopAt}`).toBe(true);
      }

      const second = await runCli(f.args(args));
      expect(second.code).toBe(0);
      const sent = chatRequests(server, from).map((r) => JSON.stringify(r.body));
      expect(sent).toHaveLength(total);
      expect(new Set(sent).size).toBe(total);
      for (const file of FILES) expect(read(f.out, file)).toBe(expected[file]);
    }
  });

  it("refuses to resume with settings that change what it makes", async () => {
    const server = await lfeServer(cleanups);
    const f = lfeFixture(cleanups, server);
    expect((await runCli(f.args(["--per-weakness", "1"]))).code).toBe(0);
    const sent = server.requests.length;
    const changed = await runCli(f.args(["--per-weakness", "1", "--contrast"]));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain("contrast: false -> true");
    expect(server.requests).toHaveLength(sent);
  });

  it("runs from the library API", async () => {
    const { dir, runDir, engine, model } = await libraryRun(cleanups, lfeReply, 3);
    const examples = await readLabelled(writeLfeTrain(join(dir, "train.jsonl")));
    const stats = await learnFromErrors({
      engine,
      teacher: model,
      checker: createChecker({ kind: "exact" }),
      examples,
      outDir: dir,
      perWeakness: 3,
    });
    runDir.close();
    expect(stats.stoppedBy).toBeUndefined();
    expect(stats).toMatchObject({ answered: 9, failures: 5, analysed: 5, weaknesses: 3, generated: 8 });
    const examplesOut = jsonl(dir, "examples.jsonl");
    expect(examplesOut.filter((e) => e.weakness === "Percentages")).toHaveLength(3);
    expect(examplesOut.every((e) => e.meta.model === "m")).toBe(true);
  });
});
