/**
 * Step 2 of learning from errors: the teacher analyses each failure of the exam. Plainly, from the
 * question, the reference and the wrong answer; or, with contrast, beside the correctly answered example
 * whose question is most similar (ROUGE-L), asking what sets the failed case apart.
 */
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import * as P from "../../prompts/learn-from-errors.js";
import { promptTag } from "../../prompts/prompt.js";
import { NearDupIndex } from "../../text/near-dup-index.js";
import { contentId } from "../../util/canonical.js";
import type { GenerationSettings } from "../responses/respond.js";
import type { DroppedRecord } from "../shared/record-output.js";
import type { ExamResult } from "./exam.js";
import { ANALYSIS_REPLY, askTeacher, CONTRAST_REPLY } from "./teacher-call.js";

export const METHOD = "learn-from-errors" as const;

export type Mode = "errors" | "contrast";

/** The correctly answered example a failure is contrasted with. */
export interface ContrastPair {
  solved: ExamResult;
  /** ROUGE-L F of the two questions. */
  score: number;
}

/** One line of analyses.jsonl: the teacher's analysis of one failure. */
export interface AnalysisRecord {
  id: string;
  /** Id of the failed labelled example. */
  failure_id: string;
  question: string;
  reference: string;
  answer: string;
  category: string;
  missing: string;
  /** Plain analysis: where the answer went wrong. */
  explanation?: string;
  /** Contrast: what the failed question demands that the paired one does not. */
  difference?: string;
  /** Contrast: the paired example (null when no correctly answered question shares a word with it). */
  pair?: { id: string; question: string; answer: string; rouge_l: number } | null;
  meta: {
    method: typeof METHOD;
    step: "analyse";
    mode: Mode;
    model: string;
    prompts: string[];
    call: string;
  };
}

export type AnalysisOutcome =
  | { kind: "analysis"; record: AnalysisRecord }
  | { kind: "invalid"; drop: DroppedRecord };

/**
 * Each failure's most similar correctly answered example by ROUGE-L F on the question (exact maximum;
 * among equal scores, the one the index meets first, which is the same in every run). Undefined when
 * no correct question shares a word with it, or nothing was answered correctly.
 */
export function pairWithSolved(results: readonly ExamResult[]): Map<string, ContrastPair | undefined> {
  const index = new NearDupIndex();
  const solved = new Map<string, ExamResult>();
  for (const r of results) {
    if (!r.verdict.correct) continue;
    index.add(r.example.id, r.example.question);
    solved.set(r.example.id, r);
  }
  const pairs = new Map<string, ContrastPair | undefined>();
  for (const r of results) {
    if (r.verdict.correct) continue;
    const nearest = index.size > 0 ? index.nearest(r.example.question) : undefined;
    const match = nearest?.id === undefined ? undefined : solved.get(nearest.id);
    pairs.set(r.example.id, match && nearest ? { solved: match, score: nearest.score } : undefined);
  }
  return pairs;
}

function answered(r: ExamResult): P.AnsweredQuestion {
  return { question: r.example.question, reference: r.example.answer, answer: r.answer };
}

export interface AnalyseContext {
  engine: RunEngine;
  teacher: LanguageModel;
  sampling: GenerationSettings;
  mode: Mode;
}

/**
 * Analyses one failure. In contrast mode a failure without a pair gets the plain analysis (there is
 * nothing to contrast it with), with `pair: null` on its record.
 */
export async function analyseFailure(
  ctx: AnalyseContext,
  failure: ExamResult,
  pair: ContrastPair | undefined,
): Promise<AnalysisOutcome> {
  const { engine, teacher, sampling, mode } = ctx;
  const base = {
    failure_id: failure.example.id,
    question: failure.example.question,
    reference: failure.example.answer,
    answer: failure.answer,
  };
  const contrasted = mode === "contrast" ? pair : undefined;
  const fields =
    mode !== "contrast"
      ? {}
      : {
          pair: pair
            ? {
                id: pair.solved.example.id,
                question: pair.solved.example.question,
                answer: pair.solved.answer,
                rouge_l: pair.score,
              }
            : null,
        };
  // Both replies carry missing and category; the contrast's difference stands where the explanation would.
  const { call, result } = contrasted
    ? await askTeacher(
        engine,
        teacher,
        P.contrastMessage(answered(failure), answered(contrasted.solved)),
        CONTRAST_REPLY,
        sampling,
      )
    : await askTeacher(engine, teacher, P.analyseMessage(answered(failure)), ANALYSIS_REPLY, sampling);
  const meta = {
    method: METHOD,
    step: "analyse" as const,
    mode,
    model: teacher.modelName,
    prompts: [promptTag(contrasted ? P.CONTRAST : P.ANALYSE)],
    call,
  };
  if (!result.ok) return invalid(base, fields, meta, result.error, result.text);
  const value = result.value as {
    missing: string;
    category: string;
    explanation?: string;
    difference?: string;
  };
  const detail =
    value.difference !== undefined
      ? { difference: value.difference.trim() }
      : { explanation: (value.explanation ?? "").trim() };
  const record: AnalysisRecord = {
    id: `lfe-analysis-${contentId({ failure: base.failure_id, call })}`,
    ...base,
    category: value.category.trim(),
    missing: value.missing.trim(),
    ...detail,
    ...fields,
    meta,
  };
  return { kind: "analysis", record };
}

function invalid(
  base: { failure_id: string },
  fields: Record<string, unknown>,
  meta: AnalysisRecord["meta"],
  error: string,
  raw: string,
): AnalysisOutcome {
  const drop: DroppedRecord = {
    id: `lfe-drop-${contentId({ step: "analyse", failure: base.failure_id, call: meta.call })}`,
    reason: "invalid-analysis",
    detail: `${error}; the failure goes to the "other" weakness`,
    ...base,
    ...fields,
    raw,
    meta,
  };
  return { kind: "invalid", drop };
}
