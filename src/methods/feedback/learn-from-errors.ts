/**
 * Learning from errors (LLMs-as-Instructors, Ying et al., 2024). The algorithm, step by step:
 *  1. Exam (exam.ts): the student answers every labelled question; a checker grades each answer.
 *  2. Analysis (error-analysis.ts): the teacher analyses every failure: what skill or knowledge was
 *     missing, a short category, why. With contrast, each failure is shown beside the correctly
 *     answered example with the most similar question (ROUGE-L), and the teacher says what sets the
 *     failed case apart.
 *  3. Grouping (weakness-grouping.ts): the teacher sorts the analyses into named weaknesses; every
 *     failure ends in exactly one (leftovers in "other").
 *  4. Writing (targeted-examples.ts): for each weakness the teacher writes K new examples aimed at it.
 * Output, in `outDir`: answers.jsonl, analyses.jsonl, weaknesses.json, examples.jsonl, dropped.jsonl.
 *
 * Each step needs the whole of the one before, so a stop (budget, Ctrl-C, a failed call) ends the run
 * after the calls in flight, having written a prefix of what an uninterrupted run writes; a re-run gets
 * every finished call from the cache and carries on.
 */

import { join } from "node:path";
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import * as P from "../../prompts/learn-from-errors.js";
import { promptTag } from "../../prompts/prompt.js";
import { ExactDedup } from "../../text/exact-dup.js";
import { replaceJsonFile } from "../../util/atomic-file.js";
import { canonicalJson, contentId, sha256 } from "../../util/canonical.js";
import type { GenerationSettings } from "../responses/respond.js";
import { OrderedRound } from "../shared/ordered-round.js";
import { pinRecipe } from "../shared/recipe.js";
import { DropLog, RecordOutput } from "../shared/record-output.js";
import { withDefaults } from "../shared/settings.js";
import { type StopReason, stopReasonOf } from "../shared/stop-reason.js";
import type { Checker, Verdict } from "./checkers.js";
import {
  type AnalysisOutcome,
  type AnalysisRecord,
  analyseFailure,
  METHOD,
  type Mode,
  pairWithSolved,
} from "./error-analysis.js";
import { type ExamResult, type LabelledExample, runExam } from "./exam.js";
import { askExamples, decideExamples, type ExampleRecord, type ExamplesReply } from "./targeted-examples.js";
import { groupWeaknesses, type Weakness } from "./weakness-grouping.js";

export interface LearnFromErrorsSettings {
  /** Analyse each failure beside its most similar correctly answered example. */
  contrast: boolean;
  /** New examples asked per weakness (K). */
  perWeakness: number;
  /** Analyses per grouping call. */
  groupChunk: number;
  /** The student's sampling in the exam. */
  exam: GenerationSettings;
  /** The teacher's sampling for analyses and grouping. */
  analysis: GenerationSettings;
  /** The teacher's sampling for writing examples. */
  writing: GenerationSettings;
  /** Calls in progress at once per step; default twice the model's concurrency. */
  lookahead?: number;
}

export const LEARN_FROM_ERRORS_DEFAULTS: LearnFromErrorsSettings = {
  contrast: false,
  perWeakness: 5,
  groupChunk: 40,
  // An exam is graded: the student's most likely answer, the teacher's most considered analysis.
  exam: { temperature: 0, maxTokens: 1024 },
  analysis: { temperature: 0, maxTokens: 4096 },
  writing: { temperature: 0.7, maxTokens: 4096 },
};

export interface LearnFromErrorsOptions extends Partial<LearnFromErrorsSettings> {
  engine: RunEngine;
  /** The instructor: analyses, groups and writes. */
  teacher: LanguageModel;
  /** The model examined; the teacher when omitted. */
  student?: LanguageModel;
  checker: Checker;
  examples: readonly LabelledExample[];
  /** Directory for the output files (must exist). */
  outDir: string;
  /** More settings that decide the records, pinned with the recipe (the CLI: the judge's rubric). */
  recipeExtras?: Record<string, unknown>;
  /** Counters to update as the run goes (for live progress); a fresh object when omitted. */
  stats?: LearnFromErrorsStats;
}

export interface LearnFromErrorsStats {
  examples: number;
  /** Exam questions answered and graded. */
  answered: number;
  correct: number;
  failures: number;
  analysed: number;
  /** Contrast: failures paired with a correctly answered example / without one (plain analysis). */
  paired: number;
  unpaired: number;
  weaknesses: number;
  groupingCalls: number;
  /** Failures placed in "other" because no named weakness took them. */
  leftovers: number;
  /** Weaknesses whose writing call has been decided. */
  weaknessesWritten: number;
  /** New examples kept. */
  generated: number;
  /** Examples missing to K per weakness, over all weaknesses. */
  short: number;
  /** Records written in this session / found already written, over the JSONL files. */
  written: number;
  alreadyWritten: number;
  dropped: Record<string, number>;
  stoppedBy?: StopReason;
}

export function newLearnFromErrorsStats(): LearnFromErrorsStats {
  return {
    examples: 0,
    answered: 0,
    correct: 0,
    failures: 0,
    analysed: 0,
    paired: 0,
    unpaired: 0,
    weaknesses: 0,
    groupingCalls: 0,
    leftovers: 0,
    weaknessesWritten: 0,
    generated: 0,
    short: 0,
    written: 0,
    alreadyWritten: 0,
    dropped: {},
  };
}

/** One line of answers.jsonl: a question, the student's answer and the checker's verdict. */
export interface AnswerRecord {
  id: string;
  example_id: string;
  question: string;
  reference: string;
  answer: string;
  verdict: Verdict;
  meta: { method: typeof METHOD; step: "exam"; model: string; checker: string; call: string };
}

/** weaknesses.json. */
export interface WeaknessesFile {
  method: typeof METHOD;
  mode: Mode;
  model: string;
  prompts: string[];
  /** Cache keys of the grouping calls. */
  calls: string[];
  weaknesses: Weakness[];
  /** Labels a grouping reply cited that were not in its chunk (ignored). */
  unknown_labels?: number;
  /** Failures cited by a second weakness (they stay with the first). */
  repeated_labels?: number;
  /** Weaknesses named without a failure of their own (not kept). */
  empty_weaknesses?: number;
}

export async function learnFromErrors(options: LearnFromErrorsOptions): Promise<LearnFromErrorsStats> {
  const { engine, teacher, checker, examples } = options;
  const student = options.student ?? teacher;
  const D = LEARN_FROM_ERRORS_DEFAULTS;
  const s: LearnFromErrorsSettings = {
    contrast: options.contrast ?? D.contrast,
    perWeakness: options.perWeakness ?? D.perWeakness,
    groupChunk: options.groupChunk ?? D.groupChunk,
    exam: withDefaults(D.exam, options.exam),
    analysis: withDefaults(D.analysis, options.analysis),
    writing: withDefaults(D.writing, options.writing),
  };
  for (const [name, value] of [
    ["perWeakness", s.perWeakness],
    ["groupChunk", s.groupChunk],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  const mode: Mode = s.contrast ? "contrast" : "errors";
  // What decides the records: the data, both models, the checker and every prompt-shaping setting.
  pinRecipe(engine.runDir, METHOD, {
    contrast: s.contrast,
    perWeakness: s.perWeakness,
    groupChunk: s.groupChunk,
    exam: s.exam,
    analysis: s.analysis,
    writing: s.writing,
    checker: checker.spec,
    train: sha256(canonicalJson(examples.map((e) => [e.id, e.question, e.answer]))),
    teacherModel: teacher.id,
    studentModel: student.id,
    ...options.recipeExtras,
  });
  const stats = options.stats ?? newLearnFromErrorsStats();
  stats.examples = examples.length;
  const events = engine.runDir.events;
  const dir = options.outDir;
  const answersOut = await RecordOutput.open<AnswerRecord>(join(dir, "answers.jsonl"), events);
  const analysesOut = await RecordOutput.open<AnalysisRecord>(join(dir, "analyses.jsonl"), events);
  const examplesOut = await RecordOutput.open<ExampleRecord>(join(dir, "examples.jsonl"), events);
  const drops = await DropLog.open(join(dir, "dropped.jsonl"), events);
  stats.dropped = drops.byReason;
  const outputs = [answersOut, analysesOut, examplesOut];
  const sync = () => {
    stats.written = outputs.reduce((n, o) => n + o.written, 0);
    stats.alreadyWritten = outputs.reduce((n, o) => n + o.alreadyThere, 0);
  };
  const lookahead = (model: LanguageModel) =>
    options.lookahead ?? 2 * engine.lane(model).settings.concurrency;

  try {
    // 1. The exam.
    const exam = await runExam(engine, student, checker, examples, {
      generation: s.exam,
      lookahead: lookahead(student),
    });
    for (const r of exam.results) answersOut.write(answerRecord(r, student, checker));
    stats.answered = exam.results.length;
    stats.correct = exam.results.filter((r) => r.verdict.correct).length;
    stats.failures = stats.answered - stats.correct;
    sync();
    if (exam.stop) {
      stats.stoppedBy = exam.stop;
      return stats;
    }

    // 2. One analysis per failure, decided (and written) in exam order.
    const failures = exam.results.filter((r) => !r.verdict.correct);
    const pairs = s.contrast ? pairWithSolved(exam.results) : new Map();
    const analyses: AnalysisRecord[] = [];
    const analyse = { engine, teacher, sampling: s.analysis, mode };
    const analysisRound = new OrderedRound<AnalysisOutcome>(
      (outcome) => {
        if (outcome.kind === "invalid") drops.drop(outcome.drop);
        else {
          analysesOut.write(outcome.record);
          analyses.push(outcome.record);
          stats.analysed++;
        }
        sync();
      },
      lookahead(teacher),
      failures.length + 1,
    );
    if (s.contrast) {
      stats.paired = [...pairs.values()].filter((p) => p !== undefined).length;
      stats.unpaired = failures.length - stats.paired;
    }
    for (const failure of failures) {
      const pair = pairs.get(failure.example.id);
      if (!(await analysisRound.start(() => analyseFailure(analyse, failure, pair)))) break;
    }
    stats.stoppedBy = await analysisRound.finish();
    if (stats.stoppedBy) return stats;

    // 3. Weaknesses.
    const failureIds = failures.map((f) => f.example.id);
    let grouping: Awaited<ReturnType<typeof groupWeaknesses>>;
    try {
      grouping = await groupWeaknesses(
        { engine, teacher, sampling: s.analysis, chunkSize: s.groupChunk },
        analyses,
        failureIds,
      );
    } catch (error) {
      stats.stoppedBy = stopReasonOf(error);
      return stats;
    }
    for (const d of grouping.drops) drops.drop(d);
    stats.groupingCalls = grouping.calls.length;
    stats.leftovers = grouping.leftovers;
    stats.weaknesses = grouping.weaknesses.length;
    const analysisPrompts = [promptTag(s.contrast ? P.CONTRAST : P.ANALYSE), promptTag(P.GROUP)];
    if (s.contrast && stats.unpaired > 0) analysisPrompts.unshift(promptTag(P.ANALYSE));
    replaceJsonFile(join(dir, "weaknesses.json"), {
      method: METHOD,
      mode,
      model: teacher.modelName,
      prompts: analysisPrompts,
      calls: grouping.calls,
      weaknesses: grouping.weaknesses,
      ...(grouping.unknownLabels > 0 ? { unknown_labels: grouping.unknownLabels } : {}),
      ...(grouping.repeatedLabels > 0 ? { repeated_labels: grouping.repeatedLabels } : {}),
      ...(grouping.emptyWeaknesses > 0 ? { empty_weaknesses: grouping.emptyWeaknesses } : {}),
    } satisfies WeaknessesFile);

    // 4. K examples per weakness, decided in weakness order (the duplicate check depends on it).
    const byId = new Map(exam.results.map((r) => [r.example.id, r]));
    const analysisById = new Map(analyses.map((a) => [a.failure_id, a]));
    const dedup = new ExactDedup();
    for (const e of examples) dedup.add(`train:${e.id}`, e.question);
    const write = {
      engine,
      teacher,
      sampling: s.writing,
      perWeakness: s.perWeakness,
      mode,
      prompts: analysisPrompts,
    };
    const writeRound = new OrderedRound<{ weakness: Weakness; reply: ExamplesReply }>(
      ({ weakness, reply }) => {
        const decided = decideExamples(write, weakness, reply, dedup);
        for (const r of decided.kept) examplesOut.write(r);
        for (const d of decided.drops) drops.drop(d);
        stats.generated += decided.kept.length;
        stats.short += decided.short;
        stats.weaknessesWritten++;
        sync();
      },
      lookahead(teacher),
      grouping.weaknesses.length + 1,
    );
    for (const weakness of grouping.weaknesses) {
      const job = async () => ({ weakness, reply: await askExamples(write, weakness, byId, analysisById) });
      if (!(await writeRound.start(job))) break;
    }
    stats.stoppedBy = await writeRound.finish();
  } finally {
    for (const o of outputs) o.close();
    drops.close();
    sync();
  }
  return stats;
}

function answerRecord(r: ExamResult, student: LanguageModel, checker: Checker): AnswerRecord {
  const call = r.call.keys[0] as string;
  const { example, answer, verdict } = r;
  return {
    id: `lfe-answer-${contentId({ example: example.id, call, checker: checker.spec, verdict })}`,
    example_id: example.id,
    question: example.question,
    reference: example.answer,
    answer,
    verdict,
    meta: { method: METHOD, step: "exam", model: student.modelName, checker: checker.spec, call },
  };
}
