/**
 * AutoDetect's output files, in the output directory:
 *  - questions.jsonl: every question answered and scored (round, point, question, the student's
 *    answer, the teacher's reference, score and reason), written as each is decided;
 *  - sft.jsonl: after each round, the questions of that round's weak points that scored below the
 *    threshold, as instruction + the teacher's reference answer, with lineage;
 *  - dropped.jsonl: points and questions left out (duplicates, unreadable replies), with the reason;
 *  - taxonomy.json and weaknesses.json: snapshots rewritten after every finished round (one rename each,
 *    so a reader or a crash never sees half a file).
 */

import { join } from "node:path";
import type { EventLog } from "../../engine/event-log.js";
import { replaceJsonFile } from "../../util/atomic-file.js";
import { DropLog, RecordOutput } from "../shared/record-output.js";
import { round3, type ScoredQuestion, type TestPlan, type TestPoint } from "./autodetect-plan.js";

export interface AutodetectMeta {
  method: "autodetect";
  step: string;
  round: number;
  /** The teacher (Examiner, Questioner, Assessor, reference answers). */
  model: string;
  student_model: string;
  prompts: string[];
}

export interface QuestionRecord {
  id: string;
  round: number;
  point_id: string;
  /** Category, point, sub-points: where the question sits in the taxonomy. */
  point_path: string[];
  /** "initial" (a point's first questions) or "follow-up" (harder questions on a weak point). */
  kind: "initial" | "follow-up";
  question: string;
  focus: string;
  answer: string;
  reference: string;
  score: number;
  reason: string;
  meta: AutodetectMeta & {
    parent_id: string;
    calls: { question: string; reference: string; answer: string; assess: string };
  };
}

export interface SftRecord {
  id: string;
  instruction: string;
  /** The teacher's reference answer. */
  output: string;
  meta: AutodetectMeta & {
    /** The question record in questions.jsonl. */
    source_id: string;
    point_id: string;
    point_path: string[];
    /** The student's score on it and the point's mean in that round. */
    score: number;
    point_mean: number;
    calls: { reference: string };
  };
}

export class AutodetectOutputs {
  private constructor(
    readonly outDir: string,
    readonly questions: RecordOutput<QuestionRecord>,
    readonly sft: RecordOutput<SftRecord>,
    readonly drops: DropLog,
  ) {}

  static async open(outDir: string, events?: EventLog): Promise<AutodetectOutputs> {
    return new AutodetectOutputs(
      outDir,
      await RecordOutput.open(join(outDir, "questions.jsonl"), events),
      await RecordOutput.open(join(outDir, "sft.jsonl"), events),
      await DropLog.open(join(outDir, "dropped.jsonl"), events),
    );
  }

  /** Replaces `<out>/<name>` in one rename. */
  writeJson(name: string, value: unknown): void {
    replaceJsonFile(join(this.outDir, name), value);
  }

  close(): void {
    this.questions.close();
    this.sft.close();
    this.drops.close();
  }
}

/** Failures shown per point in weaknesses.json (the lowest scores first). */
export const EXAMPLE_FAILURES = 3;

interface PointSnapshot {
  id: string;
  name: string;
  description: string;
  added_round: number;
  origin: { prompt: string; call: string };
  /** Mean score and question count per round in which the point was tested. */
  rounds: Record<string, { mean: number; n: number; weak: boolean }>;
  mean: number | null;
  n: number;
  sub_points: PointSnapshot[];
}

/** taxonomy.json: categories, points and sub-points (nested) with their scores per round. */
export function taxonomySnapshot(
  plan: TestPlan,
  header: Record<string, unknown>,
  threshold: number,
): Record<string, unknown> {
  const node = (p: TestPoint): PointSnapshot => {
    const overall = plan.overall(p.id);
    return {
      id: p.id,
      name: p.name,
      description: p.description,
      added_round: p.addedRound,
      origin: p.origin,
      rounds: roundFigures(plan, p, threshold),
      mean: overall ? round3(overall.mean) : null,
      n: overall?.n ?? 0,
      sub_points: plan.children(p.id).map(node),
    };
  };
  const top = plan.all().filter((p) => p.parentId === null);
  return {
    ...header,
    categories: plan.categories.map((name) => ({
      name,
      points: top.filter((p) => p.path[0] === name).map(node),
    })),
  };
}

function roundFigures(plan: TestPlan, p: TestPoint, threshold: number) {
  const out: Record<string, { mean: number; n: number; weak: boolean }> = {};
  for (const round of plan.rounds(p.id)) {
    const f = plan.inRound(p.id, round);
    if (f) out[String(round)] = { mean: round3(f.mean), n: f.n, weak: f.mean < threshold };
  }
  return out;
}

export interface WeaknessRow {
  point_id: string;
  point_path: string[];
  description: string;
  /** Over every question asked on the point. */
  mean: number;
  n: number;
  /** Rounds in which the point's mean was below the threshold. */
  weak_rounds: number[];
  rounds: Record<string, { mean: number; n: number; weak: boolean }>;
  failures: Array<Pick<ScoredQuestion, "id" | "round" | "question" | "answer" | "score" | "reason">>;
}

/**
 * The weakness table: every point that was weak in at least one round, the lowest mean first (ties in
 * plan order), with its lowest-scoring questions as examples.
 */
export function weaknessTable(plan: TestPlan, threshold: number): WeaknessRow[] {
  const rows: WeaknessRow[] = [];
  for (const p of plan.all()) {
    const overall = plan.overall(p.id);
    const weakRounds = plan.rounds(p.id).filter((r) => plan.isWeakIn(p.id, r, threshold));
    if (!overall || weakRounds.length === 0) continue;
    const failures = plan
      .questions(p.id)
      .filter((q) => q.score < threshold)
      .sort((a, b) => a.score - b.score) // stable: ties keep their order
      .slice(0, EXAMPLE_FAILURES)
      .map(({ id, round, question, answer, score, reason }) => ({
        id,
        round,
        question,
        answer,
        score,
        reason,
      }));
    rows.push({
      point_id: p.id,
      point_path: p.path,
      description: p.description,
      mean: round3(overall.mean),
      n: overall.n,
      weak_rounds: weakRounds,
      rounds: roundFigures(plan, p, threshold),
      failures,
    });
  }
  return rows.sort((a, b) => a.mean - b.mean);
}
