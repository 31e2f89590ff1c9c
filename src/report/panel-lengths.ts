/** Lengths of the kept instructions and responses, in words (a CJK character counts as one). */

import { countWords } from "../text/filters.js";
import type { PanelBuilder, RecordVisit, StepVisit } from "./builder.js";
import { ValueSeries } from "./histogram.js";
import { instructionOf, responseOf } from "./record-fields.js";
import type { LengthStep } from "./types.js";

export class LengthsBuilder implements PanelBuilder {
  readonly steps: LengthStep[] = [];
  private instructions = new ValueSeries();
  private responses = new ValueSeries();

  startStep(): void {
    this.instructions = new ValueSeries();
    this.responses = new ValueSeries();
  }

  record(v: RecordVisit): void {
    if (!v.kept) return;
    const instruction = instructionOf(v.record);
    const response = responseOf(v.record);
    if (instruction !== null) this.instructions.add(countWords(instruction));
    if (response !== null) this.responses.add(countWords(response));
  }

  endStep({ step }: StepVisit): void {
    if (this.instructions.size === 0 && this.responses.size === 0) return;
    this.steps.push({
      step: step.name,
      instructions: this.instructions.histogram(),
      responses: this.responses.histogram(),
    });
  }
}
