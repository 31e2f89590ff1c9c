/**
 * How much of a generated text is backed by a source document: the share of its content words (tokens
 * minus stop words) that also occur in the document. A response that only reorders, condenses and
 * rephrases the document scores near 1; one that adds names, numbers or claims of its own scores lower,
 * and the words that lowered it are listed. Used by DoG-style wrapping to drop responses that add facts.
 *
 * Tokens come from `tokenize`: both texts with one tokenizer, the CJK mode as soon as either holds a CJK
 * character (each Han character is then a token, so Chinese is compared character by character).
 * English words are lightly stemmed (river/rivers, carve/carved/carving match) and contractions
 * expanded; one-letter words are not content. Stop words are the shared lists of text/stopwords.ts.
 */
import { isStopWord } from "./stopwords.js";
import { resolveTokenizer, type TokenizerMode, tokenize } from "./tokenize.js";

export interface Grounding {
  /** Share of the text's content words found in the document, in [0, 1]; null when it has none. */
  score: number | null;
  /** Content words of the text (occurrences, not distinct words). */
  contentWords: number;
  /** Of those, how many occur in the document. */
  supported: number;
  /** The first few distinct content words that the document lacks, as written in the text. */
  unsupported: string[];
}

export interface GroundingOptions {
  /** How many unsupported words to list (default 8). */
  maxUnsupported?: number;
}

/** Grounding of `text` (a generated response) in `document`. */
export function grounding(text: string, document: string, options: GroundingOptions = {}): Grounding {
  const maxUnsupported = options.maxUnsupported ?? 8;
  const mode = sharedMode(text, document);
  const known = new Set<string>();
  for (const token of contentWords(document, mode)) known.add(stem(token));
  let contentCount = 0;
  let supported = 0;
  const unsupported: string[] = [];
  const listed = new Set<string>();
  for (const token of contentWords(text, mode)) {
    contentCount++;
    const key = stem(token);
    if (known.has(key)) {
      supported++;
    } else if (unsupported.length < maxUnsupported && !listed.has(key)) {
      listed.add(key);
      unsupported.push(token);
    }
  }
  return {
    score: contentCount === 0 ? null : supported / contentCount,
    contentWords: contentCount,
    supported,
    unsupported,
  };
}

/**
 * The content words of `text`, in order, lowercased: tokens that are not stop words. `mode` as in
 * `tokenize`; with "auto", CJK text is tokenized per character and its stop words are the Chinese list.
 */
export function contentWords(text: string, mode: TokenizerMode = "auto"): string[] {
  const resolved = resolveTokenizer(text, mode);
  const lang = resolved === "cjk" ? "zh" : "en";
  const out: string[] = [];
  for (const token of tokenize(expandContractions(text), resolved)) {
    if (isStopWord(token, lang)) continue;
    // Stray letters (from "e.g.", initials, a split contraction) say nothing about the topic.
    if (token.length === 1 && /^[\p{Script=Latin}]$/u.test(token)) continue;
    out.push(token);
  }
  return out;
}

/** One tokenizer for both texts, so that a word is cut the same way on either side. */
function sharedMode(a: string, b: string): "rouge" | "cjk" {
  return resolveTokenizer(a, "auto") === "cjk" || resolveTokenizer(b, "auto") === "cjk" ? "cjk" : "rouge";
}

/** "don't" -> "do not", "it's" -> "it": the tokenizers would otherwise leave "don" and "t". */
function expandContractions(text: string): string {
  return text
    .replace(/\bcan['’]t\b/giu, "cannot")
    .replace(/\bwon['’]t\b/giu, "will not")
    .replace(/n['’]t\b/giu, " not")
    .replace(/['’](?:s|re|ve|ll|d|m)\b/giu, "");
}

/**
 * A light suffix stripper for English words (not a full stemmer): plural, -ed, -ing (with a doubled consonant) and a final -e, so
 * that inflected forms of one word compare equal. Applied to both texts alike; other tokens unchanged.
 */
export function stem(word: string): string {
  if (!/^[a-z]+$/.test(word) || word.length <= 3) return word;
  let w = word;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("s") && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  let cut = false;
  if (w.endsWith("ied") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("ing") && w.length > 5) [w, cut] = [w.slice(0, -3), true];
  else if (w.endsWith("ed") && w.length > 4) [w, cut] = [w.slice(0, -2), true];
  // stopped -> stop, running -> run
  if (cut && /([bdgmnprt])\1$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith("e") && w.length > 3) w = w.slice(0, -1);
  return w;
}
