/**
 * What each method's files mean to the report: which file holds what the step kept, which records of
 * it count as kept, and where its candidates ("generated") are when that is another file. Methods not
 * listed fall back to the first known output name present, then to the step's only JSONL file.
 */
import { readdirSync } from "node:fs";
import { basename } from "node:path";
import type { StepDir } from "./discover.js";
import { reasonOf } from "./record-fields.js";

export type Rec = Record<string, unknown>;

export interface StepPlan {
  /** The file whose records (matching `keptWhere`) are the step's kept output. */
  kept: string | null;
  keptWhere?: (r: Rec) => boolean;
  /** When candidates live in their own file (all of them, kept or not). */
  generated?: { file: string; where?: (r: Rec) => boolean };
  /**
   * For a method without a file of dropped records: its candidates that are not kept count as dropped,
   * for this reason.
   */
  notKeptReason?: (r: Rec) => string;
  /** Files of dropped records, each with `reason` and `detail`. */
  dropped: string[];
  /** The file whose numeric scores (score, ifd, r_ifd) are plotted: all its records. */
  scores: string | null;
  /** Files whose records go into the sample browser, in this order. */
  samples: string[];
  /** Every JSONL file of the step, for the file list. */
  files: string[];
}

interface MethodFiles {
  kept: string;
  keptWhere?: (r: Rec) => boolean;
  generated?: { file: string; where?: (r: Rec) => boolean };
  notKeptReason?: (r: Rec) => string;
  dropped?: string[];
  scores?: string;
}

const METHODS: Record<string, MethodFiles> = {
  // Every attempt of every round is in generations.jsonl; roots (round 0) are the input, not generated.
  evol: {
    kept: "generations.jsonl",
    keptWhere: (r) => Number(r.round) > 0 && r.elimination == null,
    generated: { file: "generations.jsonl", where: (r) => Number(r.round) > 0 },
  },
  // archive.jsonl holds the current elites only; every candidate's outcome is in candidates.jsonl.
  rainbow: {
    kept: "candidates.jsonl",
    keptWhere: (r) => r.outcome === "inserted" || r.outcome === "replaced-incumbent",
    generated: { file: "candidates.jsonl" },
  },
  backtranslate: { kept: "curated.jsonl" },
  reflect: { kept: "reflected.jsonl" },
  judge: { kept: "judged.jsonl" },
  // Scored pairs are split into selected and not-selected (with reasons); unscorable ones are dropped.
  ifd: { kept: "selected.jsonl", dropped: ["dropped.jsonl", "not-selected.jsonl"], scores: "scored.jsonl" },
  autodetect: { kept: "sft.jsonl" },
  llm2llm: { kept: "added.jsonl" },
  "learn-from-errors": { kept: "examples.jsonl" },
  // Every evolution the search made; a failed one (eliminated, or no information gained) is what the
  // optimizer learns from, not data, so it counts as dropped, by its elimination rule.
  "auto-evol": {
    kept: "trajectories.jsonl",
    keptWhere: (r) => r.failed !== true,
    generated: { file: "trajectories.jsonl" },
    notKeptReason: (r) => reasonOf(r) ?? "no-information-gain",
  },
  preferences: { kept: "preferences.jsonl" },
};

/** Output names in the order they are preferred as "the kept file" of an unknown method. */
const KNOWN_OUTPUTS = [
  "instructions.jsonl",
  "curated.jsonl",
  "reflected.jsonl",
  "judged.jsonl",
  "scored.jsonl",
  "responses.jsonl",
  "sft.jsonl",
  "final.jsonl",
  "preferences.jsonl",
  "kept.jsonl",
  "pool.jsonl",
];

/** Run-directory internals and re-written views that would double-count records. */
const NOT_OUTPUT = new Set(["events.jsonl"]);

export function planStep(step: StepDir): StepPlan {
  const files = step.onlyFile ? [basename(step.onlyFile)] : jsonlFiles(step.dir);
  const has = (name: string) => files.includes(name);
  const known = METHODS[step.method];
  const dropped = (known?.dropped ?? ["dropped.jsonl"]).filter(has);
  const kept =
    known && has(known.kept)
      ? known.kept
      : (KNOWN_OUTPUTS.find(has) ?? files.find((f) => !dropped.includes(f)) ?? null);
  const scores = known?.scores && has(known.scores) ? known.scores : kept;
  const plan: StepPlan = {
    kept,
    dropped,
    scores,
    samples: [...(kept ? [kept] : []), ...dropped],
    files,
  };
  if (known && kept === known.kept) {
    if (known.keptWhere) plan.keptWhere = known.keptWhere;
    if (known.generated && has(known.generated.file)) {
      plan.generated = known.generated;
      if (known.notKeptReason) plan.notKeptReason = known.notKeptReason;
    }
  }
  return plan;
}

function jsonlFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith(".jsonl") && !NOT_OUTPUT.has(e.name))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}
