/**
 * Sentence splitting for English and Chinese (and text mixing both), by rules rather than ICU's sentence
 * segmenter, which cuts after "Dr." and "e.g." and changes with the ICU version (outputs must not).
 *
 * A sentence ends:
 *  - at 。！？ (with any closing quotes or brackets after them), always: Chinese puts no space after them;
 *  - at . ! ? … (and closing quotes) followed by whitespace and then not a lowercase letter, or by the
 *    end of the text, except after an abbreviation ("Dr.", "e.g.", "vs.", "No. 5", "Jan. 3"), an initial
 *    ("J. K. Rowling"), a dotted acronym ("U.S. Army") or a list number at the start of a line ("1. Mix");
 *  - at ! or ? directly followed by a Han character (Chinese written with ASCII punctuation);
 *  - at a blank line (a paragraph break).
 * A "." with no space after it never ends a sentence, so decimals (3.5), versions and URLs stay whole.
 */

export interface Sentence {
  text: string;
  /** Character offsets [start, end) of the trimmed sentence in the text given. */
  start: number;
  end: number;
}

// Candidates, in one pass: a blank line, a run of Chinese terminators, or a run of ASCII terminators;
// each with the closing quotes and brackets that belong to the sentence before the break.
const CANDIDATE = /\n[^\S\n]*\n|[。！？]+[”’"'」』）)\]】]*|[.!?…]+[”’"'」』）)\]】]*/gu;
const HAN = /\p{Script=Han}/u;
const LOWERCASE_START = /^\p{Ll}/u;
const WORD_BEFORE = /(?:\p{L}+\.)*[\p{L}\p{N}]+$/u;

/** Abbreviations after which "." never ends a sentence (lowercase, without the final dot). */
const ABBREVIATIONS = new Set([
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "sr",
  "jr",
  "st",
  "mt",
  "gen",
  "col",
  "lt",
  "sgt",
  "capt",
  "rev",
  "hon",
  "gov",
  "sen",
  "rep",
  "pres",
  "messrs",
  "vs",
  "cf",
  "viz",
  "approx",
  "ca",
  "al",
  "eg",
  "ie",
  "e.g",
  "i.e",
]);

/** Abbreviations that end no sentence when a number follows ("No. 5", "Fig. 2", "Jan. 3"). */
const BEFORE_NUMBER = new Set([
  "no",
  "nos",
  "fig",
  "figs",
  "vol",
  "p",
  "pp",
  "ch",
  "sec",
  "art",
  "eq",
  "jan",
  "feb",
  "mar",
  "apr",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
]);

export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let from = 0;
  const push = (to: number) => {
    const raw = text.slice(from, to);
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    // A piece with no letter or digit (a stray "..." or quote) is not a sentence of its own.
    if (/[\p{L}\p{N}]/u.test(body)) {
      out.push({ text: body, start: from + lead, end: from + lead + body.length });
    }
    from = to;
  };
  for (const match of text.matchAll(CANDIDATE)) {
    const at = match.index;
    const end = at + match[0].length;
    if (match[0].startsWith("\n")) push(at);
    else if (endsSentence(text, at, match[0], end)) push(end);
  }
  push(text.length);
  return out;
}

function endsSentence(text: string, at: number, mark: string, end: number): boolean {
  if (/[。！？]/u.test(mark[0]!)) return true;
  const rest = text.slice(end, end + 64);
  if (rest === "") return true;
  const space = /^\s+/u.exec(rest);
  if (!space) return (mark[0] === "!" || mark[0] === "?") && HAN.test(rest[0]!);
  const next = rest.slice(space[0].length);
  if (next === "") return true;
  if (LOWERCASE_START.test(next)) return false;
  // Only a single "." can be an abbreviation's: "?", "!" and "..." end the sentence.
  if (mark.replace(/[”’"'」』）)\]】]+$/u, "") !== ".") return true;
  return !abbreviationBefore(text, at, next);
}

/** Whether the "." at `at` closes an abbreviation, an initial, an acronym or a list number. */
function abbreviationBefore(text: string, at: number, next: string): boolean {
  const before = text.slice(Math.max(0, at - 32), at);
  const word = WORD_BEFORE.exec(before)?.[0];
  if (word === undefined) return false;
  const lower = word.toLowerCase();
  if (ABBREVIATIONS.has(lower)) return true;
  if (BEFORE_NUMBER.has(lower) && /^\p{N}/u.test(next)) return true;
  if (/^\p{Lu}$/u.test(word)) return true;
  // "U.S", "e.g" (the last dot is the one at hand).
  if (word.includes(".")) return true;
  // "1." or "12." alone at the start of a line: a list item, not the end of a sentence.
  if (/^\p{N}{1,2}$/u.test(word)) {
    const wordStart = at - word.length;
    const lineStart = text.lastIndexOf("\n", wordStart - 1) + 1;
    return text.slice(lineStart, wordStart).trim() === "";
  }
  return false;
}
