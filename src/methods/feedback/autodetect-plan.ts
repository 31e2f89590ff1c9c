/**
 * AutoDetect's test plan: the Examiner's taxonomy (categories, their test points, and the sub-points
 * added under weak points in later rounds) with the scores every point got, round by round. A point's
 * mean in a round is the mean of the Assessor's scores of the questions asked on it in that round; a
 * point is weak in a round when it was tested then and that mean is below the threshold.
 */
import { normalizeForDedup } from "../../text/exact-dup.js";
import { contentId } from "../../util/canonical.js";

export interface TestPoint {
  /** From the path (16 hex chars): the same point gets the same id in every run. */
  id: string;
  /** Category first, then the point and the sub-points down to this one. */
  path: string[];
  name: string;
  description: string;
  /** The point this one was proposed under; null for the taxonomy's own points. */
  parentId: string | null;
  /** Round in which it was added (1 for the taxonomy). */
  addedRound: number;
  /** Prompt and call that proposed it (lineage). */
  origin: { prompt: string; call: string };
}

/** A question that was answered and scored. */
export interface ScoredQuestion {
  id: string;
  round: number;
  question: string;
  /** The student's answer and the teacher's reference answer (with the cache key of its call). */
  answer: string;
  reference: string;
  referenceCall: string;
  score: number;
  reason: string;
  /** Tag of the prompt that wrote the question. */
  prompt: string;
}

export interface RoundFigure {
  mean: number;
  n: number;
}

export class TestPlan {
  readonly categories: string[] = [];
  private readonly points = new Map<string, TestPoint>();
  /** Normalized paths of the points, so that a reworded duplicate ("Fractions" vs "fractions.") is caught. */
  private readonly keys = new Set<string>();
  private readonly scored = new Map<string, ScoredQuestion[]>();

  /** Every point in the order it was added. */
  all(): TestPoint[] {
    return [...this.points.values()];
  }

  get size(): number {
    return this.points.size;
  }

  get(id: string): TestPoint | undefined {
    return this.points.get(id);
  }

  children(id: string): TestPoint[] {
    return this.all().filter((p) => p.parentId === id);
  }

  addCategory(name: string): void {
    if (!this.categories.includes(name)) this.categories.push(name);
  }

  /** Adds a point unless one with the same normalized path is there; returns it, or undefined for a duplicate. */
  add(point: Omit<TestPoint, "id">): TestPoint | undefined {
    const key = point.path.map(normalizeForDedup).join("\u0000");
    if (this.keys.has(key)) return undefined;
    this.keys.add(key);
    const added = { id: contentId(["autodetect-point", ...point.path]), ...point };
    this.points.set(added.id, added);
    this.scored.set(added.id, []);
    return added;
  }

  record(pointId: string, question: ScoredQuestion): void {
    this.scored.get(pointId)?.push(question);
  }

  /** Every scored question of a point, in the order they were decided. */
  questions(pointId: string): ScoredQuestion[] {
    return this.scored.get(pointId) ?? [];
  }

  /** Mean and count of a point's scores in one round, or undefined when it was not scored then. */
  inRound(pointId: string, round: number): RoundFigure | undefined {
    return figure(this.questions(pointId).filter((q) => q.round === round));
  }

  /** Mean and count over all rounds. */
  overall(pointId: string): RoundFigure | undefined {
    return figure(this.questions(pointId));
  }

  /** Rounds (ascending) in which the point was scored. */
  rounds(pointId: string): number[] {
    return [...new Set(this.questions(pointId).map((q) => q.round))].sort((a, b) => a - b);
  }

  isWeakIn(pointId: string, round: number, threshold: number): boolean {
    const f = this.inRound(pointId, round);
    return f !== undefined && f.mean < threshold;
  }

  /** The points weak in `round`, in plan order. */
  weakIn(round: number, threshold: number): TestPoint[] {
    return this.all().filter((p) => this.isWeakIn(p.id, round, threshold));
  }
}

function figure(questions: readonly ScoredQuestion[]): RoundFigure | undefined {
  if (questions.length === 0) return undefined;
  const sum = questions.reduce((s, q) => s + q.score, 0);
  return { mean: sum / questions.length, n: questions.length };
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
