/** What the judge writes, the context its two modes share, and the one call they both make. */
import type { RunEngine } from "../../engine/engine.js";
import { generateObject, type StructuredResult } from "../../engine/structured.js";
import type { LanguageModel } from "../../llm/language-model.js";
import type { ReplySchema } from "../backtranslation/document-call.js";
import { chatRequest } from "../shared/chat-request.js";
import type { DropLog, DroppedRecord, RecordOutput } from "../shared/record-output.js";
import type { StopReason } from "../shared/stop-reason.js";
import type { Aspect } from "./judge-aspects.js";
import type { ResponseItem } from "./judge-input.js";
import type { JobFailure } from "./judge-loop.js";
import type { GenerationSettings } from "./respond.js";

export type JudgeMode = "pointwise" | "pairwise";

/** An input record with the judge's verdict added; every input field is kept. */
export interface JudgedRecord {
  id: string;
  /** Pointwise: the mean of the aspect scores; pairwise: the win rate (ties count half), null without rivals. */
  score: number | null;
  judgement: Record<string, unknown> & { mode: JudgeMode; model: string; prompt: string };
  /** Pairwise only: comparisons won, lost and tied (both orders agreeing counts as a win). */
  wins?: number;
  losses?: number;
  ties?: number;
  [field: string]: unknown;
}

/** One verdict of a pairwise comparison, in one presentation order. */
export interface PairVerdict {
  /** "a-b": a was shown as Response A; "b-a": the swapped order. */
  order: "a-b" | "b-a";
  /** The better one in the pair's terms (not the prompt's letters). */
  better: "a" | "b" | "tie";
  rationale: string;
  call: string;
}

export interface PairRecord {
  id: string;
  a: string;
  b: string;
  verdicts: [PairVerdict, PairVerdict];
  /** "a" or "b" only when both orders named it; anything else is a tie. */
  outcome: "a" | "b" | "tie";
  /** The winning record's id, or "tie". */
  winner: string;
  lineage: { source_id?: string };
  meta: Record<string, unknown>;
}

export interface JudgeStats {
  mode: JudgeMode;
  /** Response records read (duplicates included). */
  read: number;
  /** Records written to judged.jsonl in this session / found there from an earlier one. */
  written: number;
  alreadyWritten: number;
  /** Drops by reason (dropped.jsonl). */
  dropped: Record<string, number>;
  /** Judge requests asked of the engine, cached or not (repair rounds not counted). */
  requests: number;
  /** Jobs whose call failed after the engine's retries (re-run to retry them). */
  failed: number;
  failures: JobFailure[];
  /** Pairwise: groups of responses to one instruction, and those with a single response. */
  groups?: { total: number; single: number };
  /** Pairwise: pairs compared in this session, and how they came out. */
  pairs?: { compared: number; decided: number; ties: number; written: number; alreadyWritten: number };
  stoppedBy?: StopReason;
}

export function newJudgeStats(mode: JudgeMode = "pointwise"): JudgeStats {
  return { mode, read: 0, written: 0, alreadyWritten: 0, dropped: {}, requests: 0, failed: 0, failures: [] };
}

/** A record read for judging, or a drop for one whose id was already seen. */
export type ReadItem = { item: ResponseItem } | { duplicate: DroppedRecord };

export interface JudgeRun {
  engine: RunEngine;
  model: LanguageModel;
  aspects: Aspect[];
  scale: number;
  generation: GenerationSettings;
  outputs: { judged: RecordOutput<JudgedRecord>; pairs?: RecordOutput<PairRecord>; drops: DropLog };
  stats: JudgeStats;
  lookahead: number;
  /** The input's records in order (InputErrors thrown while iterating). */
  items(): AsyncIterable<ReadItem>;
}

/** One judge request: the prompt under the run's generation settings and a reply schema; counted. */
export async function askJudge<T>(
  run: JudgeRun,
  prompt: string,
  reply: ReplySchema<T>,
): Promise<{ result: StructuredResult<T>; call: string }> {
  const { engine, model } = run;
  const request = chatRequest(prompt, run.generation);
  // The cache key of the first attempt (the schema is part of the request): it goes into the record.
  const call = engine.prepare(model, { ...request, jsonSchema: reply.json }).keys[0] as string;
  run.stats.requests++;
  const result = await generateObject(engine, model, {
    request,
    schema: reply.schema,
    name: reply.json.name,
  });
  return { result, call };
}
