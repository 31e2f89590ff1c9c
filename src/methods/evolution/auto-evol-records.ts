/**
 * What Auto Evol-Instruct writes: every evolution it made (trajectories.jsonl), the optimizer's analysis of
 * each step (analyses.jsonl), one line per step with the method in use, the candidates and the choice
 * (history.jsonl), and the method the run ended with as an operations file (method.json, usable as
 * `selfalign evol --operations`). Record ids hash their content and their place in the run, so a re-run
 * recomputes them and appends only those not written yet.
 */

import { join } from "node:path";
import type { EventLog } from "../../engine/event-log.js";
import type { AnalysisIssue } from "../../prompts/auto-evol.js";
import { replaceFile } from "../../util/atomic-file.js";
import { RecordOutput } from "../shared/record-output.js";
import type { Elimination } from "./elimination.js";
import { operationsFileText } from "./operations.js";

export interface AutoEvolMeta {
  method: "auto-evol";
  step: number;
  model: string;
  prompts: string[];
}

/** One evolution: an instruction rewritten with a method, answered, and checked. */
export interface TrajectoryRecord {
  id: string;
  step: number;
  /** batch: the current method on the step's mini-batch; dev: a method evaluated on the development set. */
  role: "batch" | "dev";
  /** The method used (see MethodRef.id). */
  method_id: string;
  /** Index of the candidate among the step's proposals (dev evaluations of candidates only). */
  candidate: number | null;
  instruction_id: string;
  instruction: string;
  evolved: string;
  response: string | null;
  failed: boolean;
  elimination: Elimination | null;
  gain?: { equal: boolean; reason: string; invalid?: string };
  meta: AutoEvolMeta & { calls: { evolve: string; respond?: string; gain?: string } };
}

export interface AnalysisRecord {
  id: string;
  step: number;
  /** The method whose trajectories were analysed. */
  method_id: string;
  instruction_ids: string[];
  issues: AnalysisIssue[];
  /** The reply was not valid even after a repair; `raw` was passed on to the improvement prompt. */
  invalid?: string;
  raw?: string;
  meta: AutoEvolMeta & { call: string };
}

export type CandidateStatus = "evaluated" | "invalid" | "same-as-current" | "duplicate";

export interface CandidateRecord {
  index: number;
  method_id: string;
  /** The proposed method (absent when the reply held none). */
  method?: string;
  changes?: string;
  status: CandidateStatus;
  /** Why it was not evaluated. */
  detail?: string;
  failures?: number;
  failure_rate?: number;
  call: string;
}

export interface HistoryRecord {
  id: string;
  step: number;
  /** The method in use during the step and its failure rate on the development set. */
  method_id: string;
  method: string;
  dev_failure_rate: number;
  batch: { instruction_ids: string[]; failures: number; failure_rate: number };
  analysis_id: string;
  candidates: CandidateRecord[];
  /** Index of the candidate that became the method, or null when the method stayed. */
  chosen: number | null;
  /** The method after the step and its development-set failure rate. */
  next_method_id: string;
  next_dev_failure_rate: number;
  meta: AutoEvolMeta & { optimizer_model: string };
}

export class AutoEvolOutputs {
  private constructor(
    readonly outDir: string,
    readonly trajectories: RecordOutput<TrajectoryRecord>,
    readonly analyses: RecordOutput<AnalysisRecord>,
    readonly history: RecordOutput<HistoryRecord>,
  ) {}

  static async open(outDir: string, events?: EventLog): Promise<AutoEvolOutputs> {
    return new AutoEvolOutputs(
      outDir,
      await RecordOutput.open(join(outDir, "trajectories.jsonl"), events),
      await RecordOutput.open(join(outDir, "analyses.jsonl"), events),
      await RecordOutput.open(join(outDir, "history.jsonl"), events),
    );
  }

  get methodPath(): string {
    return join(this.outDir, "method.json");
  }

  /** Replaces method.json in one rename: a reader (or a crash) never sees half a file. */
  writeMethod(id: string, directive: string): void {
    replaceFile(this.methodPath, operationsFileText([{ id, kind: "depth", directive }], true));
  }

  close(): void {
    this.trajectories.close();
    this.analyses.close();
    this.history.close();
  }
}
