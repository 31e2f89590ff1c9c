/**
 * The bootstrapping loop shared by Self-Instruct and its Alpaca variant: rounds of prompts built from
 * the seed tasks and the machine-made pool, each reply parsed into candidate tasks, and every candidate
 * filtered in order (heuristics, then ROUGE-L against the whole pool, seeds included) before it joins
 * the pool. What makes a kept task into an output record (instances, for Self-Instruct) is the
 * strategy's `finish`, run concurrently with later rounds: it never changes the pool.
 *
 * Determinism, hence resume: round r's prompts are drawn from a generator forked by r, from the pool as
 * rounds 0..r-1 left it, and candidates are decided in (prompt, position) order. A re-run therefore asks
 * the same calls in the same order, finds them in the cache, and recomputes the same records; outputs
 * already on disk are not written again. A call that fails for good stops the loop instead of being
 * skipped, because skipping it would change every later round.
 */
import type { PreparedCall, RunEngine, Sample } from "../../engine/engine.js";
import { OrderedSink } from "../../engine/ordered-sink.js";
import type { Rng } from "../../engine/rng.js";
import { TaskGroup } from "../../engine/task-group.js";
import type { GenerateRequest, LanguageModel } from "../../llm/language-model.js";
import { type FilterOptions, heuristicFilter } from "../../text/filters.js";
import { NearDupIndex } from "../../text/near-dup-index.js";
import type { TokenizerMode } from "../../text/tokenize.js";
import { sha256 } from "../../util/canonical.js";
import { Draws } from "../shared/draws.js";
import type { DropLog, DroppedRecord, IdentifiedRecord, RecordOutput } from "../shared/record-output.js";
import { type StopReason, stopReasonOf } from "../shared/stop-reason.js";
import type { SeedTask } from "./seed-tasks.js";

/** A task in the pool: a seed or a machine-made instruction that passed the filters. */
export interface PoolTask {
  id: string;
  instruction: string;
}

export interface PromptPlan {
  request: GenerateRequest;
  /** Ids of the pool tasks shown in the prompt (lineage). */
  shown: string[];
}

/** A task parsed from a reply, before filtering. */
export interface Candidate {
  instruction: string;
  input?: string;
  output?: string;
  /** Cut by the token limit: dropped, as in the papers. */
  truncated: boolean;
}

/** A candidate that joined the pool, with where it came from. */
export interface KeptTask extends Candidate {
  id: string;
  round: number;
  prompt: number;
  position: number;
  shown: string[];
  /** Cache key of the call that wrote it. */
  call: string;
  rouge: { max: number; nearest_id?: string; tokenizer: string };
}

export interface BootstrapStrategy<R extends IdentifiedRecord> {
  /** Prefix of record ids, and the rng stream's name. */
  readonly name: string;
  plan(rng: Rng, seeds: readonly SeedTask[], machine: readonly PoolTask[]): PromptPlan;
  parse(sample: Sample): Candidate[];
  /** A kept task's output record, or why it is dropped after all. May call the model. */
  finish(task: KeptTask): Promise<R | DroppedRecord>;
}

export interface BootstrapOptions {
  engine: RunEngine;
  model: LanguageModel;
  seeds: readonly SeedTask[];
  /** Output records wanted. */
  count: number;
  /** Prompts per round (the papers: 5). */
  batchSize: number;
  /** Rounds after which the loop gives up even if short of `count`. */
  maxRounds: number;
  /** ROUGE-L F above which a candidate is a near-duplicate of the pool. */
  threshold: number;
  tokenizer: TokenizerMode;
  filters: FilterOptions;
  /** Kept tasks being finished at once (bounds memory and the lead over the writer). */
  lookahead: number;
  output: RecordOutput<IdentifiedRecord>;
  drops: DropLog;
  stats: BootstrapStats;
}

export interface BootstrapStats {
  rounds: number;
  requests: number;
  /** Candidates parsed from replies. */
  generated: number;
  /** Candidates that joined the pool. */
  pooled: number;
  /** Output records (written now or found already written). */
  emitted: number;
  /** Pooled tasks never finished into records because `count` was reached first. */
  unfinished: number;
  dropped: Record<string, number>;
  stoppedBy?: StopReason;
  /** The loop reached maxRounds short of `count`. */
  exhausted?: boolean;
}

export function newBootstrapStats(): BootstrapStats {
  return { rounds: 0, requests: 0, generated: 0, pooled: 0, emitted: 0, unfinished: 0, dropped: {} };
}

export async function runBootstrap<R extends IdentifiedRecord>(
  strategy: BootstrapStrategy<R>,
  options: BootstrapOptions,
): Promise<BootstrapStats> {
  const { engine, model, seeds, count, stats, drops } = options;
  stats.dropped = drops.byReason;
  const index = new NearDupIndex({ threshold: options.threshold, tokenizer: options.tokenizer });
  for (const seed of seeds) index.add(seed.id, seed.instruction);
  const machine: PoolTask[] = [];
  const draws = new Draws(engine);
  const stop = (error: unknown) => {
    stats.stoppedBy ??= stopReasonOf(error);
  };

  // Kept tasks wait in `queue` and are finished in queue order, only as many as can still be needed:
  // the pool may outgrow `count` within a round, and finishing the extra tasks would be paid for nothing.
  const queue: KeptTask[] = [];
  let next = 0;
  let finishing = 0;
  // Finished into a record (written, or waiting in the sink behind an earlier task still finishing).
  let succeeded = 0;
  const tasks = new TaskGroup();
  const sink = new OrderedSink<R | DroppedRecord>((record) => {
    if (isDrop(record)) drops.drop(record);
    else {
      options.output.write(record);
      stats.emitted++;
    }
  }, Number.MAX_SAFE_INTEGER);
  const pump = () => {
    const limit = Math.min(count - succeeded, options.lookahead);
    while (!stats.stoppedBy && next < queue.length && finishing < limit) {
      const task = queue[next++] as KeptTask;
      const seq = sink.tryReserve() as number;
      finishing++;
      tasks.run(
        async () => {
          const record = await strategy.finish(task);
          finishing--;
          if (!isDrop(record)) succeeded++;
          sink.complete(seq, [record]);
          pump();
        },
        (error) => {
          finishing--;
          sink.complete(seq, []);
          stop(error);
        },
      );
    }
  };

  for (let round = stats.rounds; ; ) {
    pump();
    if (stats.stoppedBy || succeeded >= count) break;
    // Another round is paid for only if we would fall short even if every task in hand finished well;
    // that is true whatever the timing, so the rounds a run makes are the same in every run.
    if (succeeded + finishing + (queue.length - next) >= count) {
      await tasks.below(tasks.size);
      continue;
    }
    if (round >= options.maxRounds) {
      stats.exhausted = true;
      break;
    }
    const rng = engine.rng.fork(`${strategy.name}/round/${round}`);
    const plans = Array.from({ length: options.batchSize }, () => strategy.plan(rng, seeds, machine));
    const calls = plans.map((plan) => draws.prepare(model, plan.request));
    const replies = await Promise.allSettled(calls.map((call) => engine.run(call)));
    stats.requests += calls.length;
    const failed = replies.find((r) => r.status === "rejected");
    if (failed) {
      stop(failed.reason);
      break;
    }
    for (let p = 0; p < plans.length; p++) {
      const plan = plans[p] as PromptPlan;
      const call = (calls[p] as PreparedCall).keys[0] as string;
      const sample = (replies[p] as PromiseFulfilledResult<Sample[]>).value[0] as Sample;
      const candidates = strategy.parse(sample);
      stats.generated += candidates.length;
      for (let position = 0; position < candidates.length; position++) {
        const candidate = candidates[position] as Candidate;
        const where = { round, prompt: p, position, shown: plan.shown, call };
        const key = `${round}\u0000${p}\u0000${position}\u0000${candidate.instruction}`;
        const id = `${strategy.name}-${sha256(key).slice(0, 16)}`;
        const verdict = judge(candidate, index, options);
        if (!verdict.ok) {
          const { reason, detail, extra } = verdict;
          drops.drop({ id, reason, detail, ...candidate, ...where, ...extra });
          continue;
        }
        index.add(id, candidate.instruction);
        machine.push({ id, instruction: candidate.instruction });
        queue.push({ ...candidate, id, ...where, rouge: verdict.rouge });
      }
    }
    stats.pooled = machine.length;
    round = ++stats.rounds;
  }
  await tasks.idle();
  stats.unfinished = queue.length - next;
  return stats;
}

type Verdict =
  | { ok: true; rouge: KeptTask["rouge"] }
  | { ok: false; reason: string; detail: string; extra?: Record<string, unknown> };

/** The paper's order: a cut-off task, then the heuristic filters, then ROUGE-L against the pool. */
function judge(candidate: Candidate, index: NearDupIndex, options: BootstrapOptions): Verdict {
  if (candidate.truncated)
    return { ok: false, reason: "truncated", detail: "the reply hit the token limit here" };
  const heuristic = heuristicFilter(candidate.instruction, options.filters);
  if (!heuristic.ok) return { ok: false, reason: heuristic.reason, detail: heuristic.detail };
  const match = index.nearest(candidate.instruction, { stopAbove: options.threshold });
  if (match.score > options.threshold) {
    return {
      ok: false,
      reason: "rouge-similar",
      detail: `ROUGE-L ${match.score.toFixed(3)} > ${options.threshold} against ${match.id}`,
      extra: { rouge: { score: match.score, nearest_id: match.id, tokenizer: match.tokenizer } },
    };
  }
  const rouge: KeptTask["rouge"] = { max: match.score, tokenizer: match.tokenizer };
  if (match.id !== undefined) rouge.nearest_id = match.id;
  return { ok: true, rouge };
}

function isDrop(record: IdentifiedRecord | DroppedRecord): record is DroppedRecord {
  return typeof (record as DroppedRecord).reason === "string";
}
