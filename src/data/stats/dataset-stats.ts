/**
 * `selfalign stats FILE`: what a file of records holds, without a model: counts, fields, the lengths of
 * instructions and replies, methods/models/steps from meta, drop reasons (dropped.jsonl), every numeric
 * score found (score, scores.*, ifd, r_ifd, chosen_score, margin...) and the ROUGE-L diversity of a
 * seeded random sample of instructions. Streams the file; keeps only numbers and the sample.
 */
import { Rng } from "../../engine/rng.js";
import { distinctN, type PairwiseRougeL, pairwiseRougeL } from "../../text/diversity.js";
import type { TokenizerMode } from "../../text/tokenize.js";
import { isSkip, lastUserText, replyContent, toCanonical } from "../export/canonical.js";
import { getField } from "../fields.js";
import { InputError } from "../input-error.js";
import type { InputRecord } from "../input-record.js";
import { isJsonObject } from "../json-object.js";
import { readRecords } from "../read-records.js";
import {
  countInto,
  type HistogramBin,
  histogram,
  LengthTally,
  type NumericSummary,
  Reservoir,
  summarize,
  type TextLengths,
} from "./summary.js";

export interface DatasetStatsOptions {
  /** Field whose text is measured and sampled as "the instruction"; default: the chat's last user turn. */
  field?: string;
  /** Instructions in the diversity sample (default 200; pairwise ROUGE-L costs n² / 2 comparisons). */
  sample?: number;
  seed?: number | string;
  tokenizer?: TokenizerMode;
}

export interface ScoreStats extends NumericSummary {
  histogram: HistogramBin[];
}

export interface DiversityStats {
  /** What was sampled: the --field name, or "instruction". */
  text: string;
  sample: number;
  seed: number | string;
  rougeL: PairwiseRougeL;
  distinct1: number | null;
  distinct2: number | null;
}

export interface DatasetStats {
  file: string;
  records: number;
  /** Records by what `export` would make of them: SFT, preference, or neither. */
  kinds: { sft: number; preference: number; other: number };
  /** Why `export` would skip a record, by reason ("malformed" for records it cannot read). */
  notExportable: Record<string, number>;
  /** Top-level fields and how many records have them (not null). */
  fields: Record<string, number>;
  lengths: { instruction: TextLengths; response: TextLengths; chosen?: TextLengths; rejected?: TextLengths };
  methods: Record<string, number>;
  models: Record<string, number>;
  steps: Record<string, number>;
  /** Counts of `reason` (dropped.jsonl) and `dedup.reason` (dedup's dropped file). */
  drops: Record<string, number>;
  /** Numeric scores by dotted path, e.g. "meta.ifd", "chosen_score", "scores.helpfulness". */
  scores: Record<string, ScoreStats>;
  diversity: DiversityStats | null;
}

/** Keys whose numeric values are scores; anything under a `scores` object is one too. */
const SCORE_KEY = /(^|_)(score|rating|reward|ifd|margin)s?$/i;
const MAX_DEPTH = 4;
/** Fields that hold texts or chats, not scores: not walked. */
const NOT_WALKED = new Set(["messages", "conversations", "prompt_messages", "usage", "lineage"]);
const FALLBACK_TEXT_FIELDS = ["instruction", "prompt", "question", "text"];
const FALLBACK_REPLY_FIELDS = ["output", "response", "completion", "answer"];

export async function datasetStats(file: string, options: DatasetStatsOptions = {}): Promise<DatasetStats> {
  const sampleSize = options.sample ?? 200;
  const seed = options.seed ?? 1;
  const sample = new Reservoir<string>(sampleSize, new Rng(seed).fork("stats/diversity"));
  const instruction = new LengthTally();
  const response = new LengthTally();
  const chosen = new LengthTally();
  const rejected = new LengthTally();
  const scores = new Map<string, number[]>();
  const out: DatasetStats = {
    file,
    records: 0,
    kinds: { sft: 0, preference: 0, other: 0 },
    notExportable: {},
    fields: {},
    lengths: { instruction: { chars: null, words: null }, response: { chars: null, words: null } },
    methods: {},
    models: {},
    steps: {},
    drops: {},
    scores: {},
    diversity: null,
  };
  for await (const record of readRecords(file)) {
    out.records++;
    const v = record.value;
    for (const [key, value] of Object.entries(v))
      if (value !== null && value !== undefined) countInto(out.fields, key);
    const texts = textsOf(record, options.field, out);
    if (texts.instruction !== undefined) {
      instruction.add(texts.instruction);
      sample.add(texts.instruction);
    }
    if (texts.response !== undefined) response.add(texts.response);
    if (texts.chosen !== undefined) chosen.add(texts.chosen);
    if (texts.rejected !== undefined) rejected.add(texts.rejected);
    const meta = isJsonObject(v.meta) ? v.meta : {};
    if (typeof meta.method === "string") countInto(out.methods, meta.method);
    const model = meta.model ?? v.model;
    if (typeof model === "string") countInto(out.models, model);
    if (typeof meta.step === "string") countInto(out.steps, meta.step);
    const reason = typeof v.reason === "string" ? v.reason : getField(v, "dedup.reason");
    if (typeof reason === "string") countInto(out.drops, reason);
    collectScores(v, "", 0, false, scores);
  }
  out.lengths = { instruction: instruction.summary(), response: response.summary() };
  if (chosen.count > 0) out.lengths.chosen = chosen.summary();
  if (rejected.count > 0) out.lengths.rejected = rejected.summary();
  for (const [path, values] of [...scores.entries()].sort((a, b) => a[0].localeCompare(b[0])))
    out.scores[path] = { ...summarize(values)!, histogram: histogram(values) };
  if (sample.items.length > 0) {
    const mode = options.tokenizer ?? "auto";
    out.diversity = {
      text: options.field ?? "instruction",
      sample: sample.items.length,
      seed,
      rougeL: pairwiseRougeL(sample.items, mode),
      distinct1: distinctN(sample.items, 1, mode),
      distinct2: distinctN(sample.items, 2, mode),
    };
  }
  return out;
}

interface RecordTexts {
  instruction?: string;
  response?: string;
  chosen?: string;
  rejected?: string;
}

/** The record's texts through the export converter, else from the usual field names. */
function textsOf(record: InputRecord, field: string | undefined, out: DatasetStats): RecordTexts {
  const texts: RecordTexts = {};
  let c: ReturnType<typeof toCanonical> | undefined;
  try {
    c = toCanonical(record);
  } catch (error) {
    if (!InputError.is(error)) throw error;
    countInto(out.notExportable, "malformed");
  }
  if (c && !isSkip(c)) {
    out.kinds[c.kind]++;
    if (c.kind === "sft") {
      texts.instruction = lastUserText(c.messages);
      texts.response = c.messages.at(-1)!.content;
    } else {
      texts.instruction = lastUserText(c.prompt);
      texts.chosen = replyContent(c.chosen);
      texts.rejected = replyContent(c.rejected);
    }
  } else {
    out.kinds.other++;
    if (c) countInto(out.notExportable, c.skip);
    texts.instruction = firstString(record.value, FALLBACK_TEXT_FIELDS);
    texts.response = firstString(record.value, FALLBACK_REPLY_FIELDS);
  }
  if (field !== undefined) {
    const value = getField(record.value, field);
    texts.instruction = typeof value === "string" ? value : undefined;
  }
  return texts;
}

function firstString(v: Record<string, unknown>, fields: readonly string[]): string | undefined {
  for (const f of fields) if (typeof v[f] === "string") return v[f];
  return undefined;
}

/** Numeric leaves whose key names a score, or that sit under a `scores` object, by dotted path. */
function collectScores(
  value: Record<string, unknown>,
  prefix: string,
  depth: number,
  underScores: boolean,
  into: Map<string, number[]>,
): void {
  for (const [key, child] of Object.entries(value)) {
    if (depth === 0 && NOT_WALKED.has(key)) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof child === "number" && Number.isFinite(child)) {
      if (underScores || SCORE_KEY.test(key)) {
        const list = into.get(path);
        if (list) list.push(child);
        else into.set(path, [child]);
      }
    } else if (isJsonObject(child) && depth < MAX_DEPTH) {
      collectScores(child, path, depth + 1, underScores || /^scores$/i.test(key), into);
    }
  }
}
