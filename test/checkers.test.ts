/** The feedback family's checkers: each verdict and its evidence, spec parsing, and the model judge. */
import { describe, expect, it } from "vitest";
import { roleConfig } from "../src/cli/roles.js";
import type { ResolvedModelConfig } from "../src/llm/resolve-model.js";
import {
  choiceCheck,
  choiceLetter,
  createChecker,
  exactCheck,
  lastNumber,
  numericCheck,
  parseCheckerSpec,
  regexCheck,
} from "../src/methods/feedback/checkers.js";
import { libraryRun } from "../testkit/library-run.js";
import { cleanupsAfterEach } from "../testkit/respond-e2e.js";

const cleanups = cleanupsAfterEach();
const q = (reference: string, answer: string) => ({ question: "Q?", reference, answer });

describe("checkers", () => {
  it("exact: equal after normalization, with both normalized strings as evidence", () => {
    expect(exactCheck(q("The Eiffel Tower.", "eiffel tower"))).toEqual({
      correct: true,
      evidence: { expected: "eiffel tower", got: "eiffel tower" },
    });
    expect(exactCheck(q("Paris", "Lyon")).correct).toBe(false);
  });

  it("regex: the reference (or a given pattern) must match, case-insensitively", () => {
    expect(regexCheck(q("^(yes|true)\\b", "Yes, it is."))).toMatchObject({
      correct: true,
      evidence: { match: "Yes" },
    });
    expect(regexCheck(q("ignored", "The answer is 42"), "\\b42\\b")).toMatchObject({ correct: true });
    expect(regexCheck(q("^no$", "maybe")).evidence).toEqual({ pattern: "^no$", match: null });
  });

  it("numeric: the last number of each, within a relative tolerance", () => {
    expect(lastNumber("first 3 then 1,250.5 apples")).toBe(1250.5);
    expect(lastNumber("no numbers")).toBeUndefined();
    expect(numericCheck(q("#### 72", "So she sold 48 + 24 = 72 clips."), 1e-6)).toEqual({
      correct: true,
      evidence: { expected: 72, got: 72, tolerance: 1e-6 },
    });
    expect(numericCheck(q("3.14159", "about 3.14"), 0.001).correct).toBe(true);
    expect(numericCheck(q("3.14159", "about 3.1"), 0.001).correct).toBe(false);
    expect(numericCheck(q("10", "I don't know"), 0).evidence).toMatchObject({ got: null });
  });

  it("choice: the letter an answer commits to, the last commitment winning", () => {
    expect(choiceLetter("(A) red (B) blue ... The answer is (C).")).toBe("C");
    expect(choiceLetter("B")).toBe("B");
    expect(choiceLetter("Answer: d")).toBe("D");
    expect(choiceCheck(q("C", "Looking at (A) and (B), the answer is C"))).toEqual({
      correct: true,
      evidence: { expected: "C", got: "C" },
    });
    expect(choiceCheck(q("(B)", "no idea")).correct).toBe(false);
  });

  it("parses specs and refuses bad ones", () => {
    expect(parseCheckerSpec("numeric:0.01")).toEqual({ kind: "numeric", tolerance: 0.01 });
    expect(parseCheckerSpec("regex:^a:b$")).toEqual({ kind: "regex", pattern: "^a:b$" });
    expect(() => parseCheckerSpec("fuzzy")).toThrow(/unknown checker "fuzzy"/);
    expect(() => parseCheckerSpec("numeric:-1")).toThrow(/tolerance/);
    expect(() => parseCheckerSpec("regex:(")).toThrow();
  });

  it("judge: the model's verdict with its quote and reason; an unreadable reply counts as wrong", async () => {
    let calls = 0;
    const { engine, model } = await libraryRun(cleanups, (ctx) => {
      calls++;
      if (ctx.input.includes("Student's answer:\nfour"))
        return JSON.stringify({ quote: "four", reason: "same number", correct: true });
      return "not json";
    });
    const checker = createChecker({ kind: "judge" }, { engine, model });
    expect(await checker.check({ question: "2+2?", reference: "4", answer: "four" })).toEqual({
      correct: true,
      evidence: { judge: "m", prompt: "feedback/judge-check@v1", quote: "four", reason: "same number" },
    });
    const bad = await checker.check({ question: "2+2?", reference: "4", answer: "five" });
    expect(bad.correct).toBe(false);
    expect(bad.evidence.invalid).toBeDefined();
    expect(calls).toBe(3); // one call, then a bad reply and its repair round
  });
});

describe("model roles", () => {
  const main = {
    model: "teacher",
    baseUrl: "http://h/v1",
    apiKeyEnv: "K",
    provider: "openai-compatible",
  } as ResolvedModelConfig;
  it("derives a role's model from the main one, or none when it is the same", () => {
    expect(roleConfig(main, {}, "student")).toBeUndefined();
    expect(roleConfig(main, { studentModel: "teacher" }, "student")).toBeUndefined();
    expect(roleConfig(main, { studentModel: "small" }, "student")).toMatchObject({
      model: "small",
      baseUrl: "http://h/v1",
      apiKeyEnv: "K",
    });
    expect(roleConfig(main, { studentModel: "x.gguf", studentBaseUrl: "local" }, "student")).toMatchObject({
      model: "x.gguf",
      provider: "local",
      baseUrl: undefined,
    });
    expect(() => roleConfig(main, { studentBaseUrl: "http://other/v1" }, "student")).toThrow(
      /need --student-model/,
    );
  });
});
