/**
 * Cloze answers: spans of a passage that are worth masking, found by rules (no tagger).
 *  - English: a content word of 4+ letters, or a noun-phrase-like run of 2-3 content words right after
 *    a determiner ("the [old stone bridge]"); never the first word of a sentence (its capital would give
 *    it away and make distractors look wrong).
 *  - Chinese: a dictionary word of 2-4 Han characters, or a word and a lone character next to it that
 *    together make 3-4 characters (计算 + 机 = 计算机); stop words never.
 * A span qualifies only in a sentence of at least 6 words (Chinese: 8 characters), and only if it occurs
 * once in the passage, so the blank is the one place the answer was. Its `kind` (w1-w3: words, c2-c4:
 * characters) pairs it with distractors of the same shape.
 */
import { countWords } from "../../text/filters.js";
import { isStopWord } from "../../text/stopwords.js";
import { isContentWord, isHanWord, type Word, words } from "../../text/words.js";
import type { PassageView } from "./udit-passage.js";

export interface Span {
  text: string;
  /** Character offsets [start, end) in the passage text. */
  start: number;
  end: number;
  kind: string;
  /** Index of its sentence. */
  sentence: number;
}

const MIN_SENTENCE = { en: 6, zh: 8 } as const;
const WORD_CHAR = /^[\p{L}\p{N}]$/u;
const LATIN_WORD = /^\p{L}+(?:[-'’]\p{L}+)*$/u;
const DETERMINERS = new Set(
  "the a an this that these those its their his her our my your some many several each every both".split(" "),
);

export function clozeSpans(view: PassageView): Span[] {
  const text = view.passage.text;
  const lower = text.toLowerCase();
  const out: Span[] = [];
  const seen = new Set<string>();
  for (const [index, sentence] of view.sentences.entries()) {
    if (countWords(sentence.text) < MIN_SENTENCE[view.lang]) continue;
    const found = (view.lang === "zh" ? chineseSpans : englishSpans)(
      text,
      words(sentence.text, view.lang).map((w) => ({
        text: w.text,
        start: w.start + sentence.start,
        end: w.end + sentence.start,
      })),
    );
    for (const span of found) {
      const key = `${span.start}:${span.end}`;
      if (seen.has(key) || occurrences(text, span.text, view.lang, lower) !== 1) continue;
      seen.add(key);
      out.push({ ...span, sentence: index });
    }
  }
  return out;
}

type Found = Omit<Span, "sentence">;

function englishSpans(text: string, list: Word[]): Found[] {
  const out: Found[] = [];
  const content = (w: Word) => LATIN_WORD.test(w.text) && isContentWord(w.text, "en");
  const adjacent = (a: Word, b: Word) => text.slice(a.end, b.start) === " ";
  for (let i = 1; i < list.length; i++) {
    const w = list[i]!;
    if (content(w) && w.text.length >= 4) out.push({ text: w.text, start: w.start, end: w.end, kind: "w1" });
    const before = list[i - 1]!;
    if (!DETERMINERS.has(before.text.toLowerCase()) || !adjacent(before, w) || !content(w)) continue;
    let j = i;
    while (j + 1 < list.length && content(list[j + 1]!) && adjacent(list[j]!, list[j + 1]!)) j++;
    const length = j - i + 1;
    if (length >= 2 && length <= 3) {
      const start = w.start;
      const end = list[j]!.end;
      out.push({ text: text.slice(start, end), start, end, kind: `w${length}` });
    }
  }
  return out;
}

function chineseSpans(text: string, list: Word[]): Found[] {
  const out: Found[] = [];
  const han = (w: Word) => isHanWord(w.text) && !isStopWord(w.text, "zh");
  for (let i = 0; i < list.length; i++) {
    const w = list[i]!;
    const length = [...w.text].length;
    if (han(w) && length >= 2 && length <= 4) out.push({ ...w, kind: `c${length}` });
    const next = list[i + 1];
    if (!next || next.start !== w.end || !han(w) || !han(next)) continue;
    // A lone character next to a word is mostly a piece ICU's dictionary left over (计算 | 机); two
    // whole words side by side are as often verb + object (理解 | 智能) as one phrase, so they stay apart.
    if (length > 1 && [...next.text].length > 1) continue;
    const joined = text.slice(w.start, next.end);
    const total = [...joined].length;
    if (total >= 3 && total <= 4)
      out.push({ text: joined, start: w.start, end: next.end, kind: `c${total}` });
  }
  return out;
}

/**
 * How often `span` occurs in `text`: as a whole word, ignoring case (English); as a substring
 * (Chinese). `lower` is `text` in lowercase, computed once per passage by the caller.
 */
export function occurrences(text: string, span: string, lang: string, lower = text.toLowerCase()): number {
  const [haystack, needle] = lang === "zh" ? [text, span] : [lower, span.toLowerCase()];
  let n = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
    if (
      lang === "zh" ||
      (!WORD_CHAR.test(haystack[at - 1] ?? "") && !WORD_CHAR.test(haystack[at + needle.length] ?? ""))
    )
      n++;
  }
  return n;
}
