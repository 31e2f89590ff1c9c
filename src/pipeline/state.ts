/**
 * `<out>/pipeline.json`: the steps in order with their directories, status and the fingerprint of the
 * command line that finished them. Written after every change (temp file + rename), read by a re-run
 * and by the report.
 */

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { replaceJsonFile } from "../util/atomic-file.js";
import type { StepPlan } from "./plan.js";

export type StepStatus = "pending" | "running" | "complete" | "partial" | "budget" | "interrupted" | "failed";

interface StepRecord {
  name: string;
  method: string;
  dir: string;
  product: string;
  status: StepStatus;
  fingerprint?: string;
  exit_code?: number;
  started_at?: string;
  finished_at?: string;
}

interface StateFile {
  name?: string;
  steps: StepRecord[];
}

const STATUS_BY_EXIT: Record<number, StepStatus> = {
  0: "complete",
  2: "partial",
  3: "budget",
  130: "interrupted",
};

export class PipelineState {
  private constructor(
    private readonly path: string,
    private readonly data: StateFile,
  ) {}

  /** The state of `outDir`, with the steps of `plans` (finished steps of an earlier run keep their record). */
  static open(outDir: string, name: string | undefined, plans: StepPlan[]): PipelineState {
    mkdirSync(outDir, { recursive: true });
    const path = join(outDir, "pipeline.json");
    const earlier: StateFile = existsSync(path)
      ? (JSON.parse(readFileSync(path, "utf8")) as StateFile)
      : { steps: [] };
    const steps = plans.map((plan): StepRecord => {
      const old = earlier.steps.find((s) => s.name === plan.name && s.method === plan.method);
      // Paths relative to the pipeline directory: it can be moved or copied (e.g. to make a report elsewhere).
      const dir = relative(outDir, plan.dir);
      const product = relative(outDir, plan.product);
      return { ...old, name: plan.name, method: plan.method, dir, product, status: old?.status ?? "pending" };
    });
    const state = new PipelineState(path, { ...(name ? { name } : {}), steps });
    state.save();
    return state;
  }

  isDone(step: string, fingerprint: string): boolean {
    const record = this.record(step);
    return record.status === "complete" && record.fingerprint === fingerprint;
  }

  status(step: string): StepStatus {
    return this.record(step).status;
  }

  start(step: string, fingerprint: string): void {
    Object.assign(this.record(step), {
      status: "running",
      fingerprint,
      started_at: new Date().toISOString(),
    });
    this.save();
  }

  finish(step: string, exitCode: number): void {
    const status = STATUS_BY_EXIT[exitCode] ?? "failed";
    Object.assign(this.record(step), { status, exit_code: exitCode, finished_at: new Date().toISOString() });
    this.save();
  }

  private record(step: string): StepRecord {
    const record = this.data.steps.find((s) => s.name === step);
    if (!record) throw new Error(`no step "${step}" in ${this.path}`);
    return record;
  }

  private save(): void {
    replaceJsonFile(this.path, this.data);
  }
}
