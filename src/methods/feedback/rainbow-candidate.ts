/**
 * One candidate of Rainbow Teaming, from its random choices to its judged reply:
 *  1. parent: a seed prompt while the archive is empty (or, with probability `seedShare`, anyway),
 *     else the prompt of a uniformly chosen occupied cell;
 *  2. target cell: uniform over the whole grid;
 *  3. mutation: one mutator call per axis, in axis order, each moving the prompt to the target cell's
 *     value on that axis;
 *  4. a child whose BLEU against its parent exceeds the threshold is dropped as "too-similar";
 *  5. the target answers the child and the judge scores the reply (1..10).
 * The random choices come from streams forked by iteration and candidate index, and the archive they
 * look at is the one saved at the iteration's start, so a resumed run makes the same choices.
 */
import type { Rng } from "../../engine/rng.js";
import { sentenceBleu } from "../../text/bleu.js";
import type { Axis } from "./rainbow-axes.js";
import { answer, type CallContext, mutate, score, type Text } from "./rainbow-calls.js";
import type { Mutation, ParentRef } from "./rainbow-records.js";

export interface SeedPrompt {
  id: string;
  prompt: string;
}

export interface CandidatePlan {
  iteration: number;
  index: number;
  draw: number;
  parent: ParentRef;
  cell: number[];
}

export interface Candidate extends CandidatePlan {
  mutations: Mutation[];
  prompt?: string;
  bleu?: number;
  response?: Text;
  judged?: { score: number; rationale: string; call: string };
  failure?: { reason: "too-similar" | "failed"; detail: string; raw?: string };
}

export interface PlanInputs {
  rng: Rng;
  iteration: number;
  index: number;
  batchSize: number;
  seedShare: number;
  seeds: readonly SeedPrompt[];
  /** Occupied cells' prompts at the iteration's start, in cell order. */
  elites: readonly SeedPrompt[];
  shape: readonly number[];
}

export function planCandidate(p: PlanInputs): CandidatePlan {
  const label = `${p.iteration}/${p.index}`;
  const parentRng = p.rng.fork(`rainbow/parent/${label}`);
  const fromSeeds = p.elites.length === 0 || (p.seedShare > 0 && parentRng.next() < p.seedShare);
  const pick = parentRng.pick(fromSeeds ? p.seeds : p.elites);
  const cellRng = p.rng.fork(`rainbow/cell/${label}`);
  const cell = p.shape.map((n) => cellRng.int(n));
  return {
    iteration: p.iteration,
    index: p.index,
    draw: (p.iteration - 1) * p.batchSize + p.index,
    parent: { kind: fromSeeds ? "seed" : "elite", id: pick.id, prompt: pick.prompt },
    cell,
  };
}

export async function makeCandidate(
  ctx: CallContext,
  plan: CandidatePlan,
  axes: readonly Axis[],
  bleuThreshold: number,
): Promise<Candidate> {
  const c: Candidate = { ...plan, mutations: [] };
  let current = plan.parent.prompt;
  for (const [a, axis] of axes.entries()) {
    const value = axis.values[plan.cell[a] as number] as string;
    const reply = await mutate(ctx, axis.name, value, current, plan.draw);
    if (!reply.ok) {
      c.failure = { reason: "failed", detail: `mutator (${axis.name}): ${reply.error}`, raw: reply.raw };
      return c;
    }
    const prompt = reply.value.prompt.trim();
    c.mutations.push({ axis: axis.name, value, prompt, call: reply.call });
    if (prompt === "") {
      c.failure = { reason: "failed", detail: `mutator (${axis.name}): empty prompt` };
      return c;
    }
    current = prompt;
  }
  c.prompt = current;
  c.bleu = sentenceBleu(current, plan.parent.prompt);
  if (c.bleu > bleuThreshold) {
    c.failure = {
      reason: "too-similar",
      detail: `BLEU ${c.bleu.toFixed(4)} against its parent is above ${bleuThreshold}`,
    };
    return c;
  }
  c.response = await answer(ctx, current, plan.draw);
  const judged = await score(ctx, { prompt: current, response: c.response.text });
  if (!judged.ok) {
    c.failure = { reason: "failed", detail: `judge score: ${judged.error}`, raw: judged.raw };
    return c;
  }
  c.judged = { score: judged.value.score, rationale: judged.value.rationale, call: judged.call };
  return c;
}
