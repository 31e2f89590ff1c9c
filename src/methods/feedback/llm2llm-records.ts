/**
 * What LLM2LLM writes: the training set each iteration asked the student (train-<i>.jsonl) and the
 * final one (final.jsonl), every graded answer (answers.jsonl), every example the teacher added
 * (added.jsonl) and every one it wrote that was not added (dropped.jsonl). Ids come from content and
 * cache keys, so a resumed run recomputes the same records and appends only the missing ones.
 */
import { join } from "node:path";
import type { EventLog } from "../../engine/event-log.js";
import { sha256 } from "../../util/canonical.js";
import { DropLog, RecordOutput } from "../shared/record-output.js";
import type { Verdict } from "./checkers.js";
import type { ExamItem, ExamResult, LabelledExample } from "./exam.js";

/** A member of the training set: a seed, or an example the teacher wrote after a seed's failure. */
export interface TrainingExample extends ExamItem {
  origin: "seed" | "added";
  /** The failed seed an added example was written for. */
  parentId?: string;
  /** The iteration that added it. */
  iteration?: number;
  /** Where a seed was read. */
  source?: LabelledExample["source"];
}

/** One line of train-<i>.jsonl and final.jsonl: Alpaca field names, so trainers and `readLabelled` read it. */
export interface TrainRecord {
  id: string;
  instruction: string;
  output: string;
  origin: "seed" | "added";
  parent_id: string | null;
  added_in: number | null;
}

export interface AnswerRecord {
  id: string;
  iteration: number;
  example_id: string;
  origin: "seed" | "added";
  question: string;
  reference: string;
  answer: string;
  verdict: Verdict;
  meta: { method: "llm2llm"; step: "exam"; model: string; checker: string; call: string };
}

export interface AddedRecord {
  id: string;
  iteration: number;
  parent_id: string;
  question: string;
  answer: string;
  meta: {
    method: "llm2llm";
    step: "augment";
    model: string;
    prompt: string;
    call: string;
    /** Position of the example in the teacher's reply. */
    index: number;
    /** The question and reference of the seed the student failed. */
    parent: { question: string; answer: string };
  };
}

export function seedMember(example: LabelledExample): TrainingExample {
  const { id, question, answer, source } = example;
  return { id, question, answer, origin: "seed", source };
}

/** Added examples are keyed by their question, which the exact dedup makes unique in a run. */
export function addedId(question: string): string {
  return `added-${sha256(`llm2llm\u0000${question}`).slice(0, 16)}`;
}

export function trainRecord(m: TrainingExample): TrainRecord {
  return {
    id: m.id,
    instruction: m.question,
    output: m.answer,
    origin: m.origin,
    parent_id: m.parentId ?? null,
    added_in: m.iteration ?? null,
  };
}

export function answerRecord(
  iteration: number,
  r: ExamResult<TrainingExample>,
  student: string,
  checker: string,
): AnswerRecord {
  const call = r.call.keys[0] as string;
  return {
    id: sha256(`${iteration}\u0000${r.example.id}\u0000${call}\u0000${checker}`).slice(0, 16),
    iteration,
    example_id: r.example.id,
    origin: r.example.origin,
    question: r.example.question,
    reference: r.example.answer,
    answer: r.answer,
    verdict: r.verdict,
    meta: { method: "llm2llm", step: "exam", model: student, checker, call },
  };
}

export class Llm2LlmOutputs {
  private constructor(
    readonly outDir: string,
    private readonly events: EventLog,
    readonly answers: RecordOutput<AnswerRecord>,
    readonly added: RecordOutput<AddedRecord>,
    readonly drops: DropLog,
  ) {}

  static async open(outDir: string, events: EventLog): Promise<Llm2LlmOutputs> {
    return new Llm2LlmOutputs(
      outDir,
      events,
      await RecordOutput.open<AnswerRecord>(join(outDir, "answers.jsonl"), events),
      await RecordOutput.open<AddedRecord>(join(outDir, "added.jsonl"), events),
      await DropLog.open(join(outDir, "dropped.jsonl"), events),
    );
  }

  /** Writes a training set file (`train-<i>` or `final`) and returns its path; says how many were new. */
  async writeSet(name: string, set: readonly TrainingExample[]): Promise<{ path: string; written: number }> {
    const out = await RecordOutput.open<TrainRecord>(join(this.outDir, `${name}.jsonl`), this.events);
    for (const m of set) out.write(trainRecord(m));
    // Closed at once: the student command reads the file next.
    out.close();
    return { path: out.path, written: out.written };
  }

  close(): void {
    this.answers.close();
    this.added.close();
    this.drops.close();
  }
}
