/**
 * Each kept instruction's highest ROUGE-L F against the seeds (Self-Instruct's Figure 3). When the step's
 * config names a seed file we compute it here (NearDupIndex, exact); otherwise we plot the figure the
 * method stored in the record (`meta.rouge.max`, `meta.rouge_l`), which is against what the method
 * compared with (for Self-Instruct: the whole pool at that moment), and the panel says so.
 */
import { existsSync } from "node:fs";
import { readSeedTasks } from "../methods/in-context/seed-tasks.js";
import { NearDupIndex } from "../text/near-dup-index.js";
import type { PanelBuilder, RecordVisit, StepVisit } from "./builder.js";
import { ValueSeries } from "./histogram.js";
import { instructionOf, recordedRougeOf } from "./record-fields.js";
import type { RougeStep } from "./types.js";

export class RougeBuilder implements PanelBuilder {
  readonly steps: RougeStep[] = [];
  readonly warnings: string[] = [];
  private index: NearDupIndex | null = null;
  private seedsFile = "";
  private values = new ValueSeries();
  private computed = 0;
  private cap = 0;

  async startStep({ step, limits }: StepVisit): Promise<void> {
    this.values = new ValueSeries();
    this.index = null;
    this.computed = 0;
    this.cap = limits.parsePerStep * 10;
    const seeds = step.config?.seeds;
    if (typeof seeds !== "string" || !existsSync(seeds)) return;
    try {
      const set = await readSeedTasks(seeds);
      const index = new NearDupIndex();
      for (const task of set.tasks) index.add(task.id, task.instruction);
      this.index = index;
      this.seedsFile = seeds;
    } catch (error) {
      this.warnings.push(`${step.name}: seeds ${seeds} unreadable (${(error as Error).message})`);
    }
  }

  record(v: RecordVisit): void {
    if (!v.kept) return;
    if (this.index) {
      if (this.computed >= this.cap) return;
      const text = typeof v.record.instruction === "string" ? v.record.instruction : instructionOf(v.record);
      if (!text) return;
      this.computed++;
      this.values.add(this.index.nearest(text).score);
      return;
    }
    const recorded = recordedRougeOf(v.record);
    if (recorded !== null) this.values.add(recorded);
  }

  endStep({ step }: StepVisit): void {
    if (this.values.size === 0) return;
    const histogram = this.values.histogram({ bins: 20, fixed: [0, 1] });
    this.steps.push(
      this.index
        ? {
            step: step.name,
            source: "seeds",
            note: `against the ${this.index.size} seeds of ${this.seedsFile}`,
            histogram,
          }
        : { step: step.name, source: "record", note: "as the method recorded it (meta.rouge)", histogram },
    );
  }
}
