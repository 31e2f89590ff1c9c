/**
 * The instruction templates of UDIT: for each task (and variant) several wordings in English and in
 * Chinese, written by us. A template turns the pseudo-label a rule found (a title, a masked span, an
 * order) into an (instruction, input, output) example; one is picked per example at random, so the
 * same task is asked in several ways. Each template has an id (`udit/<group>/<lang>/<n>`) and a version,
 * recorded in every example it makes: bump the version when its wording changes.
 */
import type { PromptRef } from "./prompt.js";
import { UDIT_EN } from "./udit-en.js";
import type {
  Rendered,
  TemplateEntry,
  TemplateGroup,
  TemplateGroups,
  TemplateTable,
  UditLang,
} from "./udit-template.js";
import { UDIT_ZH } from "./udit-zh.js";

export * from "./udit-template.js";

export interface UditTemplate<A> extends PromptRef {
  render: (args: A) => Rendered;
}

const TABLES: Record<UditLang, TemplateTable> = { en: UDIT_EN, zh: UDIT_ZH };

/** The templates of a group in a language, with their ids. */
export function uditTemplates<G extends TemplateGroup>(
  group: G,
  lang: UditLang,
): Array<UditTemplate<TemplateGroups[G]>> {
  const entries = TABLES[lang][group] as Array<TemplateEntry<TemplateGroups[G]>>;
  return entries.map((entry, i) => ({
    id: `udit/${group}/${lang}/${i + 1}`,
    version: entry.version,
    render: entry.render,
  }));
}
