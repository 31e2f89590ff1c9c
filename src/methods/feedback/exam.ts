import { getField, InputError, type InputRecord, readRecords, sourceIdOf } from "../../data/index.js";
import { describeValue } from "../../data/json-object.js";
import type { PreparedCall, RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import type { GenerationSettings } from "../responses/respond.js";
import { chatRequest } from "../shared/chat-request.js";
import { OrderedRound } from "../shared/ordered-round.js";
import type { StopReason } from "../shared/stop-reason.js";
import type { Checker, Verdict } from "./checkers.js";

export interface LabelledExample {
  /** The record's `id`, else `file:line`. */
  id: string;
  /** The instruction, and its input after a blank line when there is one. */
  question: string;
  /** The reference answer. */
  answer: string;
  source: { file: string; line: number };
}

export interface LabelledFields {
  /** Field holding the instruction or question (dotted paths allowed); default "instruction". */
  questionField?: string;
  /** Optional field appended to the question after a blank line; default "input". */
  inputField?: string;
  /** Field holding the reference answer; default "output". */
  answerField?: string;
}

/**
 * Reads a labelled set from JSONL, a JSON array, CSV or Parquet. A missing question or answer, or an id
 * used twice, is an InputError naming file:line and field (ids key the methods' records).
 */
export async function readLabelled(path: string, fields: LabelledFields = {}): Promise<LabelledExample[]> {
  const questionField = fields.questionField ?? "instruction";
  const inputField = fields.inputField ?? "input";
  const answerField = fields.answerField ?? "output";
  const examples: LabelledExample[] = [];
  const seen = new Set<string>();
  for await (const record of readRecords(path)) {
    const instruction = textField(record, questionField, true) as string;
    const input = textField(record, inputField, false);
    const answer = textField(record, answerField, true) as string;
    const id = sourceIdOf(record);
    if (seen.has(id))
      throw new InputError(record.file, record.line, `id "${id}" is used twice`, { field: "id" });
    seen.add(id);
    examples.push({
      id,
      question: input ? `${instruction}\n\n${input}` : instruction,
      answer,
      source: { file: record.file, line: record.line },
    });
  }
  return examples;
}

/** Text, or a number or boolean as text (answers like 42 are often stored as numbers). */
function textField(record: InputRecord, field: string, required: boolean): string | undefined {
  const value = getField(record.value, field);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string" && value.trim().length > 0) return value;
  if (!required && (value === undefined || value === null || typeof value === "string")) return undefined;
  const wanted = required ? "a non-empty string" : "a string";
  throw new InputError(record.file, record.line, `expected ${wanted}, got ${describeValue(value)}`, {
    field,
  });
}

export interface ExamOptions {
  /** Generation settings of the student's requests (the question is the user turn). */
  generation?: GenerationSettings;
  /** Questions in progress at once; default twice the student's concurrency. */
  lookahead?: number;
  /**
   * Sample index of the student's answers. 0 for an unchanged student (a re-asked question is the same
   * cached call); a student that was retrained between exams needs a new index per exam, or it would
   * get its old answers back from the cache.
   */
  draw?: number;
}

/** What an exam needs of an example; methods pass their own richer examples through to the results. */
export type ExamItem = Pick<LabelledExample, "id" | "question" | "answer">;

export interface ExamResult<E extends ExamItem = LabelledExample> {
  example: E;
  /** The student's answer text. */
  answer: string;
  verdict: Verdict;
  /** The student's call (its `keys[0]` is the answer's cache key). */
  call: PreparedCall;
}

export interface ExamOutcome<E extends ExamItem = LabelledExample> {
  /** One result per example, in input order; a prefix of them when the exam stopped. */
  results: ExamResult<E>[];
  stop?: StopReason;
}

export async function runExam<E extends ExamItem>(
  engine: RunEngine,
  student: LanguageModel,
  checker: Checker,
  examples: readonly E[],
  options: ExamOptions = {},
): Promise<ExamOutcome<E>> {
  const results: ExamResult<E>[] = [];
  const lookahead = options.lookahead ?? engine.lane(student).settings.concurrency * 2;
  const round = new OrderedRound<ExamResult<E>>((r) => results.push(r), lookahead, examples.length + 1);
  for (const example of examples) {
    const started = await round.start(async () => {
      const request = chatRequest(example.question, options.generation ?? {});
      const call = engine.prepare(student, request, 1, options.draw ?? 0);
      const [sample] = await engine.run(call);
      const answer = sample?.text ?? "";
      const verdict = await checker.check({ question: example.question, reference: example.answer, answer });
      return { example, answer, verdict, call };
    });
    if (!started) break;
  }
  const stop = await round.finish();
  return stop ? { results, stop } : { results };
}
