/**
 * Checkers: is a student's answer to a labelled example correct? Shared by the feedback family
 * (LLM2LLM, learning from errors). Every verdict keeps its evidence, so a user can see why an answer
 * counted as wrong:
 *  - exact: equal after normalization (case, punctuation, articles, whitespace);
 *  - regex: the reference is a regular expression the answer must match (or a given pattern);
 *  - numeric: the last number in the answer equals the reference's number within a tolerance;
 *  - choice: the multiple-choice letter the answer commits to equals the reference's letter;
 *  - judge: a model compares the answer with the reference under a rubric (structured output).
 * Spec strings for the CLI: "exact", "regex" or "regex:PATTERN", "numeric" or "numeric:TOL", "choice",
 * "judge" (the teacher judges; rubric from --rubric).
 */
import { z } from "zod";
import type { RunEngine } from "../../engine/engine.js";
import { generateObject } from "../../engine/structured.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { DEFAULT_RUBRIC, JUDGE_CHECK, judgeCheckPrompt } from "../../prompts/checker.js";
import { promptTag } from "../../prompts/prompt.js";
import { chatRequest } from "../shared/chat-request.js";

export interface Verdict {
  correct: boolean;
  /** What the verdict rests on: the normalized strings, the numbers, the letters, or the judge's words. */
  evidence: Record<string, unknown>;
}

export interface CheckInput {
  question: string;
  reference: string;
  answer: string;
}

export interface Checker {
  /** "exact", "regex", "numeric", "choice" or "judge", with its parameters, e.g. "numeric:0.01". */
  readonly spec: string;
  check(input: CheckInput): Promise<Verdict>;
}

export type CheckerSpec =
  | { kind: "exact" }
  | { kind: "regex"; pattern?: string }
  | { kind: "numeric"; tolerance: number }
  | { kind: "choice" }
  | { kind: "judge"; rubric?: string };

export function parseCheckerSpec(spec: string): CheckerSpec {
  const [kind, ...rest] = spec.split(":");
  const arg = rest.join(":");
  switch (kind) {
    case "exact":
      return { kind: "exact" };
    case "regex":
      if (arg) new RegExp(arg, "iu"); // throws a SyntaxError naming the problem
      return arg ? { kind: "regex", pattern: arg } : { kind: "regex" };
    case "numeric": {
      const tolerance = arg ? Number(arg) : 1e-6;
      if (!Number.isFinite(tolerance) || tolerance < 0)
        throw new Error(`checker "${spec}": the tolerance must be a number >= 0`);
      return { kind: "numeric", tolerance };
    }
    case "choice":
      return { kind: "choice" };
    case "judge":
      return { kind: "judge" };
    default:
      throw new Error(
        `unknown checker "${spec}": use exact, regex[:PATTERN], numeric[:TOLERANCE], choice or judge`,
      );
  }
}

/** A checker from its spec; `judge` needs the engine and the judging model (the teacher). */
export function createChecker(
  spec: CheckerSpec,
  judge?: { engine: RunEngine; model: LanguageModel; rubric?: string },
): Checker {
  switch (spec.kind) {
    case "exact":
      return { spec: "exact", check: async (i) => exactCheck(i) };
    case "regex":
      return {
        spec: spec.pattern ? `regex:${spec.pattern}` : "regex",
        check: async (i) => regexCheck(i, spec.pattern),
      };
    case "numeric":
      return { spec: `numeric:${spec.tolerance}`, check: async (i) => numericCheck(i, spec.tolerance) };
    case "choice":
      return { spec: "choice", check: async (i) => choiceCheck(i) };
    case "judge": {
      if (!judge) throw new Error("the judge checker needs a model");
      const rubric = spec.rubric ?? judge.rubric ?? DEFAULT_RUBRIC;
      return { spec: "judge", check: (i) => judgeCheck(judge.engine, judge.model, i, rubric) };
    }
  }
}

/** Lowercase, no punctuation, no English articles, single spaces (SQuAD-style normalization). */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, " ")
    .replace(/\b(a|an|the)\b/gu, " ")
    .replace(/\s+/gu, " ")
    .trim();
}

export function exactCheck({ reference, answer }: CheckInput): Verdict {
  const expected = normalizeAnswer(reference);
  const got = normalizeAnswer(answer);
  return { correct: got === expected, evidence: { expected, got } };
}

export function regexCheck({ reference, answer }: CheckInput, pattern?: string): Verdict {
  const source = pattern ?? reference;
  const match = new RegExp(source, "iu").exec(answer);
  return { correct: match !== null, evidence: { pattern: source, match: match?.[0] ?? null } };
}

const NUMBER = /[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?/g;

/** The last number in a text (thousands separators allowed), or undefined. */
export function lastNumber(text: string): number | undefined {
  const all = text.match(NUMBER);
  const last = all?.at(-1);
  return last === undefined ? undefined : Number(last.replace(/,/g, ""));
}

export function numericCheck({ reference, answer }: CheckInput, tolerance: number): Verdict {
  const expected = lastNumber(reference);
  const got = lastNumber(answer);
  const correct =
    expected !== undefined &&
    got !== undefined &&
    Math.abs(got - expected) <= tolerance * Math.max(1, Math.abs(expected));
  return { correct, evidence: { expected: expected ?? null, got: got ?? null, tolerance } };
}

/**
 * The letter an answer commits to: "(B)", "B)", "Answer: B", "B." at the start, or a lone letter; the
 * last such commitment wins (models often restate the options first).
 */
export function choiceLetter(text: string): string | undefined {
  const patterns = [
    /(?:answer|option|choice)\s*(?:is|:)?\s*\(?([A-J])\)?(?![A-Za-z])/giu,
    /\(([A-J])\)/gu,
    /^\s*([A-J])[.):]?\s*$/gmu,
    /^\s*([A-J])[.)]\s/gmu,
  ];
  for (const pattern of patterns) {
    const hits = [...text.matchAll(pattern)];
    const last = hits.at(-1)?.[1];
    if (last) return last.toUpperCase();
  }
  return undefined;
}

export function choiceCheck({ reference, answer }: CheckInput): Verdict {
  const expected = choiceLetter(reference) ?? reference.trim().toUpperCase().slice(0, 1);
  const got = choiceLetter(answer);
  return { correct: got !== undefined && got === expected, evidence: { expected, got: got ?? null } };
}

const judgeSchema = z.object({
  quote: z.string().describe("the part of the student's answer the verdict rests on"),
  reason: z.string().describe("one sentence"),
  correct: z.boolean(),
});

async function judgeCheck(
  engine: RunEngine,
  model: LanguageModel,
  input: CheckInput,
  rubric: string,
): Promise<Verdict> {
  const request = chatRequest(judgeCheckPrompt(input.question, input.reference, input.answer, rubric), {
    temperature: 0,
    maxTokens: 512,
  });
  const result = await generateObject(engine, model, { request, schema: judgeSchema, name: "answer_check" });
  const prompt = promptTag(JUDGE_CHECK);
  if (!result.ok)
    return { correct: false, evidence: { judge: model.modelName, prompt, invalid: result.error } };
  const { quote, reason, correct } = result.value;
  return { correct, evidence: { judge: model.modelName, prompt, quote, reason } };
}
