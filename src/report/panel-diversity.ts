/**
 * Self-Instruct's diversity view: the most common root verbs of the kept instructions and, for each,
 * its most common direct-object nouns (the paper shows the top 20 verbs and their top 4 nouns).
 * Parsing costs about a millisecond an instruction, so only the first `parsePerStep` are parsed.
 */
import type { PanelBuilder, RecordVisit, StepVisit } from "./builder.js";
import { instructionOf } from "./record-fields.js";
import type { DiversityStep } from "./types.js";
import { verbNounOf } from "./verb-noun.js";

export const TOP_VERBS = 20;
export const TOP_NOUNS = 4;
/** The noun slot of a verb with no object found. */
export const NO_OBJECT = "-";

export class DiversityBuilder implements PanelBuilder {
  readonly steps: DiversityStep[] = [];
  private counts = new Map<string, Map<string, number>>();
  private total = 0;
  private parsed = 0;
  private withVerb = 0;
  private languages = { en: 0, zh: 0, other: 0 };
  private cap = 0;

  startStep({ limits }: StepVisit): void {
    this.counts = new Map();
    this.total = this.parsed = this.withVerb = 0;
    this.languages = { en: 0, zh: 0, other: 0 };
    this.cap = limits.parsePerStep;
  }

  record(v: RecordVisit): void {
    if (!v.kept) return;
    // The bare instruction: an input appended to it would only add noise to the first sentence.
    const text = typeof v.record.instruction === "string" ? v.record.instruction : instructionOf(v.record);
    if (!text) return;
    this.total++;
    if (this.parsed >= this.cap) return;
    this.parsed++;
    const { language, pair } = verbNounOf(text);
    this.languages[language]++;
    if (!pair) return;
    this.withVerb++;
    const nouns = this.counts.get(pair.verb) ?? new Map<string, number>();
    this.counts.set(pair.verb, nouns);
    const noun = pair.noun ?? NO_OBJECT;
    nouns.set(noun, (nouns.get(noun) ?? 0) + 1);
  }

  endStep({ step }: StepVisit): void {
    if (this.total === 0) return;
    const verbs = [...this.counts.entries()]
      .map(([verb, nouns]) => ({ verb, nouns, count: sum(nouns.values()) }))
      .sort((a, b) => b.count - a.count || a.verb.localeCompare(b.verb))
      .slice(0, TOP_VERBS)
      .map(({ verb, nouns, count }) => ({
        verb,
        count,
        nouns: [...nouns.entries()]
          .map(([noun, n]) => ({ noun, count: n }))
          .sort((a, b) => b.count - a.count || a.noun.localeCompare(b.noun))
          .slice(0, TOP_NOUNS),
      }));
    this.steps.push({
      step: step.name,
      total: this.total,
      parsed: this.parsed,
      withVerb: this.withVerb,
      verbs,
      languages: this.languages,
    });
  }
}

function sum(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
