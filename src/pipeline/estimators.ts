/**
 * Every method's `--dry-run` estimator, by method name (see estimators-kit.ts for what the low and high
 * ends mean). The per-method ones live beside this file by family; the record-level steps are here.
 */
import { CORPUS_ESTIMATORS } from "./estimators-corpus.js";
import { EVOLUTION_ESTIMATORS } from "./estimators-evolution.js";
import { FEEDBACK_ESTIMATORS } from "./estimators-feedback.js";
import { GENERATOR_ESTIMATORS } from "./estimators-generators.js";
import { calls, type Estimator, noCalls, r, scale, tokensOf } from "./estimators-kit.js";
import { SEARCH_ESTIMATORS } from "./estimators-search.js";

/** One call per instruction, `--samples` answers each. */
const respond: Estimator = (o, input) => {
  const n = input?.records ?? r(0);
  const samples = Number(o.samples ?? 1);
  return {
    records: scale(n, samples),
    shares: [calls(n, r(20 + tokensOf(input)), r(samples * 32, samples * Number(o.maxOutputTokens)))],
  };
};

/** One verdict call per record (pointwise; up to 2 with a repair), 1 to 6 per pair (pairwise). */
const judge: Estimator = (o, input) => {
  const n = input?.records ?? r(0);
  const t = tokensOf(input, 200);
  const pairwise = o.mode === "pairwise";
  return {
    records: n,
    shares: [
      calls(
        pairwise ? scale(n, 1, 6) : scale(n, 1, 2),
        r(400 + t, 500 + 2 * t),
        r(120, Number(o.maxOutputTokens)),
      ),
    ],
  };
};

export const ESTIMATORS: Record<string, Estimator> = {
  ...GENERATOR_ESTIMATORS,
  ...CORPUS_ESTIMATORS,
  ...EVOLUTION_ESTIMATORS,
  ...FEEDBACK_ESTIMATORS,
  ...SEARCH_ESTIMATORS,
  respond,
  judge,
  // The model-free steps: records only.
  preferences: (_o, input) => noCalls(r(0, (input?.records.hi ?? 0) / 2)),
  dedup: (_o, input) => noCalls(r(0, input?.records.hi ?? 0)),
  export: (_o, input) => noCalls(r(0, input?.records.hi ?? 0)),
  udit: () => noCalls(undefined),
};
