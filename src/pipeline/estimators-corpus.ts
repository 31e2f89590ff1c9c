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

/** One call per document (repairable) whose reply is at least `shortest` tokens, at most --max-output-tokens. */
const perDocument =
  (shortest: number, defaultMax: number): Estimator =>
  (o, input) => {
    const documents = input?.records ?? r(0);
    const text = tokensOf(input, 800);
    const output = r(shortest, num(o, "maxOutputTokens", defaultMax));
    return {
      records: r(0, documents.hi),
      shares: structured(documents, r(250 + text, 300 + 2 * text), output),
    };
  };

export const CORPUS_ESTIMATORS: Record<string, Estimator> = {
  backtranslate,
  // longform writes an instruction; wrap an instruction and a response grounded in the document.
  longform: perDocument(30, 1024),
  wrap: perDocument(150, 2048),
};
