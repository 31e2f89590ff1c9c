/** Score distributions: judge and curation `score`, IFD's `ifd` and `r_ifd`, per step and field. */
import type { PanelBuilder, RecordVisit, StepVisit } from "./builder.js";
import { ValueSeries } from "./histogram.js";
import { SCORE_FIELDS, scoresOf } from "./record-fields.js";
import type { ScoreStep } from "./types.js";

export class ScoresBuilder implements PanelBuilder {
  readonly steps: ScoreStep[] = [];
  private series = new Map<string, ValueSeries>();

  startStep(): void {
    this.series = new Map();
  }

  record(v: RecordVisit): void {
    if (!v.scored) return;
    for (const [field, value] of scoresOf(v.record)) {
      const s = this.series.get(field) ?? new ValueSeries();
      this.series.set(field, s);
      s.add(value);
    }
  }

  endStep({ step }: StepVisit): void {
    for (const field of SCORE_FIELDS) {
      const s = this.series.get(field);
      if (s && s.size > 0) this.steps.push({ step: step.name, field, histogram: s.histogram() });
    }
  }
}
