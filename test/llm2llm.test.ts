/**
 * End-to-end tests of `selfalign llm2llm` through the real CLI against the scripted student and teacher
 * of testkit/feedback-model.ts: the student fails the "[hard]" questions (and their variants), the
 * teacher writes three variants of each failed question, of which --per-error 2 keeps two.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createChecker, llm2llm, readLabelled } from "../src/index.js";
import { runCli, tempDir } from "../testkit/cli.js";
import {
  FEEDBACK_SEEDS,
  feedbackFixture,
  feedbackModel,
  HARD_SEEDS,
  STUDENT,
  TEACHER,
  variant,
  WRONG,
} from "../testkit/feedback-model.js";
import { libraryRun } from "../testkit/library-run.js";
import {
  chatRequests,
  cleanupsAfterEach,
  readJson,
  readJsonlFile,
  removeDir,
  userMessageOf,
  writeJsonl,
} from "../testkit/respond-e2e.js";
import type { RecordedRequest, ScriptedServer } from "../testkit/scripted-server.js";

const cleanups = cleanupsAfterEach();

type Body = { model: string; response_format?: unknown };
const modelOf = (r: RecordedRequest) => (r.body as Body).model;
const teacherAsked = (server: ScriptedServer) =>
  chatRequests(server)
    .filter((r) => modelOf(r) === TEACHER)
    .map((r) => /Question:\n([\s\S]*?)\n\nCorrect answer:/.exec(userMessageOf(r.body) ?? "")?.[1]);
const studentAsked = (server: ScriptedServer) => chatRequests(server).filter((r) => modelOf(r) === STUDENT);
const seedQuestion = (id: string) => FEEDBACK_SEEDS.find((s) => s.id === id)?.instruction as string;
const lines = (path: string) => readFileSync(path, "utf8");

describe("llm2llm", () => {
  it("augments exactly the failed seeds, K each, never the failed added examples; figures per iteration", async () => {
    const f = await feedbackFixture(cleanups);
    const args = ["--train", f.train, "--iterations", "2", "--per-error", "2", "--out", f.out];
    const run = await runCli(["llm2llm", ...args, ...f.args]);
    expect(run.code, run.stderr).toBe(0);

    // Roles: every teacher request is structured, no student request is.
    for (const r of chatRequests(f.server))
      expect([modelOf(r), (r.body as Body).response_format !== undefined]).toEqual(
        modelOf(r) === TEACHER ? [TEACHER, true] : [STUDENT, false],
      );
    // The teacher was asked about the two hard seeds in each iteration, never about a variant.
    const hard = HARD_SEEDS.map(seedQuestion);
    expect(teacherAsked(f.server).sort()).toEqual([...hard, ...hard].sort());
    // Iteration 1 asked the 5 seeds; iteration 2 the 4 new examples only (the seeds' answers are cached).
    expect(studentAsked(f.server)).toHaveLength(9);

    const added = readJsonlFile(join(f.out, "added.jsonl"));
    expect(added.map((a) => [a.iteration, a.parent_id, a.question])).toEqual([
      [1, "mul", variant(1, hard[0] as string)],
      [1, "mul", variant(2, hard[0] as string)],
      [1, "spell", variant(1, hard[1] as string)],
      [1, "spell", variant(2, hard[1] as string)],
      // The second draw repeats "Variant 2" (a duplicate) and keeps "Variant 3".
      [2, "mul", variant(3, hard[0] as string)],
      [2, "spell", variant(3, hard[1] as string)],
    ]);
    expect(added[0]).toMatchObject({
      answer: "391",
      meta: { method: "llm2llm", step: "augment", model: TEACHER, prompt: "llm2llm/augment@v1", index: 0 },
    });
    const dropped = readJsonlFile(join(f.out, "dropped.jsonl"));
    expect(dropped.map((d) => [d.iteration, d.parent_id, d.reason])).toEqual([
      [1, "mul", "beyond-k"],
      [1, "spell", "beyond-k"],
      [2, "mul", "duplicate"],
      [2, "mul", "beyond-k"],
      [2, "spell", "duplicate"],
      [2, "spell", "beyond-k"],
    ]);

    const answers = readJsonlFile(join(f.out, "answers.jsonl"));
    expect(answers).toHaveLength(5 + 9);
    const wrong = answers.filter((a) => !(a.verdict as { correct: boolean }).correct);
    expect(wrong.map((a) => `${a.iteration}/${a.example_id}`)).toEqual([
      "1/mul",
      "1/spell",
      "2/mul",
      "2/spell",
      ...added.slice(0, 4).map((a) => `2/${a.id}`),
    ]);
    expect(wrong[0]).toMatchObject({
      origin: "seed",
      question: hard[0],
      reference: "391",
      answer: WRONG,
      verdict: { correct: false, evidence: { expected: "391", got: "i am not sure" } },
      meta: { step: "exam", model: STUDENT, checker: "exact" },
    });

    expect(readJsonlFile(join(f.out, "train-1.jsonl")).map((t) => t.id)).toEqual(
      FEEDBACK_SEEDS.map((s) => s.id),
    );
    const train2 = readJsonlFile(join(f.out, "train-2.jsonl"));
    expect(train2.map((t) => t.id)).toEqual([
      ...FEEDBACK_SEEDS.map((s) => s.id),
      ...added.slice(0, 4).map((a) => a.id),
    ]);
    expect(train2[4]).toEqual({
      id: "sum",
      instruction: "Add the numbers.\n\n4 and 4",
      output: "8",
      origin: "seed",
      parent_id: null,
      added_in: null,
    });
    expect(train2[5]).toMatchObject({ origin: "added", parent_id: "mul", added_in: 1, output: "391" });
    expect(readJsonlFile(join(f.out, "final.jsonl"))).toHaveLength(11);

    const summary = readJson(join(f.out, "summary.json"));
    expect(summary).toMatchObject({
      status: "complete",
      completedIterations: 2,
      finalSet: 11,
      teacher: TEACHER,
    });
    expect(summary.perIteration).toEqual([
      {
        iteration: 1,
        examples: 5,
        studentUpdated: false,
        seeds: { asked: 5, correct: 3, accuracy: 0.6 },
        all: { asked: 5, correct: 3, accuracy: 0.6 },
        failures: { seeds: 2, added: 0 },
        added: 4,
        dropped: { "beyond-k": 2 },
      },
      {
        iteration: 2,
        examples: 9,
        studentUpdated: false,
        seeds: { asked: 5, correct: 3, accuracy: 0.6 },
        all: { asked: 9, correct: 3, accuracy: 3 / 9 },
        failures: { seeds: 2, added: 4 },
        added: 2,
        dropped: { duplicate: 2, "beyond-k": 2 },
      },
    ]);
  });

  it("--student-cmd runs between iterations, and the updated student is asked anew", async () => {
    const dir = tempDir("selfalign-llm2llm-");
    cleanups.push(() => removeDir(dir));
    const log = join(dir, "student.log");
    const f = await feedbackFixture(cleanups, { learnLog: log, dir });
    const cmd = `echo "$SELFALIGN_ITERATION $SELFALIGN_TRAIN_FILE" >> ${log}`;
    const args = ["--train", f.train, "--iterations", "3", "--per-error", "2", "--student-cmd", cmd];
    const run = await runCli(["llm2llm", ...args, "--out", f.out, ...f.args]);
    expect(run.code, run.stderr).toBe(0);
    expect(lines(log)).toBe(`2 ${join(f.out, "train-2.jsonl")}\n3 ${join(f.out, "train-3.jsonl")}\n`);
    // Every iteration asks the whole set again (5, then 9 twice); the student learned train-2 and gets
    // everything right from iteration 2 on, so only iteration 1's failures were augmented.
    expect(studentAsked(f.server)).toHaveLength(5 + 9 + 9);
    expect(teacherAsked(f.server)).toHaveLength(2);
    const summary = readJson(join(f.out, "summary.json")) as { perIteration: Array<Record<string, unknown>> };
    expect(summary.perIteration.map((it) => [it.studentUpdated, it.all, it.added])).toEqual([
      [false, { asked: 5, correct: 3, accuracy: 0.6 }, 4],
      [true, { asked: 9, correct: 9, accuracy: 1 }, 0],
      [true, { asked: 9, correct: 9, accuracy: 1 }, 0],
    ]);

    // A re-run finds everything done: no command, no request.
    const before = f.server.requests.length;
    const again = await runCli(["llm2llm", ...args, "--out", f.out, ...f.args]);
    expect(again.code, again.stderr).toBe(0);
    expect(f.server.requests.length).toBe(before);
    expect(lines(log).split("\n")).toHaveLength(3);

    // A command that fails stops the run before the student is asked again.
    const failing = ["--train", f.train, "--iterations", "2", "--per-error", "2", "--student-cmd", "exit 7"];
    const broken = await runCli(["llm2llm", ...failing, "--out", join(dir, "broken"), ...f.args]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("--student-cmd failed before iteration 2 (exit code 7): exit 7");
    expect(readJsonlFile(join(dir, "broken", "answers.jsonl"))).toHaveLength(5);
  });

  it("stopped by --max-calls mid-augmentation, a re-run sends no finished request again and writes what one run writes", async () => {
    const args = (f: { train: string; out: string }) => [
      "llm2llm",
      "--train",
      f.train,
      "--iterations",
      "2",
      "--per-error",
      "2",
      "--out",
      f.out,
    ];
    const whole = await feedbackFixture(cleanups);
    expect((await runCli([...args(whole), ...whole.args])).code).toBe(0);
    const bodies = (server: ScriptedServer) =>
      chatRequests(server)
        .map((r) => JSON.stringify(r.body))
        .sort();
    const files = [
      "train-1.jsonl",
      "train-2.jsonl",
      "final.jsonl",
      "answers.jsonl",
      "added.jsonl",
      "dropped.jsonl",
    ];
    const read = (out: string) => files.map((name) => lines(join(out, name)));
    const expected = { bodies: bodies(whole.server), files: read(whole.out) };

    // The same server (cache keys name it) and a teacher that forgot what it was asked.
    whole.reset();
    const f = { ...whole, out: join(whole.dir, "resumed") };
    // Iteration 1 is 5 student calls and 2 teacher calls: the budget stops its augmentation.
    const first = await runCli([...args(f), ...f.args, "--max-calls", "6"]);
    expect(first.code).toBe(3);
    expect(chatRequests(f.server)).toHaveLength(6);
    expect(readJson(join(f.out, "summary.json"))).toMatchObject({ status: "budget", completedIterations: 0 });
    const second = await runCli([...args(f), ...f.args]);
    expect(second.code, second.stderr).toBe(0);
    expect(bodies(f.server)).toEqual(expected.bodies);
    expect(read(f.out)).toEqual(expected.files);

    // The recipe is pinned: another K on the same run directory is refused before any call.
    const n = f.server.requests.length;
    const other = await runCli([...args(f).slice(0, -4), "--per-error", "3", "--out", f.out, ...f.args]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("perError: 2 -> 3");
    expect(f.server.requests.length).toBe(n);
  });

  it("runs from the library API", async () => {
    const { dir, engine, model } = await libraryRun(cleanups, feedbackModel().reply);
    const train = writeJsonl(join(dir, "train.jsonl"), FEEDBACK_SEEDS);
    const stats = await llm2llm({
      engine,
      teacher: model,
      checker: createChecker({ kind: "exact" }),
      seeds: await readLabelled(train),
      outDir: dir,
      iterations: 1,
      perError: 1,
    });
    expect(stats.stoppedBy).toBeUndefined();
    expect(stats.perIteration[0]).toMatchObject({ failures: { seeds: 2, added: 0 }, added: 2 });
    expect(readJsonlFile(join(dir, "added.jsonl")).map((a) => a.parent_id)).toEqual(HARD_SEEDS);
    expect(readJsonlFile(join(dir, "final.jsonl"))).toHaveLength(7);
  });
});
