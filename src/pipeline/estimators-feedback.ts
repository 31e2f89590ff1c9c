/**
 * Estimators of the feedback methods that examine a student on labelled data or score records with it
 * (llm2llm, learn-from-errors, ifd, reflect). The student's calls are its own share, priced with the
 * model of the step's `student` role; the low end is a student that gets everything right.
 */
import {
  calls,
  type Estimator,
  num,
  type Options,
  type Range,
  r,
  type Share,
  structured,
  tokensOf,
} from "./estimators-kit.js";

/** The judge checker: one teacher call (512 tokens, repairable) per graded answer. */
function judgeChecks(o: Options, answers: Range, t: number): Share[] {
  if (!String(o.checker ?? "exact").startsWith("judge")) return [];
  const answer = num(o, "studentMaxOutputTokens", 1024);
  return structured(answers, r(300 + 2 * t, 300 + 3 * t + answer), r(40, 512));
}

/** The student's answers to `n` questions of about `t` tokens. */
function exam(o: Options, n: Range, t: number): Share {
  return calls(n, r(t, 2 * t), r(10, num(o, "studentMaxOutputTokens", 1024)), "student");
}

/** Per iteration the student's exam (and judge verdicts), then K examples per failed seed (repairable). */
const llm2llm: Estimator = (o, input) => {
  const seeds = input?.records ?? r(0);
  const t = tokensOf(input);
  const iterations = Number(o.iterations);
  const k = Number(o.perError);
  // Low: the student never fails, so the set never grows. Without --student-cmd a question the student
  // already answered is a cached call; with it, every iteration asks the whole set anew.
  const relearns = o.studentCmd !== undefined;
  const answers = r(
    relearns ? iterations * seeds.lo : seeds.lo,
    examCalls(seeds.hi, iterations, k, relearns),
  );
  return {
    records: r(seeds.lo, seeds.hi * (1 + iterations * k)),
    shares: [
      exam(o, answers, t),
      ...judgeChecks(o, r(seeds.lo, answers.hi), t),
      ...structured(
        r(0, iterations * seeds.hi),
        r(250 + t, 250 + 2 * t),
        r(k * 40, num(o, "maxOutputTokens", 2048)),
      ),
    ],
  };
};

/** Exam calls when every seed fails every time: iteration i asks n + (i - 1) n k questions. */
function examCalls(n: number, iterations: number, k: number, relearns: boolean): number {
  if (!relearns) return n + n * k * (iterations - 1);
  return iterations * n + (n * k * iterations * (iterations - 1)) / 2;
}

/** The exam, then per failure an analysis, the groupings, one writing call per weakness (repairable). */
const learnFromErrors: Estimator = (o, input) => {
  const n = input?.records ?? r(0);
  const t = tokensOf(input);
  const k = num(o, "perWeakness", 5);
  const chunk = num(o, "groupChunk", 40);
  const max = num(o, "maxOutputTokens", 4096);
  const answer = num(o, "studentMaxOutputTokens", 1024);
  // Low: no failure, so nothing after the exam. A weakness has at least one failure of its own.
  // A contrast analysis shows a solved question and its answer beside the failed one.
  const analysed = 2 * t + answer;
  const analysis = r(300 + t, 300 + (o.contrast === true ? 2 : 1) * analysed);
  return {
    records: r(0, n.hi * k),
    shares: [
      exam(o, n, t),
      ...judgeChecks(o, n, t),
      ...structured(r(0, n.hi), analysis, r(60, max)),
      ...structured(r(0, Math.ceil(n.hi / chunk)), r(400, 600 + chunk * 100), r(50, max)),
      // A writing prompt shows up to 3 of the weakness's failures.
      ...structured(r(0, n.hi), r(300 + 3 * t, 300 + 3 * (analysed + 60)), r(k * 40, max)),
    ],
  };
};

/** Four scoring calls per record (prompt log-probabilities only). */
const ifd: Estimator = (_o, input) => {
  const n = input?.records ?? r(0);
  return {
    records: r(0, n.hi),
    shares: [calls(r(4 * n.lo, 4 * n.hi), r(tokensOf(input) + 20), r(0))],
  };
};

/** Per record 2 teacher rewrites (4 with repairs) and 8 to 12 student scoring calls (log-probabilities). */
const reflect: Estimator = (o, input) => {
  const n = input?.records ?? r(0);
  const t = tokensOf(input);
  return {
    records: r(0, n.hi),
    shares: [
      calls(r(2 * n.lo, 4 * n.hi), r(400 + t, 600 + 2 * t), r(150, Number(o.maxOutputTokens))),
      calls(r(8 * n.lo, 12 * n.hi), r(t, 2 * t), r(0), "student"),
    ],
    note: "student scoring calls included",
  };
};

export const FEEDBACK_ESTIMATORS: Record<string, Estimator> = {
  llm2llm,
  "learn-from-errors": learnFromErrors,
  ifd,
  reflect,
};
