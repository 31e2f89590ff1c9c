/**
 * End-to-end tests of `selfalign autodetect` through the real CLI against the scripted teacher and
 * student of testkit/autodetect-model.ts: the student fails known points (Fractions, Negation and their
 * "detail 1" sub-points), so which points are weak, deepened and turned into SFT data is known.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { autodetect } from "../src/index.js";
import { createOpenAICompatibleModel } from "../src/llm/openai-compatible.js";
import {
  autodetectFixture,
  autodetectReply,
  autodetectServer,
  modelOf,
  pointOf,
  referenceOf,
  STUDENT,
  schemaName,
  studentAnswerOf,
  TASK,
  TEACHER,
} from "../testkit/autodetect-model.js";
import { runCli } from "../testkit/cli.js";
import { libraryRun } from "../testkit/library-run.js";
import {
  chatRequests,
  cleanupsAfterEach,
  readJson,
  readJsonlFile,
  userMessageOf,
} from "../testkit/respond-e2e.js";
import type { RecordedRequest } from "../testkit/scripted-server.js";

const cleanups = cleanupsAfterEach();

type Question = Record<string, unknown> & {
  id: string;
  round: number;
  point_id: string;
  point_path: string[];
  kind: string;
  question: string;
  answer: string;
  reference: string;
  score: number;
  reason: string;
  meta: Record<string, unknown>;
};
type Point = {
  id: string;
  name: string;
  added_round: number;
  rounds: Record<string, { mean: number; n: number; weak: boolean }>;
  mean: number;
  n: number;
  sub_points: Point[];
};

const questions = (out: string) => readJsonlFile(join(out, "questions.jsonl")) as Question[];
const bodies = (requests: RecordedRequest[]) => requests.map((r) => JSON.stringify(r.body)).sort();
const FILES = ["taxonomy.json", "questions.jsonl", "weaknesses.json", "sft.jsonl", "dropped.jsonl"];
const files = (out: string) => FILES.map((name) => readFileSync(join(out, name), "utf8"));

function count(list: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of list) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

/** Every point of taxonomy.json by name, sub-points included. */
function pointsByName(out: string): Map<string, Point> {
  const taxonomy = readJson(join(out, "taxonomy.json")) as {
    categories: Array<{ name: string; points: Point[] }>;
  };
  const byName = new Map<string, Point>();
  const visit = (p: Point) => {
    byName.set(p.name, p);
    p.sub_points.forEach(visit);
  };
  for (const c of taxonomy.categories) c.points.forEach(visit);
  return byName;
}

describe("autodetect: taxonomy, rounds, weaknesses and SFT data", () => {
  it("builds the taxonomy, deepens only weak points in round 2, scores every point, and turns weak points' failures into SFT data", async () => {
    const server = await autodetectServer(cleanups);
    const f = autodetectFixture(cleanups, server);
    const result = await runCli(f.args());
    expect(result.stderr).toContain("autodetect: complete");
    expect(result.code).toBe(0);

    // The taxonomy: 2 categories of 2 points (Extra cut), sub-points only under the weak points.
    const taxonomy = readJson(join(f.out, "taxonomy.json")) as Record<string, unknown> & {
      categories: Array<{ name: string; points: Point[] }>;
    };
    expect(taxonomy).toMatchObject({ task: TASK, weak_threshold: 6, completed_rounds: 2, model: TEACHER });
    expect(taxonomy.student_model).toBe(STUDENT);
    const shape = taxonomy.categories.map((c) => [
      c.name,
      c.points.map((p) => [p.name, p.sub_points.map((s) => s.name)]),
    ]);
    expect(shape).toEqual([
      [
        "Arithmetic",
        [
          ["Addition", []],
          ["Fractions", ["Fractions detail 1", "Fractions detail 2"]],
        ],
      ],
      [
        "Logic",
        [
          ["Syllogisms", []],
          ["Negation", ["Negation detail 1", "Negation detail 2"]],
        ],
      ],
    ]);
    // Scores per point and round: strong points are not asked again.
    const points = pointsByName(f.out);
    const figures = Object.fromEntries([...points].map(([name, p]) => [name, p.rounds]));
    expect(figures).toEqual({
      Addition: { 1: { mean: 6.333, n: 3, weak: false } },
      Fractions: { 1: { mean: 3, n: 3, weak: true }, 2: { mean: 3, n: 3, weak: true } },
      Syllogisms: { 1: { mean: 8, n: 2, weak: false } },
      Negation: { 1: { mean: 4.667, n: 3, weak: true }, 2: { mean: 3, n: 3, weak: true } },
      "Fractions detail 1": { 2: { mean: 3, n: 3, weak: true } },
      "Fractions detail 2": { 2: { mean: 8, n: 3, weak: false } },
      "Negation detail 1": { 2: { mean: 4.667, n: 3, weak: true } },
      "Negation detail 2": { 2: { mean: 8, n: 3, weak: false } },
    });
    expect(points.get("Negation")).toMatchObject({ mean: 3.833, n: 6, added_round: 1 });
    expect(points.get("Negation detail 1")?.added_round).toBe(2);

    // questions.jsonl: round 1 asks every point; round 2 only the weak ones (follow-ups) and the new sub-points.
    const asked = questions(f.out);
    const where = (q: Question) => `${q.round} ${q.kind} ${q.point_path.join(" > ")}`;
    expect(count(asked.map(where))).toEqual({
      "1 initial Arithmetic > Addition": 3,
      "1 initial Arithmetic > Fractions": 3,
      "1 initial Logic > Syllogisms": 2,
      "1 initial Logic > Negation": 3,
      "2 follow-up Arithmetic > Fractions": 3,
      "2 follow-up Logic > Negation": 3,
      "2 initial Arithmetic > Fractions > Fractions detail 1": 3,
      "2 initial Arithmetic > Fractions > Fractions detail 2": 3,
      "2 initial Logic > Negation > Negation detail 1": 3,
      "2 initial Logic > Negation > Negation detail 2": 3,
    });
    for (const q of asked) {
      expect(q.answer).toBe(studentAnswerOf(q.question));
      expect(q.reference).toBe(referenceOf(q.question));
      expect(q.score).toBe(q.answer.startsWith("WRONG") ? 3 : 8);
      expect(q.point_id).toBe(points.get(q.point_path.at(-1) as string)?.id);
      expect(q.meta).toMatchObject({
        method: "autodetect",
        step: "assess",
        round: q.round,
        model: TEACHER,
        student_model: STUDENT,
        parent_id: q.point_id,
        prompts: [
          q.kind === "follow-up" ? "autodetect/follow-up@v1" : "autodetect/questions@v1",
          "autodetect/assess@v1",
        ],
      });
    }
    // The follow-ups were written after seeing the point's 3 earlier questions.
    expect(asked.filter((q) => q.kind === "follow-up").map((q) => q.question)).toContain(
      "[Negation] harder question 2 after 3",
    );
    // Syllogisms' third question repeats Addition's first: dropped before anyone answers it.
    expect(readJsonlFile(join(f.out, "dropped.jsonl"))).toEqual([
      expect.objectContaining({
        reason: "duplicate-question",
        question: "[addition] QUESTION 1.",
        point_path: ["Logic", "Syllogisms"],
        detail: `repeats question ${asked[0]?.id}`,
      }),
    ]);

    // The weakness table: the points weak in some round, lowest mean first, with their worst answers.
    const table = readJson(join(f.out, "weaknesses.json")).weaknesses as Array<Record<string, unknown>>;
    expect(table.map((r) => [(r.point_path as string[]).at(-1), r.mean, r.n, r.weak_rounds])).toEqual([
      ["Fractions", 3, 6, [1, 2]],
      ["Fractions detail 1", 3, 3, [2]],
      ["Negation", 3.833, 6, [1, 2]],
      ["Negation detail 1", 4.667, 3, [2]],
    ]);
    const negation = table[2] as { failures: Array<{ question: string; score: number }> };
    expect(negation.failures.map((x) => [x.question, x.score])).toEqual([
      ["[Negation] question 1", 3],
      ["[Negation] question 3", 3],
      ["[Negation] harder question 1 after 3", 3],
    ]);

    // SFT data: exactly the failed questions of weak points (not Addition's failure: that point is strong).
    const sft = readJsonlFile(join(f.out, "sft.jsonl"));
    const weakFailures = asked.filter(
      (q) =>
        q.score < 6 &&
        (figures[q.point_path.at(-1) as string] as Record<string, { weak: boolean }>)[q.round]?.weak,
    );
    expect(weakFailures).toHaveLength(16);
    expect(sft.map((r) => r.id).sort()).toEqual(weakFailures.map((q) => q.id).sort());
    expect(asked.find((q) => q.question === "[Addition] question 3")?.score).toBe(3);
    for (const r of sft) {
      const q = asked.find((x) => x.id === r.id) as Question;
      expect(r).toMatchObject({ instruction: q.question, output: referenceOf(q.question) });
      expect(r.meta).toMatchObject({
        method: "autodetect",
        step: "sft",
        round: q.round,
        source_id: q.id,
        point_id: q.point_id,
        score: 3,
        model: TEACHER,
        student_model: STUDENT,
        calls: { reference: (q.meta.calls as { reference: string }).reference },
      });
    }

    // Requests: the student only answers questions; everything else goes to the teacher.
    const requests = chatRequests(server);
    const studentRequests = requests.filter((r) => modelOf(r.body) === STUDENT);
    expect(studentRequests.map((r) => userMessageOf(r.body)).sort()).toEqual(
      asked.map((q) => q.question).sort(),
    );
    for (const r of studentRequests)
      expect(r.body).toMatchObject({ temperature: 0.6, top_p: 0.9, max_tokens: 1024 });
    const teacher = requests.filter((r) => modelOf(r.body) === TEACHER);
    expect(teacher).toHaveLength(requests.length - studentRequests.length);
    const kinds = count(teacher.map((r) => schemaName(r.body) ?? "reference"));
    expect(kinds).toEqual({
      taxonomy: 1,
      questions: 4 + 2 + 4,
      sub_points: 2,
      assessment: 29,
      reference: 29,
    });
    // Follow-ups and sub-points were asked for the weak points only.
    const deepened = teacher
      .filter((r) => schemaName(r.body) === "sub_points" || userMessageOf(r.body)?.includes("already asked"))
      .map((r) => pointOf(userMessageOf(r.body) ?? ""));
    expect(deepened.sort()).toEqual(["Fractions", "Fractions", "Negation", "Negation"]);
    for (const r of teacher) {
      const kind = schemaName(r.body);
      const greedy = kind === "assessment" || kind === undefined;
      expect((r.body as { temperature: number }).temperature).toBe(greedy ? 0 : 1);
    }

    const summary = readJson(join(f.out, "summary.json"));
    expect(summary).toMatchObject({
      status: "complete",
      rounds: 2,
      completedRounds: 2,
      categories: 2,
      points: 8,
      subPoints: 4,
      scored: 29,
      weakPoints: 4,
      sft: 16,
      dropped: { "duplicate-question": 1 },
      written: { questions: 29, sft: 16, dropped: 1 },
    });
    expect(summary.perRound).toEqual([
      {
        round: 1,
        deepened: 0,
        newSubPoints: 0,
        questions: 11,
        scored: 11,
        meanScore: 5.273,
        failures: 6,
        pointsTested: 4,
        weakPoints: 2,
        sft: 5,
      },
      {
        round: 2,
        deepened: 2,
        newSubPoints: 4,
        questions: 18,
        scored: 18,
        meanScore: 4.944,
        failures: 11,
        pointsTested: 6,
        weakPoints: 4,
        sft: 11,
      },
    ]);
  });

  it("ends early when no point is weak: strong points are never deepened", async () => {
    const server = await autodetectServer(cleanups);
    const f = autodetectFixture(cleanups, server);
    const result = await runCli(f.args(["--weak-threshold", "2", "--rounds", "3"]));
    expect(result.code).toBe(0);
    expect(readJson(join(f.out, "summary.json"))).toMatchObject({
      completedRounds: 1,
      endedEarly: "no weak point after round 1",
      weakPoints: 0,
      sft: 0,
    });
    expect(new Set(questions(f.out).map((q) => q.round))).toEqual(new Set([1]));
    expect(readJsonlFile(join(f.out, "sft.jsonl"))).toEqual([]);
    expect(chatRequests(server).filter((r) => schemaName(r.body) === "sub_points")).toEqual([]);
  });
});

describe("autodetect: resume and library", () => {
  it("stopped by --max-calls in round 1 or 2, a re-run sends no finished request again and writes what one run writes", async () => {
    const server = await autodetectServer(cleanups);
    const whole = autodetectFixture(cleanups, server);
    expect((await runCli(whole.args())).code).toBe(0);
    const total = chatRequests(server).length;
    expect(total).toBe(100);
    const expected = { bodies: bodies(chatRequests(server)), files: files(whole.out) };

    for (const stopAt of [20, 70]) {
      const f = autodetectFixture(cleanups, server);
      const from = server.requests.length;
      const first = await runCli(f.args(["--max-calls", String(stopAt)]));
      expect(first.code).toBe(3);
      expect(first.stderr).toContain("budget reached");
      expect(chatRequests(server, from)).toHaveLength(stopAt);
      expect(readJson(join(f.out, "summary.json"))).toMatchObject({
        status: "budget",
        completedRounds: stopAt === 20 ? 0 : 1,
      });
      const partial = readFileSync(join(f.out, "questions.jsonl"), "utf8");
      expect(expected.files[1]?.startsWith(partial)).toBe(true);

      const second = await runCli(f.args());
      expect(second.code).toBe(0);
      // Exactly the requests of the uninterrupted run, over both sessions: nothing finished was sent again.
      expect(bodies(chatRequests(server, from))).toEqual(expected.bodies);
      expect(files(f.out)).toEqual(expected.files);
    }

    // A call that fails for good stops the run (exit 2); the re-run retries it and ends the same way.
    const f = autodetectFixture(cleanups, server);
    server.injectFaults({ status: 500 });
    const failed = await runCli(f.args(["--retries", "0"]));
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("re-run to retry");
    expect((await runCli(f.args())).code).toBe(0);
    expect(files(f.out)).toEqual(expected.files);

    // Other settings on the same directory are refused, naming them.
    const changed = await runCli(f.args(["--questions-per-point", "2"]));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain("questionsPerPoint: 3 -> 2");
  });

  it("runs from the library with a teacher and a student model", async () => {
    const { dir, engine, model, server } = await libraryRun(cleanups, autodetectReply);
    const student = createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: STUDENT });
    engine.addModel(student, { concurrency: 2 });
    cleanups.push(() => student.close());
    const stats = await autodetect({
      engine,
      model,
      studentModel: student,
      task: TASK,
      outDir: dir,
      rounds: 2,
      categories: 1,
      pointsPerCategory: 2,
      questionsPerPoint: 2,
      subPoints: 1,
    });
    // Arithmetic only: Addition 8, 8 (strong), Fractions 3, 3 (weak), then Fractions' follow-ups and one sub-point.
    expect(stats).toMatchObject({
      completedRounds: 2,
      points: 3,
      subPoints: 1,
      scored: 8,
      weakPoints: 2,
      sft: 6,
    });
    expect(stats.stoppedBy).toBeUndefined();
    const sft = readJsonlFile(join(dir, "sft.jsonl"));
    expect(sft.map((r) => r.instruction)).toEqual([
      "[Fractions] question 1",
      "[Fractions] question 2",
      "[Fractions] harder question 1 after 2",
      "[Fractions] harder question 2 after 2",
      "[Fractions detail 1] question 1",
      "[Fractions detail 1] question 2",
    ]);
    expect(sft[0]?.meta).toMatchObject({ model: "m", student_model: STUDENT });
  });
});
