/**
 * LongForm's length information: a phrase, computed from the document, that tells how long the answer
 * should be ("Respond in about 300 words."), added to the generated instruction. Our wording and
 * rounding; Chinese documents get a Chinese phrase. The count is words, each CJK character counting as
 * one (so for Chinese it is characters, 字), and paragraphs are named when the document has three or more.
 */
import { countWords } from "../../text/filters.js";

export interface LengthHint {
  /** The phrase added to the instruction. */
  text: string;
  /** The document's length it was derived from (before rounding). */
  words: number;
  paragraphs: number;
  lang: "en" | "zh";
}

/** A block counts as a paragraph from this many words: headings and captions stay uncounted. */
const PARAGRAPH_MIN_WORDS = 10;

export function lengthHint(text: string, lang: string): LengthHint {
  const words = countWords(text);
  let paragraphs = 0;
  for (const block of text.split(/\n\s*\n/u)) if (countWords(block) >= PARAGRAPH_MIN_WORDS) paragraphs++;
  paragraphs = Math.max(1, paragraphs);
  const chinese = lang === "zh" || (lang === "und" && /\p{Script=Han}/u.test(text));
  const n = roundLength(words);
  if (chinese) {
    const phrase = paragraphs >= 3 ? `请分${paragraphs}段回答，全文约${n}字。` : `请用大约${n}字回答。`;
    return { text: phrase, words, paragraphs, lang: "zh" };
  }
  const phrase =
    paragraphs >= 3
      ? `Respond in ${paragraphs} paragraphs, about ${n} words in all.`
      : `Respond in about ${n} words.`;
  return { text: phrase, words, paragraphs, lang: "en" };
}

/** Rounded the way a person would ask: to 10 under 100, to 50 under 1000, to 100 above. */
export function roundLength(words: number): number {
  if (words < 100) return Math.max(10, Math.round(words / 10) * 10);
  if (words < 1000) return Math.round(words / 50) * 50;
  return Math.round(words / 100) * 100;
}

/** The instruction with the hint after it, joined as the language writes sentences. */
export function withLengthHint(instruction: string, hint: LengthHint): string {
  const ended = /[.!?。！？…)"”]$/u.test(instruction);
  if (hint.lang === "zh") return `${instruction}${ended ? "" : "。"}${hint.text}`;
  return `${instruction}${ended ? "" : "."} ${hint.text}`;
}
