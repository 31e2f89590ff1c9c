/**
 * What Rainbow Teaming writes. Append-only, resumable (ids from content and seeded choices):
 * candidates.jsonl (every candidate with its outcome), iterations.jsonl (figures per iteration) and
 * dropped.jsonl (candidates that did not enter the archive). Snapshots, replaced whole in one rename
 * after every iteration: archive.json (the saved search state a re-run resumes from), archive.jsonl
 * (one record per filled cell), grid.json (heat-map data); at the end, with safe responses, sft.jsonl
 * and preferences.jsonl for the archive's prompts.
 */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { EventLog } from "../../engine/event-log.js";
import { replaceFile } from "../../util/atomic-file.js";
import { DropLog, RecordOutput } from "../shared/record-output.js";
import type { ArchiveData, GridData } from "./rainbow-archive.js";
import type { Axis } from "./rainbow-axes.js";

/** The files of the search (the safety data's come with `safeResponses`). */
export const SEARCH_FILES = [
  "archive.json",
  "archive.jsonl",
  "candidates.jsonl",
  "iterations.jsonl",
  "grid.json",
  "dropped.jsonl",
];
export const SAFETY_FILES = ["sft.jsonl", "preferences.jsonl"];

export interface Mutation {
  axis: string;
  value: string;
  /** The prompt after this mutation. */
  prompt: string;
  call: string;
}

export interface ParentRef {
  kind: "seed" | "elite";
  id: string;
  prompt: string;
}

export interface RecordMeta {
  method: "rainbow";
  /** Iteration-wide candidate number: the mutator's and target's draw (sample index). */
  draw: number;
  models: { mutator: string; target: string; judge: string };
  prompts: string[];
}

/** One line of archive.jsonl: an elite and how it was made. */
export interface EliteRecord {
  id: string;
  prompt: string;
  response: string;
  score: number;
  rationale: string;
  /** The cell as {axis name: value}. */
  cell: Record<string, string>;
  cell_index: number[];
  iteration: number;
  lineage: {
    parent_id: string;
    parent_kind: "seed" | "elite";
    parent_prompt: string;
    bleu: number;
    mutations: Mutation[];
    /** The incumbent this elite replaced, if any. */
    replaced: string | null;
  };
  meta: RecordMeta & { step: "search"; candidate: number; calls: { response: string; score: string } };
}

export interface VerdictRecord {
  /** incumbent-first: A = the incumbent, B = the candidate; candidate-first the other way round. */
  order: "incumbent-first" | "candidate-first";
  winner: "A" | "B" | null;
  candidate_won: boolean;
  rationale?: string;
  error?: string;
  call: string;
}

export type Outcome = "inserted" | "replaced-incumbent" | "lost" | "too-similar" | "failed";

export interface CandidateRecord {
  id: string;
  iteration: number;
  index: number;
  outcome: Outcome;
  detail: string | null;
  cell: Record<string, string>;
  cell_index: number[];
  parent_id: string;
  parent_kind: "seed" | "elite";
  prompt: string | null;
  bleu: number | null;
  response: string | null;
  score: number | null;
  rationale: string | null;
  incumbent_id: string | null;
  verdicts: VerdictRecord[] | null;
  mutations: Mutation[];
  meta: RecordMeta & { step: "candidate"; calls: Record<string, string> };
}

export interface IterationRecord {
  id: string;
  iteration: number;
  candidates: number;
  inserted: number;
  replaced: number;
  lost: number;
  dropped: { "too-similar": number; failed: number };
  filled: number;
  coverage: number;
  mean_score: number | null;
}

/** archive.json: everything a re-run needs to continue the search after `iteration`. */
export interface ArchiveFile extends ArchiveData<EliteRecord> {
  method: "rainbow";
  /** Hash of the recipe: an archive made with other settings is not resumed. */
  recipe: string;
  objective: string;
  axes: Axis[];
  iteration: number;
}

export interface SftRecord {
  id: string;
  instruction: string;
  output: string;
  meta: {
    method: "rainbow";
    step: "safe-response";
    elite_id: string;
    cell: Record<string, string>;
    model: string;
    prompt: string;
    call: string;
  };
}

export interface PreferenceRecord {
  id: string;
  prompt: string;
  chosen: string;
  rejected: string;
  meta: SftRecord["meta"] & { score: number; target_model: string };
}

export class RainbowOutputs {
  private constructor(
    readonly outDir: string,
    readonly candidates: RecordOutput<CandidateRecord>,
    readonly iterations: RecordOutput<IterationRecord>,
    readonly drops: DropLog,
  ) {}

  static async open(outDir: string, events?: EventLog): Promise<RainbowOutputs> {
    return new RainbowOutputs(
      outDir,
      await RecordOutput.open(join(outDir, "candidates.jsonl"), events),
      await RecordOutput.open(join(outDir, "iterations.jsonl"), events),
      await DropLog.open(join(outDir, "dropped.jsonl"), events),
    );
  }

  path(name: string): string {
    return join(this.outDir, name);
  }

  /** The saved archive, if an earlier session saved one. */
  loadArchive(): ArchiveFile | undefined {
    const path = this.path("archive.json");
    if (!existsSync(path)) return undefined;
    return JSON.parse(readFileSync(path, "utf8")) as ArchiveFile;
  }

  /** Saves the search state, then the snapshots made from it (each replaced in one rename). */
  saveArchive(state: ArchiveFile, grid: Record<string, unknown> & { grid: GridData[] }): void {
    replaceFile(this.path("archive.json"), `${JSON.stringify(state)}\n`);
    replaceFile(this.path("archive.jsonl"), jsonl(state.cells.map((c) => c.occupant)));
    replaceFile(this.path("grid.json"), `${JSON.stringify(grid, null, 2)}\n`);
  }

  writeSafetyData(sft: readonly SftRecord[], preferences: readonly PreferenceRecord[]): void {
    replaceFile(this.path("sft.jsonl"), jsonl(sft));
    replaceFile(this.path("preferences.jsonl"), jsonl(preferences));
  }

  close(): void {
    this.candidates.close();
    this.iterations.close();
    this.drops.close();
  }
}

function jsonl(records: readonly unknown[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join("");
}
