/**
 * Estimators of the methods that search for a model's weak spots (autodetect, rainbow). Their calls are
 * split by role (teacher or mutator, target or student, judge), so each share is priced with the model
 * the step gives that role.
 */
import { DEFAULT_AXES, readAxesFile } from "../methods/feedback/rainbow-axes.js";
import { calls, type Estimator, num, r, type Share, structured } from "./estimators-kit.js";

/** Taxonomy, questions per point, a reference, an answer and a score per question; deeper rounds. */
const autodetect: Estimator = (o) => {
  const points = num(o, "categories", 4) * num(o, "pointsPerCategory", 3);
  const perPoint = num(o, "questionsPerPoint", 5);
  const subPoints = num(o, "subPoints", 2);
  const max = num(o, "maxOutputTokens", 2048);
  const answerMax = num(o, "studentMaxTokens", 1024);
  const task = String(o.task ?? "").length / 4;
  // Later rounds (high end only: every point weak) deepen each weak point with follow-ups and
  // sub-points, and each sub-point gets first questions of its own.
  const tested = testedPerRound(points, subPoints, num(o, "rounds", 2));
  const deepened = tested.slice(0, -1).reduce((a, b) => a + b, 0);
  const questions = r(points * perPoint, perPoint * tested.reduce((a, b) => a + b, 0));
  // Follow-ups and sub-points show up to 5 (3) earlier questions with the answer's first 800 characters.
  const history = (shown: number) => r(0, 500 + shown * 310);
  const shares: Share[] = [
    ...structured(r(1), r(300 + task), r(points * 30, max)),
    ...structured(r(points, points + subPoints * deepened), r(300 + task, 400 + task), r(perPoint * 40, max)),
    ...structured(r(0, deepened), history(5), r(0, max)),
    calls(questions, r(60, 150), r(60, max)),
    calls(questions, r(60, 150), r(60, answerMax), "student"),
    // The Assessor sees the question, the reference and the answer.
    ...structured(questions, r(630, 600 + max + answerMax), r(40, max)),
  ];
  if (subPoints > 0) shares.push(...structured(r(0, deepened), history(3), r(0, max)));
  return { records: r(0, questions.hi), shares };
};

/** Points tested per round when every tested point is weak: each round adds K sub-points under each. */
function testedPerRound(points: number, subPoints: number, rounds: number): number[] {
  const tested = [points];
  for (let round = 2; round <= rounds; round++) tested.push((tested.at(-1) as number) * (1 + subPoints));
  return tested;
}

/** Per candidate a mutator call per axis, the target's reply, a score, 2 comparisons; safe responses. */
const rainbow: Estimator = async (o) => {
  const axes = o.axes === undefined ? DEFAULT_AXES : (await readAxesFile(String(o.axes))).axes;
  const cells = axes.reduce((n, axis) => n * axis.values.length, 1);
  const candidates = Number(o.iterations) * num(o, "batchSize", 4);
  // Low: no child too similar to its parent, and no comparison before the candidates outnumber the
  // cells. With --safe-responses the teacher answers every filled cell.
  const filled = Math.min(cells, candidates);
  const mutatorMax = num(o, "maxOutputTokens", 1024);
  const targetMax = num(o, "targetMaxOutputTokens", 1024);
  const judgeMax = num(o, "judgeMaxOutputTokens", 1024);
  // Each prompt the target sees is the last mutation; the judge sees it with the reply.
  const exchange = r(40 + 30, mutatorMax + targetMax);
  const shares: Share[] = [
    ...structured(r(candidates * axes.length), r(440, 450 + mutatorMax), r(40, mutatorMax), "mutator"),
    calls(r(candidates), r(40, mutatorMax), r(30, targetMax), "target"),
    ...structured(r(candidates), r(450 + exchange.lo, 450 + exchange.hi), r(40, judgeMax), "judge"),
    ...structured(
      r(2 * Math.max(0, candidates - cells), 2 * candidates),
      r(550 + 2 * exchange.lo, 550 + 2 * exchange.hi),
      r(40, judgeMax),
      "judge",
    ),
  ];
  if (o.safeResponses === true) {
    const teacherMax = num(o, "teacherMaxOutputTokens", 1024);
    shares.push(
      calls(r(Math.min(1, candidates), filled), r(340, 300 + mutatorMax), r(60, teacherMax), "teacher"),
    );
  }
  return {
    records: r(Math.min(1, candidates), filled),
    shares,
    note: `${axes.length} ${axes.length === 1 ? "axis" : "axes"}, ${cells} cells`,
  };
};

export const SEARCH_ESTIMATORS: Record<string, Estimator> = { autodetect, rainbow };
