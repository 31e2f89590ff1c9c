/**
 * A scripted "model" for the topic-guided generation tests: recognizes the topics prompt, reads the topic,
 * its path and the count asked, and answers with a numbered list. By default every instruction is made of
 * the topic plus pseudo-words drawn from a hash of (topic, call, item), so instructions share little but
 * the topic's own words and no filter drops them; a script can put exactly the cases a test needs.
 */
import { hashOf } from "./in-context-model.js";
import type { ReplyContext, ScriptedReply } from "./scripted-server.js";

export interface TopicCall {
  topic: string;
  /** The "belongs to this area" line's path, or just the topic. */
  path: string;
  count: number;
  /** 0-based call number for this topic, in the order the server received them. */
  call: number;
  /** The example requests the prompt showed. */
  examples: string[];
  context: ReplyContext;
}

export interface TopicScript {
  /** The instructions a reply lists (default: `count` varied ones). */
  tasks?: (call: TopicCall) => string[];
  finishReason?: (call: TopicCall) => string | undefined;
}

const SYLLABLES = "ba ko ri se tu ma ne lo vi da pe gu fo zi ha ny wo ke su ra".split(" ");

/** A pseudo-word from a hash: three syllables out of twenty. */
function pseudoWord(key: string): string {
  const h = hashOf(key);
  return [h % 20, (h >>> 5) % 20, (h >>> 10) % 20].map((i) => SYLLABLES[i]).join("");
}

/** A varied instruction about `topic`: Chinese topics get Han characters, others pseudo-words. */
export function topicTask(topic: string, key: string): string {
  if (/\p{Script=Han}/u.test(topic)) {
    const chars = Array.from({ length: 6 }, (_, k) =>
      String.fromCodePoint(0x4e00 + (hashOf(`${key}/${k}`) % 20000)),
    );
    return `请说明${topic}与${chars.join("")}的关系`;
  }
  const words = Array.from({ length: 5 }, (_, k) => pseudoWord(`${key}/${k}`));
  return `Explain ${topic} with ${words.join(" ")}`;
}

/** Reads the topic prompt; undefined for any other request. */
export function parseTopicPrompt(input: string): Omit<TopicCall, "call" | "context"> | undefined {
  const topic = /about the topic "(.+?)"\.\n/u.exec(input)?.[1];
  const count = /numbered list from 1 to (\d+)/u.exec(input)?.[1];
  if (topic === undefined || count === undefined) return undefined;
  const path = /belongs to this area: (.+)\.\n/u.exec(input)?.[1] ?? topic;
  const section = /A few requests of the kind wanted[^\n]*\n((?:- .*\n)+)/u.exec(input)?.[1] ?? "";
  const examples = section
    .split("\n")
    .filter((line) => line.startsWith("- "))
    .map((line) => line.slice(2));
  return { topic, path, count: Number(count), examples };
}

/** The reply function for `startScriptedServer({ reply })`, with the calls it answered. */
export function topicsModel(script: TopicScript = {}) {
  const calls: TopicCall[] = [];
  const perTopic = new Map<string, number>();
  const reply = (context: ReplyContext): ScriptedReply => {
    const parsed = parseTopicPrompt(context.input);
    if (!parsed) return "I only answer topic prompts.";
    const n = perTopic.get(parsed.path) ?? 0;
    perTopic.set(parsed.path, n + 1);
    const call: TopicCall = { ...parsed, call: n, context };
    calls.push(call);
    const tasks =
      script.tasks?.(call) ??
      Array.from({ length: parsed.count }, (_, i) => topicTask(parsed.topic, `${parsed.path}/${n}/${i}`));
    const text = tasks.map((task, i) => `${i + 1}. ${task}`).join("\n");
    return { text, finishReason: script.finishReason?.(call) ?? "stop" };
  };
  return { reply, calls };
}
