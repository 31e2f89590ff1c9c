/**
 * Preference pairs from judged responses, for DPO-style training; no model calls. Responses to the
 * same instruction (same `lineage.source_id`, else the same prompt) form a group; from each group:
 *  - best-worst: the highest-scored response against the lowest-scored one (UltraFeedback's binarized
 *    sets pair the best with another response; best against worst gives the clearest signal);
 *  - all: every pair of responses;
 * keeping a pair only when the scores differ by at least the margin (ties never make a pair).
 * Groups with a single scored response, or with no pair at the margin, are counted, not silent.
 *
 * Memory stays small on any input size: the first pass keeps only the scores, the pairs are chosen
 * from them, and a second pass parks the responses that are in a pair in a temporary SQLite file, from
 * which the pairs are written in group order (holding a million ~2 KB responses would take gigabytes).
 */
import { rename, rm } from "node:fs/promises";
import { fieldError, getField, JsonlWriter, readRecords } from "../../data/index.js";
import { isJsonObject } from "../../data/json-object.js";
import type { ChatMessage } from "../../llm/language-model.js";
import { contentId } from "../../util/canonical.js";
import { ParkedRecords } from "../shared/parked-records.js";
import { withDefaults } from "../shared/settings.js";
import {
  DEFAULT_RESPONSE_FIELDS,
  type ResponseFields,
  type ResponseItem,
  readResponseItem,
} from "./judge-input.js";

export type PairSelection = "best-worst" | "all";

/** Default margins: one point on a pointwise scale; half the range of a pairwise win rate. */
export const DEFAULT_MARGINS = { pointwise: 1, pairwise: 0.5 } as const;

export interface PreferencesOptions {
  /** Judged records (judge's judged.jsonl, or any records with a numeric `score`). */
  inputPath: string;
  /** Output JSONL; replaced (written beside it and renamed at the end). */
  outputPath: string;
  /** Least score difference of a pair; default 1 for pointwise scores, 0.5 for pairwise win rates. */
  margin?: number;
  pairs?: PairSelection;
  fields?: Partial<ResponseFields>;
}

export interface PreferenceRecord {
  id: string;
  prompt: string;
  chosen: string;
  rejected: string;
  /** The system and user messages before the response (what a chat trainer feeds the model). */
  prompt_messages: ChatMessage[];
  chosen_score: number;
  rejected_score: number;
  /** chosen_score - rejected_score. */
  margin: number;
  chosen_id: string;
  rejected_id: string;
  lineage: { source_id?: string };
  meta: { method: "preferences"; judge_model: string | null; pairs: PairSelection; min_margin: number };
}

export interface PreferencesStats {
  /** Records read. */
  read: number;
  /** Records without a score (a pairwise record with no rival has `score: null`). */
  unscored: number;
  groups: number;
  /** Groups with fewer than two scored responses (a response without a score does not count). */
  singleResponse: number;
  /** Groups of two or more whose score differences all fall short of the margin (ties included). */
  noPairAboveMargin: number;
  /** Groups that gave at least one pair. */
  withPairs: number;
  /** Preference pairs written. */
  pairs: number;
}

/** What the first pass keeps of a scored response: where it is, and its score. */
interface Scored {
  /** 0-based position among the input's records. */
  ordinal: number;
  score: number;
  pairwise: boolean;
  judgeModel: string | null;
}

/** The parts of a response that a preference record carries. */
type PairSide = Pick<ResponseItem, "id" | "prompt" | "response" | "promptMessages" | "sourceId">;

export async function preferences(options: PreferencesOptions): Promise<PreferencesStats> {
  const selection = options.pairs ?? "best-worst";
  if (selection !== "best-worst" && selection !== "all")
    throw new Error(`unknown pair selection "${selection}"`);
  if (options.margin !== undefined && !(options.margin >= 0)) {
    throw new Error(`the margin must be a number >= 0, got ${options.margin}`);
  }
  const fields = withDefaults(DEFAULT_RESPONSE_FIELDS, options.fields);
  const stats: PreferencesStats = {
    read: 0,
    unscored: 0,
    groups: 0,
    singleResponse: 0,
    noPairAboveMargin: 0,
    withPairs: 0,
    pairs: 0,
  };

  // Every group is listed, unscored members included, so that a group left with one scored response
  // is reported instead of vanishing.
  const groups = new Map<string, Scored[]>();
  const judges = new Map<string, string>();
  for await (const record of readRecords(options.inputPath)) {
    const ordinal = stats.read++;
    const item = readResponseItem(record, fields);
    const members = groups.get(item.group) ?? [];
    groups.set(item.group, members);
    const score = getField(record.value, "score");
    const judgement = isJsonObject(record.value.judgement) ? record.value.judgement : undefined;
    if (score === undefined && judgement === undefined) {
      throw fieldError(record, "score", "missing: run `selfalign judge` on the responses first");
    }
    if (score === null || score === undefined) {
      stats.unscored++;
      continue;
    }
    if (typeof score !== "number" || !Number.isFinite(score)) {
      throw fieldError(record, "score", `expected a number, got ${typeof score}`);
    }
    const judge = typeof judgement?.model === "string" ? judgement.model : null;
    // One string per judge name, not one per record.
    let judgeModel = judge;
    if (judge !== null) {
      judgeModel = judges.get(judge) ?? judge;
      judges.set(judge, judgeModel);
    }
    members.push({ ordinal, score, pairwise: judgement?.mode === "pairwise", judgeModel });
  }

  // Choose every pair from the scores alone.
  const chosenPairs: Array<{ pairs: Array<[Scored, Scored]>; margin: number }> = [];
  for (const members of groups.values()) {
    stats.groups++;
    if (members.length < 2) {
      stats.singleResponse++;
      continue;
    }
    const margin =
      options.margin ?? (members[0]!.pairwise ? DEFAULT_MARGINS.pairwise : DEFAULT_MARGINS.pointwise);
    const made = pairsOf(members, selection, margin);
    if (made.length === 0) stats.noPairAboveMargin++;
    else {
      stats.withPairs++;
      chosenPairs.push({ pairs: made, margin });
    }
  }
  groups.clear();

  const partial = `${options.outputPath}.partial`;
  await rm(partial, { force: true });
  const writer = JsonlWriter.open(partial);
  const store = new ParkedRecords<PairSide>(`${options.outputPath}.pairs.sqlite`);
  let done = false;
  try {
    if (chosenPairs.length > 0)
      await parkPairedResponses(store, options.inputPath, fields, neededOrdinals(chosenPairs), stats.read);
    for (const { pairs, margin } of chosenPairs) {
      for (const [chosen, rejected] of pairs) {
        const c = store.get(chosen.ordinal);
        const r = store.get(rejected.ordinal);
        writer.write(preferenceRecord(chosen, c, rejected, r, selection, margin));
        stats.pairs++;
      }
    }
    done = true;
  } finally {
    writer.close();
    store.close();
    if (!done) await rm(partial, { force: true });
  }
  await rename(partial, options.outputPath);
  return stats;
}

function neededOrdinals(chosen: Array<{ pairs: Array<[Scored, Scored]> }>): Set<number> {
  const needed = new Set<number>();
  for (const { pairs } of chosen) {
    for (const [a, b] of pairs) {
      needed.add(a.ordinal);
      needed.add(b.ordinal);
    }
  }
  return needed;
}

/** Second pass over the input: parks the parts of every response that is in a pair. */
async function parkPairedResponses(
  store: ParkedRecords<PairSide>,
  path: string,
  fields: ResponseFields,
  needed: Set<number>,
  expected: number,
): Promise<void> {
  let ordinal = 0;
  for await (const record of readRecords(path)) {
    if (needed.has(ordinal)) {
      const { id, prompt, response, promptMessages, sourceId } = readResponseItem(record, fields);
      store.put(ordinal, { id, prompt, response, promptMessages, sourceId });
    }
    ordinal++;
  }
  store.flush();
  if (ordinal !== expected)
    throw new Error(
      `${path} changed while pairs were made (${expected} records, then ${ordinal}); run again`,
    );
}

/** (chosen, rejected) pairs of one group whose scores differ by at least `margin` (and at all). */
function pairsOf(members: Scored[], selection: PairSelection, margin: number): Array<[Scored, Scored]> {
  const keeps = (hi: Scored, lo: Scored) => hi.score > lo.score && hi.score - lo.score >= margin;
  if (selection === "best-worst") {
    // On equal scores the earlier response wins the place: the result does not depend on sort details.
    let best = members[0]!;
    let worst = members[0]!;
    for (const m of members) {
      if (m.score > best.score) best = m;
      if (m.score < worst.score) worst = m;
    }
    return keeps(best, worst) ? [[best, worst]] : [];
  }
  const out: Array<[Scored, Scored]> = [];
  for (let i = 0; i < members.length; i++) {
    for (let j = i + 1; j < members.length; j++) {
      const a = members[i]!;
      const b = members[j]!;
      if (keeps(a, b)) out.push([a, b]);
      else if (keeps(b, a)) out.push([b, a]);
    }
  }
  return out;
}

function preferenceRecord(
  chosen: Scored,
  c: PairSide,
  rejected: Scored,
  r: PairSide,
  selection: PairSelection,
  minMargin: number,
): PreferenceRecord {
  return {
    id: contentId(["preference", c.id, r.id]),
    prompt: c.prompt,
    chosen: c.response,
    rejected: r.response,
    prompt_messages: c.promptMessages,
    chosen_score: chosen.score,
    rejected_score: rejected.score,
    margin: Math.round((chosen.score - rejected.score) * 10_000) / 10_000,
    chosen_id: c.id,
    rejected_id: r.id,
    lineage: c.sourceId === undefined ? {} : { source_id: c.sourceId },
    meta: { method: "preferences", judge_model: chosen.judgeModel, pairs: selection, min_margin: minMargin },
  };
}
