/**
 * Step 3 of learning from errors: the teacher sorts the analysed failures into named weaknesses.
 *
 * One call sees at most `chunkSize` analyses (a long list would not fit a prompt, nor be read well).
 * Chunks are grouped one after another, and each call is shown the weaknesses named so far, so that it
 * reuses their names; weaknesses are then merged by name (case, spacing and edge punctuation ignored),
 * keeping the first name and description. Every failure ends in exactly one weakness: a failure cited
 * twice stays with the first weakness that cited it, citations of labels outside the chunk are ignored,
 * and failures no weakness took (or whose analysis or grouping reply was unusable) go to "other".
 */
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import * as P from "../../prompts/learn-from-errors.js";
import { normalizeForDedup } from "../../text/exact-dup.js";
import { contentId } from "../../util/canonical.js";
import type { GenerationSettings } from "../responses/respond.js";
import type { DroppedRecord } from "../shared/record-output.js";
import { type AnalysisRecord, METHOD } from "./error-analysis.js";
import { askTeacher, GROUPING_REPLY } from "./teacher-call.js";

export const OTHER = "other";

export interface Weakness {
  name: string;
  description: string;
  /** Ids of the failed labelled examples, in exam order. */
  failure_ids: string[];
  /** Named by a grouping call, or made of the failures none took. */
  source: "grouping" | "leftover";
}

export interface GroupingResult {
  weaknesses: Weakness[];
  /** Cache keys of the grouping calls, in chunk order. */
  calls: string[];
  /** Labels cited that were not in the call's chunk. */
  unknownLabels: number;
  /** Failures cited by a second weakness (they stay with the first). */
  repeatedLabels: number;
  /** Weaknesses named without any failure of their own (not kept). */
  emptyWeaknesses: number;
  /** Failures that went to "other" because no weakness took them. */
  leftovers: number;
  /** Grouping replies that were no valid JSON after the repair. */
  drops: DroppedRecord[];
}

export interface GroupContext {
  engine: RunEngine;
  teacher: LanguageModel;
  sampling: GenerationSettings;
  chunkSize: number;
}

const LABEL = /^\s*F?\s*(\d+)\s*$/iu;

/**
 * Groups `analyses` (in exam order); `failureIds` are all failures in exam order, analysed or not.
 * Throws what a call throws (budget, Ctrl-C, a failed call): the caller stops, and a re-run asks the
 * same chunks again from the cache.
 */
export async function groupWeaknesses(
  ctx: GroupContext,
  analyses: readonly AnalysisRecord[],
  failureIds: readonly string[],
): Promise<GroupingResult> {
  const merged = new Map<string, Weakness>();
  const placed = new Set<string>();
  const out: GroupingResult = {
    weaknesses: [],
    calls: [],
    unknownLabels: 0,
    repeatedLabels: 0,
    emptyWeaknesses: 0,
    leftovers: 0,
    drops: [],
  };
  // Labels are numbered across the whole list (F1 ... Fn), so a label means one failure in every chunk.
  for (let start = 0; start < analyses.length; start += ctx.chunkSize) {
    const chunk = analyses.slice(start, start + ctx.chunkSize);
    const byNumber = new Map(chunk.map((a, i) => [start + i + 1, a.failure_id]));
    const lines = chunk.map((a, i) => ({
      label: `F${start + i + 1}`,
      category: a.category,
      missing: a.missing,
      detail: a.explanation ?? a.difference ?? "",
    }));
    const known = [...merged.values()].map(({ name, description }) => ({ name, description }));
    const message = P.groupMessage(lines, known);
    const { call, result } = await askTeacher(ctx.engine, ctx.teacher, message, GROUPING_REPLY, ctx.sampling);
    out.calls.push(call);
    if (!result.ok) {
      out.drops.push({
        id: `lfe-drop-${contentId({ step: "group", call })}`,
        reason: "invalid-grouping",
        detail: `${result.error}; its ${chunk.length} failures go to "${OTHER}" unless a later chunk's weakness takes them`,
        failure_ids: chunk.map((a) => a.failure_id),
        raw: result.text,
        meta: { method: METHOD, step: "group", model: ctx.teacher.modelName, call },
      });
      continue;
    }
    for (const named of result.value.weaknesses) {
      const taken: string[] = [];
      for (const label of named.failure_ids) {
        const n = LABEL.exec(label)?.[1];
        const id = n === undefined ? undefined : byNumber.get(Number(n));
        if (id === undefined) out.unknownLabels++;
        else if (placed.has(id)) out.repeatedLabels++;
        else {
          placed.add(id);
          taken.push(id);
        }
      }
      const name = named.name.trim();
      const key = normalizeForDedup(name);
      const existing = merged.get(key);
      if (existing) existing.failure_ids.push(...taken);
      else if (taken.length === 0 || key === "") {
        // A nameless weakness's failures are left over, like those of an empty one.
        for (const id of taken) placed.delete(id);
        out.emptyWeaknesses++;
      } else
        merged.set(key, {
          name,
          description: named.description.trim(),
          failure_ids: taken,
          source: "grouping",
        });
    }
  }
  const leftovers = failureIds.filter((id) => !placed.has(id));
  if (leftovers.length > 0) {
    out.leftovers = leftovers.length;
    const other = merged.get(normalizeForDedup(OTHER));
    if (other) other.failure_ids.push(...leftovers);
    else
      merged.set(normalizeForDedup(OTHER), {
        name: OTHER,
        description: "Failures that no other weakness covers.",
        failure_ids: leftovers,
        source: "leftover",
      });
  }
  const order = new Map(failureIds.map((id, i) => [id, i]));
  for (const w of merged.values()) w.failure_ids.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  out.weaknesses = [...merged.values()];
  return out;
}
