/**
 * What Evol-Instruct writes and how it decides a round, one evolution at a time (in pool order):
 *  - generations.jsonl: the seeds (round 0) and every evolution attempt, kept or eliminated; each record
 *    names its parent and root, so every evolution tree can be rebuilt from this file alone;
 *  - dropped.jsonl: the eliminated attempts again, with the rule as `reason` (same id);
 *  - pool.jsonl: the final pool, written once the last round is done.
 * A kept in-depth evolution replaces its parent in the pool; a kept in-breadth one is a new instruction
 * that joins the pool beside its parent; an eliminated one leaves its parent in the pool, to be evolved
 * again next round.
 */
import { join } from "node:path";
import type { EventLog } from "../../engine/event-log.js";
import { contentId } from "../../util/canonical.js";
import { DropLog, RecordOutput } from "../shared/record-output.js";
import type { Elimination } from "./elimination.js";
import type { PoolMember } from "./evol-pool.js";
import type { Evolution } from "./evolve-step.js";
import type { EvolDomain, EvolOperation } from "./operations.js";

export const EVOL_METHOD = "evol-instruct";

export interface EvolGenerationRecord {
  id: string;
  /** null for a seed. */
  parent_id: string | null;
  root_id: string;
  /** 0 for a seed. */
  round: number;
  operation: string | null;
  kind: "seed" | EvolOperation["kind"];
  instruction: string;
  response: string | null;
  /** Why the attempt was eliminated; null when it was kept (and for seeds). */
  elimination: Elimination | null;
  /** The information-gain judgement (in-depth attempts that reached it). */
  gain: { equal: boolean; reason: string; invalid?: string } | null;
  /** Place in the tree: kept evolutions from the root to this node (its parent's depth + 1). */
  depth: number;
  meta: {
    method: typeof EVOL_METHOD;
    step: "seed" | "evolve";
    domain: EvolDomain;
    model?: string;
    prompts?: string[];
    calls?: Evolution["calls"];
    source?: { file: string; line: number };
  };
}

export interface EvolPoolRecord {
  /** The id of this version in generations.jsonl. */
  id: string;
  root_id: string;
  instruction: string;
  response: string | null;
  /** Kept evolutions between the root and this version (0: a seed that never evolved). */
  depth: number;
  /** The round that made this version (0: a seed). */
  round: number;
  /** Ids from the root to this version, and the operation of each step. */
  lineage: string[];
  operations: string[];
  meta: { method: typeof EVOL_METHOD; step: "pool"; domain: EvolDomain; model: string };
}

export interface EvolRoundStats {
  round: number;
  /** Instructions the round evolved (the pool at its start). */
  pool: number;
  /** Attempts decided (all of them unless the round stopped). */
  decided: number;
  kept: number;
  eliminated: number;
  /** Kept in-breadth evolutions: new instructions that joined the pool. */
  added: number;
  byOperation: Record<string, { attempts: number; kept: number }>;
  byRule: Record<string, number>;
  /** Judgements that could not be read even after a repair (counted as a gain, see judgeGain). */
  invalidJudgements: number;
  /** Requests asked of the engine (cached or not). */
  requests: { evolve: number; respond: number; judge: number };
}

export function newRoundStats(round: number, pool: number): EvolRoundStats {
  return {
    round,
    pool,
    decided: 0,
    kept: 0,
    eliminated: 0,
    added: 0,
    byOperation: {},
    byRule: {},
    invalidJudgements: 0,
    requests: { evolve: 0, respond: 0, judge: 0 },
  };
}

export class EvolOutputs {
  private constructor(
    readonly generations: RecordOutput<EvolGenerationRecord>,
    readonly pool: RecordOutput<EvolPoolRecord>,
    readonly drops: DropLog,
  ) {}

  static async open(outDir: string, events: EventLog): Promise<EvolOutputs> {
    return new EvolOutputs(
      await RecordOutput.open<EvolGenerationRecord>(join(outDir, "generations.jsonl"), events),
      await RecordOutput.open<EvolPoolRecord>(join(outDir, "pool.jsonl"), events),
      await DropLog.open(join(outDir, "dropped.jsonl"), events),
    );
  }

  close(): void {
    this.generations.close();
    this.pool.close();
    this.drops.close();
  }
}

export interface DecideContext {
  round: number;
  domain: EvolDomain;
  model: string;
  outputs: EvolOutputs;
  stats: EvolRoundStats;
}

export function seedRecord(member: PoolMember, domain: EvolDomain, source: { file: string; line: number }) {
  const record: EvolGenerationRecord = {
    id: member.id,
    parent_id: null,
    root_id: member.rootId,
    round: 0,
    operation: null,
    kind: "seed",
    instruction: member.instruction,
    response: member.response ?? null,
    elimination: null,
    gain: null,
    depth: 0,
    meta: { method: EVOL_METHOD, step: "seed", domain, source },
  };
  return record;
}

/**
 * Records one attempt on `parent` and returns what takes the parent's place in the next round's pool.
 * The id hashes the parent, the round, the operation and the rewrite's cache key (which holds the draw
 * number): a parent retried with the same operation in a later round gets a new id.
 */
export function decide(
  ctx: DecideContext,
  parent: PoolMember,
  operation: EvolOperation,
  evolution: Evolution,
): PoolMember[] {
  const { round, stats } = ctx;
  const id = `evol-${contentId({ parent: parent.id, round, operation: operation.id, call: evolution.calls.evolve })}`;
  const elimination = evolution.elimination ?? null;
  const gain = evolution.gain
    ? {
        equal: evolution.gain.equal,
        reason: evolution.gain.reason,
        ...(evolution.gain.invalid !== undefined ? { invalid: evolution.gain.invalid } : {}),
      }
    : null;
  ctx.outputs.generations.write({
    id,
    parent_id: parent.id,
    root_id: parent.rootId,
    round,
    operation: operation.id,
    kind: operation.kind,
    instruction: evolution.instruction,
    response: evolution.response ?? null,
    elimination,
    gain,
    depth: parent.depth + 1,
    meta: {
      method: EVOL_METHOD,
      step: "evolve",
      domain: ctx.domain,
      model: ctx.model,
      prompts: evolution.prompts,
      calls: evolution.calls,
    },
  });

  stats.decided++;
  stats.requests.evolve++;
  if (evolution.calls.respond) stats.requests.respond++;
  if (evolution.calls.gain) stats.requests.judge++;
  if (evolution.gain?.invalid !== undefined) stats.invalidJudgements++;
  const byOperation = stats.byOperation[operation.id] ?? { attempts: 0, kept: 0 };
  stats.byOperation[operation.id] = byOperation;
  byOperation.attempts++;

  if (elimination) {
    stats.eliminated++;
    stats.byRule[elimination.rule] = (stats.byRule[elimination.rule] ?? 0) + 1;
    ctx.outputs.drops.drop({
      id,
      reason: elimination.rule,
      detail: elimination.detail,
      round,
      parent_id: parent.id,
      root_id: parent.rootId,
      operation: operation.id,
      kind: operation.kind,
      instruction: evolution.instruction,
      ...(evolution.response !== undefined ? { response: evolution.response } : {}),
    });
    return [parent];
  }

  stats.kept++;
  byOperation.kept++;
  const child: PoolMember = {
    id,
    rootId: parent.rootId,
    instruction: evolution.instruction,
    response: evolution.response ?? "",
    depth: parent.depth + 1,
    round,
    lineage: [...parent.lineage, id],
    operations: [...parent.operations, operation.id],
  };
  if (operation.kind === "depth") return [child];
  stats.added++;
  return [parent, child];
}

export function poolRecord(member: PoolMember, domain: EvolDomain, model: string): EvolPoolRecord {
  return {
    id: member.id,
    root_id: member.rootId,
    instruction: member.instruction,
    response: member.response ?? null,
    depth: member.depth,
    round: member.round,
    lineage: member.lineage,
    operations: member.operations,
    meta: { method: EVOL_METHOD, step: "pool", domain, model },
  };
}
