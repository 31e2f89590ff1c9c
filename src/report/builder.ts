/**
 * The shape of a panel builder: the collector streams every output file of every step once and shows
 * each record to every builder, which keeps only what its panel needs (counts, numbers, a capped list).
 */
import type { StepDir } from "./discover.js";
import type { Rec, StepPlan } from "./step-files.js";
import type { ReportLimits } from "./types.js";

export interface StepVisit {
  step: StepDir;
  plan: StepPlan;
  limits: ReportLimits;
}

export interface RecordVisit {
  step: StepDir;
  file: string;
  /** 1-based line in the file. */
  line: number;
  record: Rec;
  /** In the step's kept file and counted as kept. */
  kept: boolean;
  /** A candidate of the step (kept or not), when the method has a file of candidates. */
  generated: boolean;
  dropped: boolean;
  /** Why, when the method's plan names the reason (else the record's own `reason` field says). */
  dropReason?: string;
  /** In the file whose scores are plotted. */
  scored: boolean;
}

export interface PanelBuilder {
  startStep?(visit: StepVisit): Promise<void> | void;
  record(visit: RecordVisit): void;
  endStep?(visit: StepVisit): Promise<void> | void;
}

/** Cuts a text to `max` characters (by code point, so no surrogate pair is split). */
export function clip(text: string | null, max: number): { text: string | null; cut: boolean } {
  if (text === null || text.length <= max) return { text, cut: false };
  return {
    text: `${Array.from(text.slice(0, max + 1))
      .slice(0, max)
      .join("")}…`,
    cut: true,
  };
}
