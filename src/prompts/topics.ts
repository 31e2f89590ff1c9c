/**
 * Prompt of topic-guided generation (LaMini-LM, Wu et al., 2023), in our own words. As in the paper the
 * topic steers the subject and optional in-context examples steer the form; the model answers with a
 * numbered list (one instruction a number), read back by `parseTaskList`. A list rather than JSON: it
 * works on every endpoint (chat and completions, base and chat models), and a reply cut by the token
 * limit still yields its complete items.
 */
import { oneLine, type PromptRef } from "./prompt.js";

export const TOPIC_GENERATE: PromptRef = { id: "topics/generate", version: 1 };

export interface TopicPromptInput {
  /** The leaf topic. */
  name: string;
  /** Root-to-leaf path; shown when the topic sits under others. */
  path: readonly string[];
  /** How many instructions to ask for. */
  count: number;
  /** Example instructions showing the wanted form (may be empty). */
  examples: readonly string[];
}

export function topicGenerateMessage({ name, path, count, examples }: TopicPromptInput): string {
  const topic = oneLine(name);
  const lines = [
    `Suggest ${count} different requests that people could send to an AI assistant about the topic "${topic}".`,
  ];
  if (path.length > 1) lines.push(`The topic belongs to this area: ${path.map(oneLine).join(" > ")}.`);
  if (examples.length > 0) {
    lines.push(
      "",
      "A few requests of the kind wanted (they show the form only; their subjects do not matter here):",
      ...examples.map((example) => `- ${oneLine(example)}`),
    );
  }
  lines.push(
    "",
    "Each request should:",
    `- be clearly about "${topic}", the way someone curious about or working on it would ask;`,
    "- stand on its own: if it needs a text, a list or data to work on, include them in the request;",
    "- be answerable in writing alone: nothing that needs pictures, sound, files, browsing or actions in the world;",
    "- be one to three sentences long.",
    "Make the requests differ in what they ask for (explain, compare, write, plan, solve, classify, summarise, advise, ...) and in how they are worded; both questions and commands are welcome.",
    "Write them in the language of the topic's name.",
    `Reply with a numbered list from 1 to ${count}, one request per number, and nothing else.`,
  );
  return lines.join("\n");
}
