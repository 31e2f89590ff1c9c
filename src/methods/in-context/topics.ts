/**
 * Topic-guided generation (LaMini-LM, Wu et al., 2023): diversity comes from the topics. For every topic
 * of a list or taxonomy, ask the model for instructions about that topic (optionally showing a few
 * in-context examples of the wanted form) until `perTopic` pass the filters. Responses are not made here:
 * `selfalign respond` answers the instructions afterwards.
 *
 * The algorithm, step by step:
 *  1. Per topic, concurrently: draw batches ("suggest N requests about <topic>") until the topic alone
 *     has `perTopic` instructions passing the filters (heuristics, ROUGE-L against its own kept ones), or
 *     its call cap is reached. This sizes the draws without waiting for other topics.
 *  2. In topic order: decide again, against everything kept so far in the whole output (earlier topics
 *     too), drawing more if cross-topic near-duplicates left the topic short. Decisions are final here
 *     and are written as they are made, so the output depends only on the topics, the seed and the
 *     cached answers, never on which call finished first.
 */
import { join } from "node:path";
import type { RunEngine } from "../../engine/engine.js";
import { TaskGroup } from "../../engine/task-group.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { promptTag } from "../../prompts/prompt.js";
import { TOPIC_GENERATE } from "../../prompts/topics.js";
import { distinctN } from "../../text/diversity.js";
import type { FilterOptions } from "../../text/filters.js";
import { NearDupIndex } from "../../text/near-dup-index.js";
import type { TokenizerMode } from "../../text/tokenize.js";
import { canonicalJson, sha256 } from "../../util/canonical.js";
import type { GenerationSettings } from "../responses/respond.js";
import { pinRecipe } from "../shared/recipe.js";
import { DropLog, RecordOutput } from "../shared/record-output.js";
import type { StopReason } from "../shared/stop-reason.js";
import type { SeedTask } from "./seed-tasks.js";
import { judge, type ListedInstruction, TopicJob, type Verdict } from "./topic-job.js";
import { type Topic, topicPath } from "./topic-taxonomy.js";
import { round4, type TopicReport, topicReport, writeTopicsReport } from "./topics-report.js";

export interface TopicsOptions {
  engine: RunEngine;
  model: LanguageModel;
  topics: readonly Topic[];
  /** Instructions kept per topic. */
  perTopic: number;
  /** Directory of instructions.jsonl, dropped.jsonl and topics.json. */
  outDir: string;
  /** In-context examples of the wanted form (none: the prompt shows none). */
  examples?: readonly SeedTask[];
  /** Examples shown per call, sampled anew for every call; default 3. */
  examplesPerCall?: number;
  /** Instructions asked per call; default min(perTopic, 10). */
  batch?: number;
  /** Most calls per topic; default 3 × ceil(perTopic / batch). */
  maxCallsPerTopic?: number;
  /** ROUGE-L F above which an instruction is a near-duplicate; default 0.7. */
  threshold?: number;
  tokenizer?: TokenizerMode;
  filter?: FilterOptions;
  generation?: GenerationSettings;
  /** Topics in progress at once; default twice the model's concurrency. */
  lookahead?: number;
  /** Live counters (for progress); a fresh object when omitted. */
  stats?: TopicsStats;
}

export interface TopicsStats {
  topics: number;
  /** Topics decided (complete or short) in this session. */
  finished: number;
}

/** One kept instruction, as written to instructions.jsonl. */
export interface TopicInstruction {
  id: string;
  instruction: string;
  topic: string;
  topic_path: string;
  meta: Record<string, unknown>;
}

export interface TopicsResult {
  topics: number;
  /** Topics with `perTopic` instructions kept. */
  complete: number;
  /** Topics that used their call cap and ended with fewer. */
  short: TopicReport[];
  /** Instructions kept (this run's decisions, whether written now or by an earlier session). */
  kept: number;
  written: number;
  alreadyThere: number;
  dropped: Record<string, number>;
  distinct1: number | null;
  distinct2: number | null;
  reports: TopicReport[];
  stop?: StopReason;
}

export function newTopicsStats(topics: number): TopicsStats {
  return { topics, finished: 0 };
}

export async function topicGuided(options: TopicsOptions): Promise<TopicsResult> {
  const { engine, model, topics, perTopic, outDir } = options;
  const batch = options.batch ?? Math.min(perTopic, 10);
  const maxCalls = options.maxCallsPerTopic ?? 3 * Math.ceil(perTopic / batch);
  const examplesPerCall = options.examples?.length ? (options.examplesPerCall ?? 3) : 0;
  for (const [name, value] of Object.entries({ perTopic, batch, maxCalls })) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  }
  const threshold = options.threshold ?? 0.7;
  const tokenizer = options.tokenizer ?? "auto";
  const filter = options.filter ?? {};
  const stats = options.stats ?? newTopicsStats(topics.length);
  const lookahead = options.lookahead ?? Math.max(2, engine.lane(model).settings.concurrency * 2);
  const jobSettings = {
    engine,
    model,
    perTopic,
    batch,
    maxCalls,
    examples: options.examples ?? [],
    examplesPerCall,
    generation: options.generation ?? {},
  };

  // What decides the output, topics included: resuming with other values would mix two runs' decisions.
  pinRecipe(engine.runDir, "topics", {
    topics: sha256(canonicalJson(topics.map((t) => topicPath(t)))),
    perTopic,
    batch,
    maxCalls,
    threshold,
    tokenizer,
    filter,
    examples: sha256(canonicalJson((options.examples ?? []).map((e) => [e.id, e.instruction, e.instances]))),
    examplesPerCall,
    generation: options.generation ?? {},
    rngSeed: engine.rng.seed,
    model: model.id,
  });
  const events = engine.runDir.events;
  const decisions = new Decisions(
    await RecordOutput.open<TopicInstruction>(join(outDir, "instructions.jsonl"), events),
    await DropLog.open(join(outDir, "dropped.jsonl"), events),
    { perTopic, filter, model, accepted: new NearDupIndex({ threshold, tokenizer }) },
  );
  const reports = topics.map((topic) => topicReport(topic, "pending", 0, [], {}, tokenizer));
  const run: { stop?: StopReason; stopping: boolean; error?: unknown } = { stopping: false };
  const failed = (error: unknown) => {
    run.error ??= error;
    run.stopping = true;
  };
  const decide = async (job: TopicJob, index: number): Promise<void> => {
    const { kept, dropped } = await decisions.decide(job);
    if (job.stop) {
      run.stop ??= job.stop;
      run.stopping = true;
    }
    // A failed call the topic turned out not to need still stops the run, but not the topic.
    const status = kept.length >= perTopic ? "complete" : job.stop ? "stopped" : "short";
    reports[index] = topicReport(job.topic, status, job.calls, kept, dropped, tokenizer);
    stats.finished++;
  };

  const group = new TaskGroup();
  let turn: Promise<void> = Promise.resolve();
  for (const [index, topic] of topics.entries()) {
    const room = group.below(lookahead);
    if (room) await room;
    if (run.stopping) break;
    const job = new TopicJob(jobSettings, topic);
    // Step 1 starts now, for this topic alone; its own index only sizes the draws.
    const local = new NearDupIndex({ threshold, tokenizer });
    const drawn = job
      .fill((item, full) => !full && judge(item, local, filter).kept)
      .then(() => {
        if (job.stop) run.stopping = true;
      }, failed);
    // Step 2 waits for the previous topic's, so decisions happen in topic order.
    const previous = turn;
    turn = previous
      .then(() => drawn)
      .then(() => (run.stop || run.error ? undefined : decide(job, index)))
      .catch(failed);
    group.run(() => turn, failed);
  }
  await group.idle();
  decisions.close();
  if (run.error !== undefined) throw run.error;

  writeTopicsReport(
    join(outDir, "topics.json"),
    { perTopic, batch, maxCalls, threshold, tokenizer },
    reports,
  );
  const result: TopicsResult = {
    topics: topics.length,
    complete: reports.filter((r) => r.status === "complete").length,
    short: reports.filter((r) => r.status === "short"),
    kept: decisions.keptTexts.length,
    written: decisions.output.written,
    alreadyThere: decisions.output.alreadyThere,
    dropped: { ...decisions.drops.byReason },
    distinct1: round4(distinctN(decisions.keptTexts, 1, tokenizer)),
    distinct2: round4(distinctN(decisions.keptTexts, 2, tokenizer)),
    reports,
  };
  if (run.stop) result.stop = run.stop;
  return result;
}

/**
 * Step 2's final decisions, one topic at a time in topic order: each listed instruction is kept (and
 * written) or dropped with its reason, against everything kept before it in the whole output.
 */
class Decisions {
  /** Every kept instruction, all topics, in output order (for the whole output's distinct-n). */
  readonly keptTexts: string[] = [];
  /** Topic path of every kept id, to say which topic a near-duplicate repeats. */
  private readonly topicOfKept = new Map<string, string>();

  constructor(
    readonly output: RecordOutput<TopicInstruction>,
    readonly drops: DropLog,
    private readonly settings: {
      perTopic: number;
      filter: FilterOptions;
      model: LanguageModel;
      accepted: NearDupIndex;
    },
  ) {}

  async decide(job: TopicJob): Promise<{ kept: string[]; dropped: Record<string, number> }> {
    const { perTopic, filter, accepted } = this.settings;
    const path = topicPath(job.topic);
    const kept: string[] = [];
    const dropped: Record<string, number> = {};
    const describe = (id: string) => {
      const other = this.topicOfKept.get(id);
      return other === path ? `${id} (same topic)` : `${id} (topic "${other}")`;
    };
    const drop = (item: ListedInstruction, verdict: Extract<Verdict, { kept: false }>) => {
      dropped[verdict.reason] = (dropped[verdict.reason] ?? 0) + 1;
      this.drops.drop({
        id: item.id,
        reason: verdict.reason,
        detail: verdict.detail,
        ...this.fields(job.topic, item),
        ...(verdict.nearestId !== undefined ? { nearest_id: verdict.nearestId, score: verdict.score } : {}),
        meta: this.meta(job.topic, item),
      });
    };
    await job.fill((item, full) => {
      if (full) {
        const detail = `the topic already has ${perTopic} instructions`;
        drop(item, { kept: false, reason: "surplus", detail });
        return false;
      }
      const verdict = judge(item, accepted, filter, describe);
      if (!verdict.kept) {
        drop(item, verdict);
        return false;
      }
      this.topicOfKept.set(item.id, path);
      kept.push(item.text);
      const meta = { ...this.meta(job.topic, item), rouge_l: verdict.score };
      this.output.write({ id: item.id, ...this.fields(job.topic, item), meta });
      return true;
    });
    this.keptTexts.push(...kept);
    return { kept, dropped };
  }

  close(): void {
    this.output.close();
    this.drops.close();
  }

  private fields(topic: Topic, item: ListedInstruction) {
    return { instruction: item.text, topic: topic.name, topic_path: topicPath(topic) };
  }

  /** Lineage: the prompt, the draw and the reply position, the examples shown, the call's cache key. */
  private meta(topic: Topic, item: ListedInstruction): Record<string, unknown> {
    return {
      method: "topics",
      step: "generate",
      topic_id: topic.id,
      draw: item.draw,
      item: item.item,
      model: this.settings.model.modelName,
      prompts: [promptTag(TOPIC_GENERATE)],
      examples: item.examples,
      call_key: item.callKey,
    };
  }
}
