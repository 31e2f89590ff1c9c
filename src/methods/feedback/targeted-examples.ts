/**
 * Step 4 of learning from errors: for each weakness the teacher writes K new training examples aimed at
 * it, shown the weakness and a few of the failures behind it. Examples are decided in weakness order:
 * empty ones are dropped, and so are exact duplicates (after normalization) of a training question or of
 * an example kept before.
 */
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import * as P from "../../prompts/learn-from-errors.js";
import { promptTag } from "../../prompts/prompt.js";
import type { ExactDedup } from "../../text/exact-dup.js";
import { contentId } from "../../util/canonical.js";
import type { GenerationSettings } from "../responses/respond.js";
import type { DroppedRecord } from "../shared/record-output.js";
import { type AnalysisRecord, METHOD, type Mode } from "./error-analysis.js";
import type { ExamResult } from "./exam.js";
import { askTeacher, EXAMPLES_REPLY, type TeacherReply } from "./teacher-call.js";
import type { Weakness } from "./weakness-grouping.js";

/** Failures of a weakness shown to the writer: enough to see the pattern, few enough to stay short. */
export const SHOWN_FAILURES = 3;

/** One line of examples.jsonl. */
export interface ExampleRecord {
  id: string;
  question: string;
  answer: string;
  /** Name of the weakness the example targets. */
  weakness: string;
  /** The failures behind that weakness (ids of labelled examples). */
  failure_ids: string[];
  meta: {
    method: typeof METHOD;
    step: "write";
    mode: Mode;
    model: string;
    prompts: string[];
    /** Cache key of the writing call. */
    call: string;
    /** Position of the example in the teacher's reply. */
    index: number;
  };
}

export interface WriteContext {
  engine: RunEngine;
  teacher: LanguageModel;
  sampling: GenerationSettings;
  perWeakness: number;
  mode: Mode;
  /** Prompt tags of the steps before (analysis, grouping), cited by every example. */
  prompts: string[];
}

export type ExamplesReply = TeacherReply<{ examples: Array<{ question: string; answer: string }> }>;

export function askExamples(
  ctx: WriteContext,
  weakness: Weakness,
  results: ReadonlyMap<string, ExamResult>,
  analyses: ReadonlyMap<string, AnalysisRecord>,
): Promise<ExamplesReply> {
  const shown = weakness.failure_ids.slice(0, SHOWN_FAILURES).map((id): P.ShownFailure => {
    const r = results.get(id) as ExamResult;
    return {
      question: r.example.question,
      reference: r.example.answer,
      answer: r.answer,
      missing: analyses.get(id)?.missing ?? "",
    };
  });
  const message = P.writeMessage(weakness, shown, ctx.perWeakness);
  return askTeacher(ctx.engine, ctx.teacher, message, EXAMPLES_REPLY, ctx.sampling);
}

export interface WriteOutcome {
  kept: ExampleRecord[];
  drops: DroppedRecord[];
  /** How many short of K the weakness ended (fewer valid, new examples than asked). */
  short: number;
}

/** Keeps up to K of a reply's examples; `dedup` holds the training questions and the examples kept so far. */
export function decideExamples(
  ctx: WriteContext,
  weakness: Weakness,
  { call, result }: ExamplesReply,
  dedup: ExactDedup,
): WriteOutcome {
  const out: WriteOutcome = { kept: [], drops: [], short: 0 };
  const where = { weakness: weakness.name, failure_ids: weakness.failure_ids };
  const meta = (index: number) => ({
    method: METHOD,
    step: "write" as const,
    mode: ctx.mode,
    model: ctx.teacher.modelName,
    prompts: [...ctx.prompts, promptTag(P.WRITE)],
    call,
    index,
  });
  const dropId = (index: number, reason: string) =>
    `lfe-drop-${contentId({ step: "write", call, index, reason })}`;
  if (!result.ok) {
    out.drops.push({
      id: dropId(-1, "invalid"),
      reason: "invalid",
      detail: result.error,
      ...where,
      raw: result.text,
      meta: meta(-1),
    });
    out.short = ctx.perWeakness;
    return out;
  }
  const examples = result.value.examples.slice(0, ctx.perWeakness);
  examples.forEach((example, index) => {
    const question = example.question.trim();
    const answer = example.answer.trim();
    if (question === "" || answer === "") {
      const detail = question === "" ? "empty question" : "empty answer";
      out.drops.push({
        id: dropId(index, "invalid"),
        reason: "invalid",
        detail,
        question,
        answer,
        ...where,
        meta: meta(index),
      });
      return;
    }
    const earlier = dedup.seen(question);
    if (earlier !== undefined) {
      out.drops.push({
        id: dropId(index, "duplicate"),
        reason: "duplicate",
        detail: `same question as ${earlier}`,
        duplicate_of: earlier,
        question,
        answer,
        ...where,
        meta: meta(index),
      });
      return;
    }
    const id = `lfe-example-${contentId({ ...where, call, index, question })}`;
    dedup.add(id, question);
    out.kept.push({ id, question, answer, ...where, meta: meta(index) });
  });
  out.short = ctx.perWeakness - out.kept.length;
  return out;
}
