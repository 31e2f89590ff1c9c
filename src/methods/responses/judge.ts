/**
 * The judge step of the preference pipeline (UltraFeedback-style, Cui et al., 2023): a model rates
 * response records, which the `preferences` step then turns into (chosen, rejected) pairs.
 *  - pointwise (judge-pointwise.ts): every response alone, per aspect a rationale then a 1..scale score;
 *  - pairwise (judge-pairwise.ts): responses to one instruction two at a time, in both orders.
 * Output, in `outDir`: judged.jsonl (every input record with its `judgement` and `score`, in input
 * order), pairs.jsonl (pairwise) and dropped.jsonl (replies invalid after the repair round, and
 * records whose id repeats an earlier one).
 */
import { join } from "node:path";
import { readRecords } from "../../data/index.js";
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { JUDGE_PAIRWISE } from "../../prompts/judge-pairwise.js";
import { JUDGE_POINTWISE } from "../../prompts/judge-pointwise.js";
import { promptTag } from "../../prompts/prompt.js";
import { contentId } from "../../util/canonical.js";
import { pinRecipe } from "../shared/recipe.js";
import { DropLog, RecordOutput } from "../shared/record-output.js";
import { withDefaults } from "../shared/settings.js";
import { type Aspect, resolveAspects } from "./judge-aspects.js";
import { DEFAULT_RESPONSE_FIELDS, type ResponseFields, readResponseItem } from "./judge-input.js";
import { runPairwise } from "./judge-pairwise.js";
import { runPointwise } from "./judge-pointwise.js";
import {
  type JudgedRecord,
  type JudgeMode,
  type JudgeRun,
  type JudgeStats,
  newJudgeStats,
  type PairRecord,
  type ReadItem,
} from "./judge-records.js";
import type { GenerationSettings } from "./respond.js";

export const JUDGE_DEFAULTS = {
  mode: "pointwise" as JudgeMode,
  scale: 10,
  // A judge should give the same verdict on the same evidence: greedy by default.
  generation: { temperature: 0, maxTokens: 1024 } as GenerationSettings,
};

export interface JudgeOptions {
  engine: RunEngine;
  model: LanguageModel;
  /** Response records: respond's output, or any records with an instruction and a response. */
  inputPath: string;
  /** Directory for judged.jsonl, pairs.jsonl and dropped.jsonl (must exist). */
  outDir: string;
  mode?: JudgeMode;
  /** Aspects with their descriptions; default the four UltraFeedback aspects (see judge-aspects.ts). */
  aspects?: Aspect[];
  /** Pointwise scores run from 1 to `scale` (default 10). */
  scale?: number;
  fields?: Partial<ResponseFields>;
  generation?: GenerationSettings;
  /** Jobs (records, or groups of responses) in progress at once; default twice the model's concurrency. */
  lookahead?: number;
  stats?: JudgeStats;
}

export async function judge(options: JudgeOptions): Promise<JudgeStats> {
  const { engine, model } = options;
  const mode = options.mode ?? JUDGE_DEFAULTS.mode;
  const scale = options.scale ?? JUDGE_DEFAULTS.scale;
  const aspects = options.aspects ?? resolveAspects();
  const fields = withDefaults(DEFAULT_RESPONSE_FIELDS, options.fields);
  const generation = withDefaults(JUDGE_DEFAULTS.generation, options.generation);
  if (mode !== "pointwise" && mode !== "pairwise") throw new Error(`unknown judge mode "${mode}"`);
  if (!Number.isInteger(scale) || scale < 2)
    throw new Error(`the scale must be an integer >= 2, got ${scale}`);
  if (aspects.length === 0) throw new Error("no aspects to judge");
  // Everything that decides the verdicts: resuming with other values would mix two judges in one file.
  pinRecipe(engine.runDir, "judge", {
    mode,
    scale: mode === "pointwise" ? scale : null,
    aspects,
    fields,
    generation,
    prompt: promptTag(mode === "pointwise" ? JUDGE_POINTWISE : JUDGE_PAIRWISE),
    model: model.id,
  });

  const stats = options.stats ?? newJudgeStats(mode);
  stats.mode = mode;
  const events = engine.runDir.events;
  const judged = await RecordOutput.open<JudgedRecord>(join(options.outDir, "judged.jsonl"), events);
  const drops = await DropLog.open(join(options.outDir, "dropped.jsonl"), events);
  const pairs =
    mode === "pairwise"
      ? await RecordOutput.open<PairRecord>(join(options.outDir, "pairs.jsonl"), events)
      : undefined;
  stats.dropped = drops.byReason;
  const run: JudgeRun = {
    engine,
    model,
    aspects,
    scale,
    generation,
    outputs: { judged, pairs, drops },
    stats,
    lookahead: options.lookahead ?? 2 * engine.lane(model).settings.concurrency,
    items: () => readItems(options.inputPath, fields, stats),
  };
  try {
    if (mode === "pointwise") await runPointwise(run);
    else await runPairwise(run);
  } finally {
    judged.close();
    pairs?.close();
    drops.close();
  }
  return stats;
}

/** The input's response records in order; a record whose id was seen before becomes a drop. */
async function* readItems(path: string, fields: ResponseFields, stats: JudgeStats): AsyncIterable<ReadItem> {
  const seen = new Map<string, number>();
  for await (const record of readRecords(path)) {
    stats.read++;
    const item = readResponseItem(record, fields);
    const first = seen.get(item.id);
    if (first === undefined) {
      seen.set(item.id, record.line);
      yield { item };
      continue;
    }
    yield {
      duplicate: {
        id: contentId(["duplicate", record.file, record.line]),
        reason: "duplicate-id",
        detail: `id "${item.id}" was first seen at line ${first}`,
        record_id: item.id,
        file: record.file,
        line: record.line,
      },
    };
  }
}
