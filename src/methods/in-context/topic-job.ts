/**
 * One topic of topic-guided generation: its draws (independent samples of "suggest N requests about
 * this topic", each with its own in-context examples) and the instructions they listed, in draw order.
 * Draws run in waves sized from what is still missing, so a topic needing 30 instructions at 10 a call
 * asks 3 calls at once rather than one after another; a cap bounds the calls a topic may use.
 */
import type { PreparedCall, RunEngine } from "../../engine/engine.js";
import type { GenerateRequest, LanguageModel } from "../../llm/language-model.js";
import { topicGenerateMessage } from "../../prompts/topics.js";
import { type FilterOptions, heuristicFilter } from "../../text/filters.js";
import type { NearDupIndex } from "../../text/near-dup-index.js";
import { sha256 } from "../../util/canonical.js";
import type { GenerationSettings } from "../responses/respond.js";
import { Draws } from "../shared/draws.js";
import { type StopReason, stopReasonOf } from "../shared/stop-reason.js";
import type { SeedTask } from "./seed-tasks.js";
import { parseTaskList } from "./task-list.js";
import type { Topic } from "./topic-taxonomy.js";

export interface TopicJobSettings {
  engine: RunEngine;
  model: LanguageModel;
  perTopic: number;
  /** Instructions asked per call. */
  batch: number;
  /** Most calls one topic may use. */
  maxCalls: number;
  examples: readonly SeedTask[];
  examplesPerCall: number;
  generation: GenerationSettings;
}

/** One instruction as listed in a reply. */
export interface ListedInstruction {
  /** From the call's cache key and the position in the reply: stable across runs. */
  id: string;
  text: string;
  /** 0-based draw of the topic. */
  draw: number;
  /** 0-based position in the reply. */
  item: number;
  /** The reply hit the token limit inside this item. */
  truncated: boolean;
  callKey: string;
  /** Ids of the in-context examples the call showed. */
  examples: string[];
}

export type Verdict =
  | { kept: true; score: number }
  | { kept: false; reason: string; detail: string; nearestId?: string; score?: number };

/**
 * The filters an instruction passes to be kept: not cut short, the heuristic filters, and ROUGE-L F at
 * most `threshold` against every instruction the index holds. A kept instruction joins the index.
 */
export function judge(
  item: ListedInstruction,
  index: NearDupIndex,
  filter: FilterOptions,
  describe: (id: string) => string = (id) => id,
): Verdict {
  if (item.truncated) {
    return { kept: false, reason: "truncated", detail: "the reply hit the token limit inside this item" };
  }
  const verdict = heuristicFilter(item.text, filter);
  if (!verdict.ok) return { kept: false, reason: verdict.reason, detail: verdict.detail };
  const match = index.nearest(item.text, { stopAbove: index.threshold });
  if (match.score > index.threshold && match.id !== undefined) {
    const detail = `ROUGE-L ${match.score.toFixed(3)} > ${index.threshold} with ${describe(match.id)}`;
    return { kept: false, reason: "near-duplicate", detail, nearestId: match.id, score: match.score };
  }
  index.add(item.id, item.text);
  return { kept: true, score: match.score };
}

export class TopicJob {
  /** Instructions of the successful draws, in draw and reply order. */
  readonly items: ListedInstruction[] = [];
  /** Why the topic's draws stopped early (budget, Ctrl-C, a failed call), if they did. */
  stop: StopReason | undefined;
  /** Calls prepared for this topic (the cap counts these). */
  calls = 0;
  private readonly draws: Draws;

  constructor(
    private readonly settings: TopicJobSettings,
    readonly topic: Topic,
  ) {
    this.draws = new Draws(settings.engine);
  }

  /** Whether the cap still allows a call and nothing stopped the draws. */
  get canDraw(): boolean {
    return this.stop === undefined && this.calls < this.settings.maxCalls;
  }

  /**
   * Draws until `accept` has kept `perTopic` of the listed instructions or the cap is reached. `accept`
   * sees every listed instruction once, in draw order, with `full` set once `perTopic` are kept (the
   * rest of a wave's last replies is surplus); it returns whether it kept the instruction. Draws already
   * made (by an earlier pass over this topic) are seen first, so a pass costs calls only for what is
   * still missing.
   */
  async fill(accept: (item: ListedInstruction, full: boolean) => boolean): Promise<number> {
    const { perTopic } = this.settings;
    let kept = 0;
    let cursor = 0;
    for (;;) {
      for (; cursor < this.items.length; cursor++) if (accept(this.items[cursor]!, kept >= perTopic)) kept++;
      const missing = perTopic - kept;
      if (missing <= 0 || !this.canDraw) return kept;
      await this.drawWave(Math.ceil(missing / this.settings.batch));
    }
  }

  /**
   * Prepares up to `count` draws in order and runs them together. Results are taken in draw order up to
   * the first failed call: later draws are in the cache for the re-run but must not be used before it.
   */
  private async drawWave(count: number): Promise<void> {
    const planned: Array<{ call: PreparedCall; examples: string[]; draw: number }> = [];
    for (let k = 0; k < count && this.calls < this.settings.maxCalls; k++)
      planned.push(this.plan(this.calls++));
    const settled = await Promise.allSettled(planned.map((p) => this.settings.engine.run(p.call)));
    for (let k = 0; k < planned.length; k++) {
      const result = settled[k]!;
      if (result.status === "rejected") {
        this.stop = stopReasonOf(result.reason);
        return;
      }
      const { call, examples, draw } = planned[k]!;
      const sample = result.value[0]!;
      const callKey = call.keys[0] as string;
      parseTaskList(sample.text, sample.finishReason).forEach((listed, item) => {
        const id = sha256(`${callKey}\u0000${item}`).slice(0, 16);
        this.items.push({
          id,
          text: listed.text,
          draw,
          item,
          truncated: listed.truncated,
          callKey,
          examples,
        });
      });
    }
  }

  /** The request of draw `draw`: the topic, a fresh pick of examples, the generation settings. */
  private plan(draw: number): { call: PreparedCall; examples: string[]; draw: number } {
    const { engine, model, examples, examplesPerCall, batch, generation: g } = this.settings;
    const rng = engine.rng.fork(`topics/examples/${this.topic.id}/${draw}`);
    const shown = examplesPerCall > 0 ? rng.sample(examples, examplesPerCall) : [];
    const content = topicGenerateMessage({
      name: this.topic.name,
      path: this.topic.path,
      count: batch,
      examples: shown.map((task) => task.instruction),
    });
    const request: GenerateRequest = {
      messages: [
        ...(g.system ? [{ role: "system" as const, content: g.system }] : []),
        { role: "user", content },
      ],
      temperature: g.temperature,
      topP: g.topP,
      maxTokens: g.maxTokens,
      stop: g.stop,
      seed: g.seed,
    };
    return { call: this.draws.prepare(model, request), examples: shown.map((task) => task.id), draw };
  }
}
