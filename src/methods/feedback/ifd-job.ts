/**
 * `selfalign ifd`: scores every (instruction, answer) record of a file with IFD and r-IFD, then selects.
 * Scores stream to scored.jsonl in input order as they finish (a re-run scores only what is missing);
 * selection runs once all are scored and rewrites selected.jsonl and not-selected.jsonl.
 */
import { rmSync } from "node:fs";
import { rename } from "node:fs/promises";
import { join } from "node:path";
import { JsonlWriter, readJsonl, readRecords, sourceIdOf } from "../../data/index.js";
import type { InputRecord } from "../../data/input-record.js";
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { promptTag } from "../../prompts/prompt.js";
import { REVERSE_INSTRUCTION } from "../../prompts/reflection.js";
import { canonicalJson, sha256 } from "../../util/canonical.js";
import { pinRecipe } from "../shared/recipe.js";
import { runRecordLoop } from "../shared/record-loop.js";
import { DropLog, type DroppedRecord, RecordOutput } from "../shared/record-output.js";
import type { StopReason } from "../shared/stop-reason.js";
import { assertCanScore, type IfdScores, isUnscorable, type ScoringTemplate, scoreIfd } from "./ifd.js";
import { type IfdSelection, selectByIfd } from "./ifd-selection.js";
import { DEFAULT_PAIR_FIELDS, type PairFields, readSftPair } from "./sft-pair.js";

export interface IfdRunOptions {
  engine: RunEngine;
  model: LanguageModel;
  inputPath: string;
  outDir: string;
  template: ScoringTemplate;
  /** System message of the conditioned contexts (a chat record's own system message wins). */
  system?: string;
  fields?: PairFields;
  selection?: IfdSelection;
  stats?: IfdStats;
}

export interface IfdStats {
  read: number;
  scored: number;
  alreadyScored: number;
  unscorable: number;
  selected: number;
  notSelected: Record<string, number>;
  stop?: StopReason;
}

export function newIfdStats(): IfdStats {
  return { read: 0, scored: 0, alreadyScored: 0, unscorable: 0, selected: 0, notSelected: {} };
}

export interface ScoredRecord {
  id: string;
  source_id: string;
  ifd: number;
  r_ifd: number;
  ifd_scores: Omit<IfdScores, "ifd" | "r_ifd"> & { model: string; template: string; prompt: string };
  [field: string]: unknown;
}

type Outcome = { scored: ScoredRecord } | { dropped: DroppedRecord };

export async function runIfd(options: IfdRunOptions): Promise<IfdStats> {
  const { engine, model, template } = options;
  const fields = options.fields ?? DEFAULT_PAIR_FIELDS;
  const stats = options.stats ?? newIfdStats();
  assertCanScore(model, template);
  pinRecipe(engine.runDir, "ifd", { model: model.id, template, system: options.system, fields });

  const events = engine.runDir.events;
  const scoredOut = await RecordOutput.open<ScoredRecord>(join(options.outDir, "scored.jsonl"), events);
  const drops = await DropLog.open(join(options.outDir, "dropped.jsonl"), events);
  try {
    stats.stop = await runRecordLoop<RecordJob, Outcome>({
      records: readRecords(options.inputPath),
      lookahead: engine.lane(model).settings.concurrency * 2,
      plan: (record) => {
        stats.read++;
        const job = planRecord(record, fields, options);
        // A pair dropped as unscorable by an earlier session is not scored again.
        if (!scoredOut.has(job.id) && !drops.has(job.id)) return job;
        stats.alreadyScored++;
        return undefined;
      },
      run: async (job) => [await scoreRecord(job, options)],
      write: (outcome) => {
        if (!("scored" in outcome)) drops.drop(outcome.dropped);
        else if (scoredOut.write(outcome.scored)) stats.scored++;
      },
    });
  } finally {
    scoredOut.close();
    drops.close();
    stats.unscorable = drops.byReason.unscorable ?? 0;
  }
  if (!stats.stop) await writeSelection(options.outDir, options.selection ?? {}, stats);
  return stats;
}

interface RecordJob {
  id: string;
  sourceId: string;
  record: InputRecord;
  instruction: string;
  answer: string;
  system: string | undefined;
}

function planRecord(record: InputRecord, fields: PairFields, options: IfdRunOptions): RecordJob {
  const pair = readSftPair(record, fields);
  const sourceId = sourceIdOf(record);
  const system = pair.system ?? options.system;
  // Content-addressed: the same pair scored by the same model the same way is the same record.
  const id = sha256(
    canonicalJson({ model: options.model.id, template: options.template, system, sourceId, ...pair }),
  ).slice(0, 16);
  return { id, sourceId, record, instruction: pair.instruction, answer: pair.answer, system };
}

async function scoreRecord(job: RecordJob, options: IfdRunOptions): Promise<Outcome> {
  const { engine, model, template } = options;
  try {
    const { ifd, r_ifd, ...rest } = await scoreIfd(
      { engine, model, template },
      { instruction: job.instruction, answer: job.answer, system: job.system },
    );
    const ifdScores = { ...rest, model: model.modelName, template, prompt: promptTag(REVERSE_INSTRUCTION) };
    return {
      scored: { ...job.record.value, id: job.id, source_id: job.sourceId, ifd, r_ifd, ifd_scores: ifdScores },
    };
  } catch (error) {
    // A pair the model cannot score (no tokens, longer than its context) is dropped, not retried.
    if (!isUnscorable(error)) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    return {
      dropped: {
        id: job.id,
        source_id: job.sourceId,
        reason: "unscorable",
        detail,
        instruction: job.instruction,
      },
    };
  }
}

/** Reads every score back and rewrites the selection files (tmp + rename: never half-written). */
async function writeSelection(outDir: string, selection: IfdSelection, stats: IfdStats): Promise<void> {
  const scoredPath = join(outDir, "scored.jsonl");
  const entries: Array<{ ifd: number; r_ifd: number }> = [];
  for await (const { value } of readJsonl(scoredPath)) {
    entries.push({ ifd: Number(value.ifd), r_ifd: Number(value.r_ifd) });
  }
  const verdicts = selectByIfd(entries, selection);
  const selectedPath = join(outDir, "selected.jsonl");
  const rejectedPath = join(outDir, "not-selected.jsonl");
  const selected = freshWriter(`${selectedPath}.tmp`);
  const rejected = freshWriter(`${rejectedPath}.tmp`);
  stats.selected = 0;
  stats.notSelected = {};
  let index = 0;
  for await (const { value } of readJsonl(scoredPath)) {
    const verdict = verdicts[index++];
    if (verdict === undefined) break;
    if (verdict.keep) {
      selected.write({ ...value, ifd_rank: verdict.rank });
      stats.selected++;
    } else {
      rejected.write({ ...value, reason: verdict.reason, detail: verdict.detail });
      stats.notSelected[verdict.reason] = (stats.notSelected[verdict.reason] ?? 0) + 1;
    }
  }
  selected.close();
  rejected.close();
  await rename(`${selectedPath}.tmp`, selectedPath);
  await rename(`${rejectedPath}.tmp`, rejectedPath);
}

/** A writer on an empty file (the writer appends; a leftover temp file from a crash must not). */
function freshWriter(path: string): JsonlWriter {
  rmSync(path, { force: true });
  return JsonlWriter.open(path);
}
