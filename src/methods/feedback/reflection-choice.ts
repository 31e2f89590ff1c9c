/**
 * The student's choices of Selective Reflection-Tuning (Li et al., 2024), by its own perplexities:
 *
 *  - instruction stage: between the original pair and the teacher's reflected pair, the one with the
 *    higher IFD (harder for the student, so it teaches more), among those with IFD < 1 (below 1 the
 *    instruction at least helps predict the answer);
 *  - response stage: between the chosen pair's answer and the teacher's reflected answer, the one with
 *    the lower r-IFD (the answer implies its instruction better: it fits the instruction and the
 *    student can learn it), again among answers with IFD < 1.
 *
 * Ties keep the original: a rewrite has to earn its place.
 */
import type { IfdScores } from "./ifd.js";

export type Version = "original" | "reflected";

export type Choice =
  | { keep: Version; reason: string }
  /** Neither version passes IFD < 1: the record teaches the student nothing either way. */
  | { keep: undefined; reason: string };

type Scores = Pick<IfdScores, "ifd" | "r_ifd">;

export function chooseInstruction(original: Scores, reflected: Scores): Choice {
  return choose(original, reflected, (s) => s.ifd, "higher", "IFD");
}

export function chooseResponse(original: Scores, reflected: Scores): Choice {
  return choose(original, reflected, (s) => s.r_ifd, "lower", "r-IFD");
}

function choose(
  original: Scores,
  reflected: Scores,
  measure: (s: Scores) => number,
  better: "higher" | "lower",
  name: string,
): Choice {
  const originalOk = original.ifd < 1;
  const reflectedOk = reflected.ifd < 1;
  if (!originalOk && !reflectedOk) {
    return { keep: undefined, reason: `IFD >= 1 for both (${fmt(original.ifd)}, ${fmt(reflected.ifd)})` };
  }
  if (!reflectedOk) return { keep: "original", reason: `reflected IFD ${fmt(reflected.ifd)} >= 1` };
  if (!originalOk) return { keep: "reflected", reason: `original IFD ${fmt(original.ifd)} >= 1` };
  const a = measure(original);
  const b = measure(reflected);
  const reflectedWins = better === "higher" ? b > a : b < a;
  const relation = reflectedWins ? (better === "higher" ? ">" : "<") : better === "higher" ? "<=" : ">=";
  return {
    keep: reflectedWins ? "reflected" : "original",
    reason: `reflected ${name} ${fmt(b)} ${relation} original ${fmt(a)}`,
  };
}

function fmt(x: number): string {
  return x.toFixed(4);
}
