/**
 * topics.json: per topic, what was kept and dropped and how diverse the kept instructions are (pairwise
 * ROUGE-L among them, distinct-1 and distinct-2), so a user can spot the topics the model had little to
 * say about. Rewritten by every session from that session's decisions (a resumed run recomputes them all).
 */
import { writeFileSync } from "node:fs";
import { diversity } from "../../text/diversity.js";
import type { TokenizerMode } from "../../text/tokenize.js";
import { type Topic, topicPath } from "./topic-taxonomy.js";

/**
 * complete: `perTopic` kept; short: the call cap was reached first; stopped: the run stopped (budget,
 * Ctrl-C, a failed call) inside this topic; pending: the run stopped before the topic was decided.
 */
export type TopicStatus = "complete" | "short" | "stopped" | "pending";

export interface TopicReport {
  topic: string;
  path: string;
  topic_id: string;
  line: number;
  status: TopicStatus;
  kept: number;
  calls: number;
  dropped: Record<string, number>;
  diversity: {
    rouge_l_mean: number | null;
    rouge_l_max: number | null;
    pairs: number;
    distinct_1: number | null;
    distinct_2: number | null;
  };
}

export function topicReport(
  topic: Topic,
  status: TopicStatus,
  calls: number,
  kept: readonly string[],
  dropped: Record<string, number>,
  tokenizer: TokenizerMode,
): TopicReport {
  const figures = diversity(kept, tokenizer);
  return {
    topic: topic.name,
    path: topicPath(topic),
    topic_id: topic.id,
    line: topic.source.line,
    status,
    kept: kept.length,
    calls,
    dropped,
    diversity: {
      rouge_l_mean: round4(figures.rougeL.mean),
      rouge_l_max: round4(figures.rougeL.max),
      pairs: figures.rougeL.pairs,
      distinct_1: round4(figures.distinct1),
      distinct_2: round4(figures.distinct2),
    },
  };
}

/** Four decimals: enough to compare topics, short enough to read. */
export function round4(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10_000) / 10_000;
}

export function writeTopicsReport(
  path: string,
  settings: Record<string, unknown>,
  reports: readonly TopicReport[],
): void {
  writeFileSync(path, `${JSON.stringify({ ...settings, topics: reports }, null, 2)}\n`);
}
