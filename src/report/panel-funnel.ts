/**
 * The funnel per step, from the files (not the summary, which counts one session only): generated =
 * the candidates the step decided on, kept = its kept records, dropped = dropped records by reason.
 */
import type { PanelBuilder, RecordVisit, StepVisit } from "./builder.js";
import { reasonOf } from "./record-fields.js";
import type { FunnelRow } from "./types.js";

export class FunnelBuilder implements PanelBuilder {
  readonly rows: FunnelRow[] = [];
  private current: FunnelRow | undefined;
  private generatedSeen = 0;
  private hasGeneratedFile = false;

  startStep({ step, plan }: StepVisit): void {
    this.hasGeneratedFile = plan.generated !== undefined;
    this.generatedSeen = 0;
    const sources = [plan.generated?.file, plan.kept, ...plan.dropped].filter((f): f is string => !!f);
    this.current = {
      step: step.name,
      method: step.method,
      generated: 0,
      kept: 0,
      dropped: 0,
      byReason: {},
      source: [...new Set(sources)].join(" + ") || "no JSONL output",
    };
    this.rows.push(this.current);
  }

  record(v: RecordVisit): void {
    const row = this.current!;
    if (v.kept) row.kept++;
    if (v.generated) this.generatedSeen++;
    if (v.dropped) {
      row.dropped++;
      const reason = v.dropReason ?? reasonOf(v.record) ?? "unspecified";
      row.byReason[reason] = (row.byReason[reason] ?? 0) + 1;
    }
  }

  endStep(): void {
    const row = this.current!;
    // Without a file of candidates, every candidate was either kept or dropped.
    row.generated = this.hasGeneratedFile ? this.generatedSeen : row.kept + row.dropped;
  }
}
