/**
 * Where a judged candidate goes, decided in candidate order against the archive as it stands (earlier
 * candidates of the same iteration may have filled or taken the cell):
 *  - dropped before the target (too similar to its parent, or an unreadable reply): logged, nothing more;
 *  - an empty target cell: the candidate is inserted;
 *  - an occupied one: the judge compares the candidate's (prompt, reply) with the incumbent's twice,
 *    with the two tests in both orders. The candidate takes the cell only if it wins BOTH times; a
 *    judge that always prefers one position therefore never replaces anyone. A verdict that stays
 *    unreadable is not a win.
 */

import { promptTag } from "../../prompts/prompt.js";
import { JUDGE_PAIRWISE, JUDGE_SCORE } from "../../prompts/rainbow-judge.js";
import { MUTATE } from "../../prompts/rainbow-mutate.js";
import { contentId } from "../../util/canonical.js";
import type { MapElitesArchive } from "./rainbow-archive.js";
import type { Axis } from "./rainbow-axes.js";
import { type CallContext, compare, type PairwiseVerdict, type Reply } from "./rainbow-calls.js";
import type { Candidate } from "./rainbow-candidate.js";
import type {
  CandidateRecord,
  EliteRecord,
  Outcome,
  RainbowOutputs,
  RecordMeta,
  VerdictRecord,
} from "./rainbow-records.js";

export interface DecideContext {
  calls: CallContext;
  archive: MapElitesArchive<EliteRecord>;
  axes: readonly Axis[];
  outputs: RainbowOutputs;
}

const SEARCH_PROMPTS = [MUTATE, JUDGE_SCORE].map(promptTag);

export async function decideCandidate(ctx: DecideContext, c: Candidate): Promise<Outcome> {
  const cell = namedCell(ctx.axes, c.cell);
  const id = `rb-${contentId({ iteration: c.iteration, index: c.index, parent: c.parent.id, cell: c.cell, prompt: c.prompt ?? null })}`;
  const base = {
    id,
    iteration: c.iteration,
    index: c.index,
    cell,
    cell_index: c.cell,
    parent_id: c.parent.id,
    parent_kind: c.parent.kind,
    prompt: c.prompt ?? null,
    bleu: c.bleu ?? null,
    response: c.response?.text ?? null,
    score: c.judged?.score ?? null,
    rationale: c.judged?.rationale ?? null,
    mutations: c.mutations,
  };
  const calls: Record<string, string> = {};
  if (c.response) calls.response = c.response.call;
  if (c.judged) calls.score = c.judged.call;
  const meta = (prompts: string[]) => ({ ...recordMeta(ctx, c, prompts), step: "candidate" as const, calls });

  if (c.failure || !c.judged || !c.response || c.prompt === undefined || c.bleu === undefined) {
    const reason = c.failure?.reason ?? "failed";
    const detail = c.failure?.detail ?? "incomplete candidate";
    const record: CandidateRecord = {
      ...base,
      outcome: reason,
      detail,
      incumbent_id: null,
      verdicts: null,
      meta: meta(SEARCH_PROMPTS),
    };
    ctx.outputs.candidates.write(record);
    ctx.outputs.drops.drop({ ...record, reason, detail, ...(c.failure?.raw ? { raw: c.failure.raw } : {}) });
    return reason;
  }

  const incumbent = ctx.archive.incumbent(c.cell);
  const elite: EliteRecord = {
    id,
    prompt: c.prompt,
    response: c.response.text,
    score: c.judged.score,
    rationale: c.judged.rationale,
    cell,
    cell_index: c.cell,
    iteration: c.iteration,
    lineage: {
      parent_id: c.parent.id,
      parent_kind: c.parent.kind,
      parent_prompt: c.parent.prompt,
      bleu: c.bleu,
      mutations: c.mutations,
      replaced: incumbent?.id ?? null,
    },
    meta: {
      ...recordMeta(ctx, c, incumbent ? [...SEARCH_PROMPTS, promptTag(JUDGE_PAIRWISE)] : SEARCH_PROMPTS),
      step: "search",
      candidate: c.index,
      calls: { response: c.response.call, score: c.judged.call },
    },
  };
  let verdicts: VerdictRecord[] | null = null;
  let outcome: Outcome;
  if (!incumbent) outcome = ctx.archive.offer(c.cell, elite);
  else {
    const mine = { prompt: c.prompt, response: c.response.text };
    const theirs = { prompt: incumbent.prompt, response: incumbent.response };
    // Both settle before a failure is raised: a call in flight must not outlive the session.
    const settled = await Promise.allSettled([
      compare(ctx.calls, theirs, mine),
      compare(ctx.calls, mine, theirs),
    ]);
    const [first, second] = settled.map((s) => {
      if (s.status === "rejected") throw s.reason;
      return s.value;
    }) as [Reply<PairwiseVerdict>, Reply<PairwiseVerdict>];
    verdicts = [verdict("incumbent-first", first, "B"), verdict("candidate-first", second, "A")];
    const candidateWins = verdicts.every((v) => v.candidate_won);
    outcome = ctx.archive.offer(c.cell, elite, { candidateWins });
  }
  const won = outcome !== "lost";
  const record: CandidateRecord = {
    ...base,
    outcome,
    detail: won ? null : `incumbent ${incumbent?.id} kept: the candidate did not win both orders`,
    incumbent_id: incumbent?.id ?? null,
    verdicts,
    meta: meta(elite.meta.prompts),
  };
  ctx.outputs.candidates.write(record);
  if (!won) ctx.outputs.drops.drop({ ...record, reason: "lost", detail: record.detail as string });
  return outcome;
}

function verdict(
  order: VerdictRecord["order"],
  reply: Reply<PairwiseVerdict>,
  candidateAt: "A" | "B",
): VerdictRecord {
  if (!reply.ok) return { order, winner: null, candidate_won: false, error: reply.error, call: reply.call };
  const { winner, rationale } = reply.value;
  return { order, winner, candidate_won: winner === candidateAt, rationale, call: reply.call };
}

export function namedCell(axes: readonly Axis[], cell: readonly number[]): Record<string, string> {
  return Object.fromEntries(axes.map((axis, a) => [axis.name, axis.values[cell[a] as number] as string]));
}

function recordMeta(ctx: DecideContext, c: Candidate, prompts: string[]): RecordMeta {
  const { mutator, target, judge } = ctx.calls.models;
  return {
    method: "rainbow",
    draw: c.draw,
    models: { mutator: mutator.modelName, target: target.modelName, judge: judge.modelName },
    prompts,
  };
}
