/**
 * Records for the sample browser: the first `recordsPerFile` records of each sampled file (the kept
 * output and the drops), texts cut to `textChars`. The first ones rather than a random sample so that
 * a page refreshed during a run keeps showing the same records and only adds new ones.
 */
import { clip, type PanelBuilder, type RecordVisit, type StepVisit } from "./builder.js";
import { detailOf, idOf, instructionOf, mainScore, reasonOf, responseOf } from "./record-fields.js";
import type { ReportLimits, Sample } from "./types.js";

export class SamplesBuilder implements PanelBuilder {
  readonly samples: Sample[] = [];
  /** Per step and file: records included in the page. */
  readonly included = new Map<string, number>();
  private sampled = new Set<string>();

  constructor(private readonly limits: ReportLimits) {}

  startStep({ plan }: StepVisit): void {
    this.sampled = new Set(plan.samples);
  }

  record(v: RecordVisit): void {
    if (!this.sampled.has(v.file)) return;
    const key = `${v.step.name}\u0000${v.file}`;
    const count = this.included.get(key) ?? 0;
    if (count >= this.limits.recordsPerFile) return;
    this.included.set(key, count + 1);
    const r = v.record;
    const max = this.limits.textChars;
    const instruction = clip(instructionOf(r), max);
    const response = clip(responseOf(r), max);
    const detail = clip(detailOf(r), 500);
    this.samples.push({
      step: v.step.name,
      method: v.step.method,
      file: v.file,
      line: v.line,
      kind: v.dropped ? "dropped" : v.kept ? "kept" : "other",
      id: idOf(r),
      instruction: instruction.text,
      response: response.text,
      score: mainScore(r),
      reason: v.dropped || !v.kept ? (v.dropReason ?? reasonOf(r)) : null,
      detail: detail.text,
      truncated: instruction.cut || response.cut,
    });
  }
}
