/**
 * A passage as UDIT's rules see it: its language (which decides the text rules and the templates) and
 * its sentences, with offsets in the passage text.
 */
import type { Passage } from "../../data/corpus/passage.js";
import type { UditLang } from "../../prompts/udit.js";
import { type Sentence, splitSentences } from "../../text/sentences.js";

export type UditTask = "summary" | "cloze" | "ordering" | "next-sentence" | "keywords";

/** Every task, in the order a passage's examples are written. */
export const UDIT_TASKS: readonly UditTask[] = ["summary", "cloze", "ordering", "next-sentence", "keywords"];

export interface PassageView {
  passage: Passage;
  lang: UditLang;
  sentences: Sentence[];
}

const HAN = /\p{Script=Han}/gu;
const LETTER = /\p{L}/gu;

/**
 * The template language of a passage: "zh" or "en" as detected; undetermined text ("und", too short for
 * the detector) by its script (mostly Han: zh); anything else has no templates (undefined).
 */
export function uditLanguage(passage: Passage): UditLang | undefined {
  if (passage.lang === "zh" || passage.lang === "en") return passage.lang;
  if (passage.lang !== "und") return undefined;
  const han = passage.text.match(HAN)?.length ?? 0;
  const letters = passage.text.match(LETTER)?.length ?? 0;
  return letters > 0 && han / letters > 0.5 ? "zh" : "en";
}

export function viewOf(passage: Passage): PassageView | undefined {
  const lang = uditLanguage(passage);
  if (lang === undefined) return undefined;
  return { passage, lang, sentences: splitSentences(passage.text) };
}

/** Rounds scores for the records (enough digits to rank, few enough to read). */
export function round(n: number): number {
  return Math.round(n * 1e4) / 1e4;
}
