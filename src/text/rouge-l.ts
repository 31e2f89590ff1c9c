/**
 * ROUGE-L exactly as rouge_score's `_score_lcs` computes it:
 *
 *   if not target_tokens or not prediction_tokens: return Score(0, 0, 0)
 *   precision = lcs / len(prediction_tokens)
 *   recall = lcs / len(target_tokens)
 *   fmeasure = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
 *
 * The same floating-point operations in the same order, so scores match to the last bit, which keeps
 * threshold decisions identical to the Python reference. F is symmetric in the two texts.
 */
import { lcsLength, TokenDictionary } from "./lcs.js";
import { type TokenizerMode, tokenize } from "./tokenize.js";

export interface RougeScore {
  precision: number;
  recall: number;
  f: number;
}

/** rouge_score's `scoring.fmeasure`. */
export function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** The score of an LCS of length `lcs` between a target and a prediction of the given lengths. */
export function scoreFromLcs(lcs: number, targetLength: number, predictionLength: number): RougeScore {
  if (targetLength === 0 || predictionLength === 0) return { precision: 0, recall: 0, f: 0 };
  const precision = lcs / predictionLength;
  const recall = lcs / targetLength;
  return { precision, recall, f: fmeasure(precision, recall) };
}

/** Only the F-measure of `scoreFromLcs`, without allocating: what filtering compares. */
export function fFromLcs(lcs: number, targetLength: number, predictionLength: number): number {
  if (targetLength === 0 || predictionLength === 0) return 0;
  return fmeasure(lcs / predictionLength, lcs / targetLength);
}

export function rougeLTokens(target: readonly string[], prediction: readonly string[]): RougeScore {
  if (target.length === 0 || prediction.length === 0) return { precision: 0, recall: 0, f: 0 };
  const dictionary = new TokenDictionary();
  const lcs = lcsLength(dictionary.internAll(target), dictionary.internAll(prediction));
  return scoreFromLcs(lcs, target.length, prediction.length);
}

/**
 * ROUGE-L of `prediction` against `target`. With `auto` each text picks its own tokenizer, so an
 * English text compared with a Chinese one is tokenized as rouge_score would tokenize it.
 */
export function rougeL(target: string, prediction: string, mode: TokenizerMode = "auto"): RougeScore {
  return rougeLTokens(tokenize(target, mode), tokenize(prediction, mode));
}
