/**
 * Estimators of the evolution methods (evol, auto-evol). One evolution is a rewrite, an answer and an
 * information-gain judgement; the elimination rules can stop it after the rewrite or the answer.
 */
import {
  calls,
  type Estimator,
  type Input,
  num,
  type Range,
  r,
  type Share,
  structured,
  tokensOf,
} from "./estimators-kit.js";

/** Per record and round, 2 to 6 calls (rewrites, answers, judgements; a failed rewrite retried). */
const evol: Estimator = (o, input) => {
  const rounds = Number(o.rounds);
  const n = input?.records ?? r(0);
  const t = tokensOf(input);
  return {
    records: r(n.lo, n.hi * (1 + rounds)),
    shares: [
      calls(
        r(n.lo * rounds * 2, n.hi * rounds * 3 * 2),
        r(250 + t, 400 + 2 * t),
        r(60, Number(o.maxOutputTokens)),
      ),
    ],
  };
};

/** Evolutions of the dev set, of each step's batch and of the dev set per proposal; the optimizer's calls. */
const autoEvol: Estimator = (o, input) => {
  const t = tokensOf(input);
  const steps = Number(o.steps);
  const dev = num(o, "dev", 20);
  const k = num(o, "candidates", 3);
  const batch = batchRange(input, num(o, "batch", 8), dev);
  // In a clean run all K proposals are valid and new, so each evolves the development set.
  const evolutions = r(dev + steps * (batch.lo + k * dev), dev + steps * (batch.hi + k * dev));
  const optimizerMax = num(o, "optimizerMaxTokens", 2048);
  // The analysis shows the method and, per case, both instructions, the answer's first 600 characters
  // and the verdict.
  const analysis = r(600 + batch.lo * (2 * t + 180), 900 + batch.hi * (4 * t + 220));
  const shares: Share[] = [
    ...evolutionCalls(evolutions, t, num(o, "maxOutputTokens", 2048), o.gainJudge !== false),
    ...structured(r(steps), analysis, r(100, optimizerMax), "optimizer"),
    // K proposals are one call of K samples; the high end is a server that answers one sample a call.
    calls(r(steps, steps * k), r(700, 900 + optimizerMax), r(k * 150, optimizerMax), "optimizer"),
    calls(r(0, steps * k), r(0, 960 + 2 * optimizerMax), r(0, optimizerMax), "optimizer"),
  ];
  return {
    records: r(1),
    shares,
    note: "writes method.json, one method; fewer calls when evolutions are eliminated",
  };
};

/** Training instructions per mini-batch: --batch, or fewer when the development set leaves fewer. */
function batchRange(input: Input | undefined, batch: number, dev: number): Range {
  const n = input?.records ?? r(dev + batch);
  return r(Math.min(batch, Math.max(n.lo - dev, 0)), Math.min(batch, Math.max(n.hi - dev, 1)));
}

/** Rewrite, answer, and the gain judgement (256 tokens, repairable) unless --no-gain-judge. */
function evolutionCalls(n: Range, t: number, max: number, gainJudge: boolean): Share[] {
  // The rewrite prompt holds the method (a few hundred tokens) and the instruction.
  const shares = [calls(n, r(400 + t, 900 + 2 * t), r(30, max)), calls(n, r(t + 20, 2 * t + 60), r(30, max))];
  if (gainJudge) shares.push(...structured(n, r(200 + 2 * t, 320 + 4 * t), r(30, 256)));
  return shares;
}

export const EVOLUTION_ESTIMATORS: Record<string, Estimator> = { evol, "auto-evol": autoEvol };
