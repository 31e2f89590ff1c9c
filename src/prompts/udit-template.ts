/**
 * The shapes of UDIT's instruction templates and the small formatting helpers they share (kept apart
 * from udit.ts so the English and Chinese tables can import them without an import cycle).
 */
export type UditLang = "en" | "zh";

export interface SummaryArgs {
  /** The text to summarize (for a lead summary: the passage without its first sentence). */
  passage: string;
  summary: string;
}
export interface ClozeOpenArgs {
  /** The passage with the span replaced by `BLANK`. */
  text: string;
  answer: string;
}
export interface ChoiceArgs {
  /** Cloze: the passage with the blank; next sentence: the sentences before the true next one. */
  text: string;
  options: string[];
  /** Index of the right option. */
  answer: number;
}
export interface OrderingArgs {
  /** The sentences as shown, shuffled. */
  sentences: string[];
  /** 1-based numbers of the shown sentences, in their original order. */
  order: number[];
}
export interface KeywordsArgs {
  passage: string;
  keywords: string[];
}

/** The argument type of each template group. */
export interface TemplateGroups {
  "summary-title": SummaryArgs;
  "summary-lead": SummaryArgs;
  "cloze-open": ClozeOpenArgs;
  "cloze-choice": ChoiceArgs;
  ordering: OrderingArgs;
  "next-sentence": ChoiceArgs;
  keywords: KeywordsArgs;
}
export type TemplateGroup = keyof TemplateGroups;

export interface Rendered {
  instruction: string;
  input: string;
  output: string;
}

export interface TemplateEntry<A> {
  version: number;
  render: (args: A) => Rendered;
}

/** One language's templates: at least four per group. */
export type TemplateTable = { [G in TemplateGroup]: Array<TemplateEntry<TemplateGroups[G]>> };

/** What marks the masked span in a cloze text. */
export const BLANK = "____";

/** Version 1 of a template (the tables stay short: `t(render)`; `t(render, 2)` after a rewording). */
export function t<A>(render: (args: A) => Rendered, version = 1): TemplateEntry<A> {
  return { version, render };
}

export function letter(index: number): string {
  return String.fromCharCode(65 + index);
}

/** "A. first\nB. second" */
export function lettered(options: readonly string[]): string {
  return options.map((option, i) => `${letter(i)}. ${option}`).join("\n");
}

/** "1. first\n2. second" */
export function numbered(items: readonly string[]): string {
  return items.map((item, i) => `${i + 1}. ${item}`).join("\n");
}
