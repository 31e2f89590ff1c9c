/**
 * Words with their offsets, from ICU's word segmenter (`Intl.Segmenter`, granularity "word"). For
 * Chinese it segments by dictionary ("人工智能是计算机科学" → 人工 | 智能 | 是 | 计算 | 机 | 科学), which is
 * what keywords and cloze spans need; for English it keeps "don't" and "e-mail"-like words whole. Node's
 * full ICU is required (the default build has it).
 */
import { isStopWord } from "./stopwords.js";

export interface Word {
  text: string;
  /** Character offsets [start, end) in the text given. */
  start: number;
  end: number;
}

const LATIN = /^\p{Script=Latin}/u;
const segmenters = new Map<string, Intl.Segmenter>();

function segmenter(lang: string): Intl.Segmenter {
  const locale = lang === "zh" ? "zh" : "en";
  let found = segmenters.get(locale);
  if (!found) {
    found = new Intl.Segmenter(locale, { granularity: "word" });
    segmenters.set(locale, found);
  }
  return found;
}

/**
 * The word-like segments of `text` (no spaces or punctuation), in order. Latin words joined by a hyphen
 * ("pan-fired", "well-known"), which ICU splits, are put back together.
 */
export function words(text: string, lang: string): Word[] {
  const out: Word[] = [];
  for (const s of segmenter(lang).segment(text)) {
    if (!s.isWordLike) continue;
    const last = out.at(-1);
    if (
      last &&
      text[last.end] === "-" &&
      last.end + 1 === s.index &&
      LATIN.test(last.text) &&
      LATIN.test(s.segment)
    ) {
      last.text = text.slice(last.start, s.index + s.segment.length);
      last.end = s.index + s.segment.length;
    } else out.push({ text: s.segment, start: s.index, end: s.index + s.segment.length });
  }
  return out;
}

const HAN_ONLY = /^\p{Script=Han}+$/u;
const LATIN_WORD = /^\p{L}[\p{L}\p{M}'’-]*$/u;

/** A word as a term: lowercase, curly apostrophes straightened. */
export function termOf(word: string): string {
  return word.toLowerCase().replace(/\u2019/gu, "'");
}

/**
 * Whether a word can stand for a topic: not a stop word, and either two or more Han characters (single
 * characters are mostly function words or fragments of a longer word) or a Latin-script word of three or
 * more letters. Numbers and symbols are not terms.
 */
export function isContentWord(word: string, lang: string): boolean {
  if (HAN_ONLY.test(word)) return [...word].length >= 2 && !isStopWord(word, lang);
  return LATIN_WORD.test(word) && word.length >= 3 && !isStopWord(word, lang);
}

export function isHanWord(word: string): boolean {
  return HAN_ONLY.test(word);
}
