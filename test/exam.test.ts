/** The feedback family's exam step: reading a labelled set, and the student's graded answers in order. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../src/data/index.js";
import { createChecker } from "../src/methods/feedback/checkers.js";
import { readLabelled, runExam } from "../src/methods/feedback/exam.js";
import { tempDir } from "../testkit/cli.js";
import { libraryRun } from "../testkit/library-run.js";
import {
  chatRequests,
  cleanupsAfterEach,
  removeDir,
  userMessageOf,
  writeJsonl,
} from "../testkit/respond-e2e.js";

const cleanups = cleanupsAfterEach();

function dir(): string {
  const d = tempDir("selfalign-exam-");
  cleanups.push(() => removeDir(d));
  return d;
}

describe("readLabelled", () => {
  it("reads questions (instruction + input), answers and ids from JSONL and CSV", async () => {
    const d = dir();
    const jsonl = writeJsonl(join(d, "set.jsonl"), [
      { id: "a", instruction: "Add the numbers.", input: "2 and 3", output: 5 },
      { instruction: "Capital of France?", output: "Paris" },
    ]);
    expect(await readLabelled(jsonl)).toEqual([
      { id: "a", question: "Add the numbers.\n\n2 and 3", answer: "5", source: { file: jsonl, line: 1 } },
      {
        id: "set.jsonl:2",
        question: "Capital of France?",
        answer: "Paris",
        source: { file: jsonl, line: 2 },
      },
    ]);
    const csv = join(d, "set.csv");
    writeFileSync(csv, "q,a\nWhat is 1+1?,2\n");
    expect(await readLabelled(csv, { questionField: "q", answerField: "a" })).toMatchObject([
      { id: "set.csv:2", question: "What is 1+1?", answer: "2" },
    ]);
  });

  it("a missing answer or a repeated id is an InputError naming file:line and field", async () => {
    const d = dir();
    const missing = writeJsonl(join(d, "m.jsonl"), [
      { instruction: "ok", output: "x" },
      { instruction: "no answer" },
    ]);
    const error = await readLabelled(missing).catch((e: unknown) => e);
    expect(InputError.is(error)).toBe(true);
    expect((error as InputError).message).toBe(
      `${missing}:2: field "output": expected a non-empty string, got nothing (the field is missing)`,
    );
    const twice = writeJsonl(join(d, "t.jsonl"), [
      { id: 1, instruction: "a", output: "x" },
      { id: 1, instruction: "b", output: "y" },
    ]);
    await expect(readLabelled(twice)).rejects.toThrow(`${twice}:2: field "id": id "1" is used twice`);
  });
});

describe("runExam", () => {
  const examples = ["one", "two", "three", "four"].map((w, i) => ({
    id: `e${i}`,
    question: `Say ${w}`,
    answer: w,
    source: { file: "x.jsonl", line: i + 1 },
  }));

  it("grades every answer, in input order, with the verdict's evidence", async () => {
    // The student gets "three" wrong.
    const { engine, model, server } = await libraryRun(cleanups, (ctx) =>
      ctx.input === "Say three" ? "four" : ctx.input.slice(4),
    );
    const { results, stop } = await runExam(engine, model, createChecker({ kind: "exact" }), examples);
    expect(stop).toBeUndefined();
    expect(results.map((r) => [r.example.id, r.answer, r.verdict.correct])).toEqual([
      ["e0", "one", true],
      ["e1", "two", true],
      ["e2", "four", false],
      ["e3", "four", true],
    ]);
    expect(results[2]?.verdict.evidence).toEqual({ expected: "three", got: "four" });
    expect(
      chatRequests(server)
        .map((r) => userMessageOf(r.body))
        .sort(),
    ).toEqual(examples.map((e) => e.question).sort());
    // Another draw is a new call for every question; the same draw is answered from the cache.
    await runExam(engine, model, createChecker({ kind: "exact" }), examples, { draw: 1 });
    expect(chatRequests(server)).toHaveLength(8);
    await runExam(engine, model, createChecker({ kind: "exact" }), examples);
    expect(chatRequests(server)).toHaveLength(8);
  });

  it("a failed call stops the exam after a prefix, with its stop reason", async () => {
    const { engine, model, server } = await libraryRun(cleanups, (ctx) => ctx.input.slice(4));
    // One at a time: the first question is answered, the second call is refused for good.
    server.injectFaults({ delayMs: 0 }, { status: 400 });
    const { results, stop } = await runExam(engine, model, createChecker({ kind: "exact" }), examples, {
      lookahead: 1,
    });
    expect(stop?.kind).toBe("failed");
    expect(results.map((r) => r.example.id)).toEqual(["e0"]);
    expect(chatRequests(server)).toHaveLength(2);
  });
});
