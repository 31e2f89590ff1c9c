/**
 * Estimators of the backtranslation methods that call a model (backtranslate, longform, wrap). Their
 * input is the corpus as the method reads it: passages (backtranslate) or documents (longform, wrap)
 * after ingestion's drops, so the counts here are the calls' counts.
 */
import { calls, type Estimator, num, r, structured, tokensOf } from "./estimators-kit.js";

/** Per round, a backward call (plain text) and a rating (repairable) per passage still in the running. */
const backtranslate: Estimator = (o, input) => {
  const passages = input?.records ?? r(0);
  const passage = tokensOf(input, 300);
  const rounds = num(o, "rounds", 2);
  const shown = num(o, "inContext", 3);
  const max = num(o, "maxOutputTokens", 1024);
  // Round 1 takes every passage; later rounds only the pairs the round before kept (low: none, high: all).
  const perPassage = r(passages.lo, passages.hi * rounds);
  // The backward prompt shows examples (text, then its request) before the passage itself.
  const augment = calls(
    perPassage,
    r(120 + (shown + 1) * passage, 160 + (shown + 1) * 2 * passage),
    r(15, max),
    "backward",
  );
  // Later rounds show kept pairs as calibration, their answers cut to about 1,200 characters.
  const calibration = rounds > 1 ? num(o, "calibration", 2) * 330 : 0;
  const rate = structured(perPassage, r(380 + passage, 420 + 2 * passage + calibration), r(40, max));
  return { records: r(0, passages.hi), shares: [augment, ...rate] };
};

/** One instruction call per document (repairable). */
const longform: Estimator = (o, input) => {
  const documents = input?.records ?? r(0);
  const text = tokensOf(input, 800);
  return {
    records: r(0, documents.hi),
    shares: structured(documents, r(250 + text, 300 + 2 * text), r(30, num(o, "maxOutputTokens", 1024))),
  };
};

/** One call per document (repairable) writing an instruction and a response grounded in it. */
const wrap: Estimator = (o, input) => {
  const documents = input?.records ?? r(0);
  const text = tokensOf(input, 800);
  return {
    records: r(0, documents.hi),
    shares: structured(documents, r(250 + text, 300 + 2 * text), r(150, num(o, "maxOutputTokens", 2048))),
  };
};

export const CORPUS_ESTIMATORS: Record<string, Estimator> = { backtranslate, longform, wrap };
