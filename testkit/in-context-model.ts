/**
 * A scripted "model" for the in-context methods' tests: recognizes the Self-Instruct and Alpaca
 * prompts by their wording and answers each the way a cooperative model would, with varied,
 * deterministic text (a hash of the prompt picks the words), plus hooks to inject the bad cases each
 * filter exists for.
 */
import type { ReplyContext, ScriptedReply } from "./scripted-server.js";

const WORDS = (
  "river mountain engine violin ledger harbor comet orchard lantern glacier meadow tunnel archive falcon " +
  "canyon beacon quarry compass saddle thimble furnace kettle marble pigeon walnut cobalt ember fjord " +
  "granite hammock island jasmine kiosk lagoon magnet nectar oyster parcel quartz raven satchel tundra " +
  "umbrella vessel wagon yarn zephyr anchor bramble cactus dynamo estuary feather goblet hazel igloo jigsaw"
).split(" ");

const VERBS = ["Describe", "Explain", "Compare", "Summarize", "Plan", "Evaluate", "Outline", "Critique"];

export function hashOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A varied English task from a number: few words in common with any other. */
export function variedTask(n: number): string {
  const pick = (k: number) => WORDS[(hashOf(`${n}/${k}`) >>> 3) % WORDS.length];
  return `${VERBS[n % VERBS.length]} how a ${pick(1)} and a ${pick(2)} relate to ${pick(3)} ${pick(4)} and ${pick(5)}.`;
}

export interface InContextScript {
  /** The tasks one generation reply lists (default: 8 varied tasks from the prompt's hash). */
  tasks?: (call: number, context: ReplyContext) => string[];
  /** Whether a task counts as classification (default: it mentions "label" or "classify"). */
  isClassification?: (task: string) => boolean;
  /** The examples a task gets (default: two distinct input/output pairs). */
  instances?: (task: string) => Array<{ input: string; output: string }>;
  /** Finish reason for generation replies (e.g. "length" to test truncation). */
  generationFinish?: (call: number) => string | undefined;
}

/** The reply function for `startScriptedServer({ reply })`, with counters of what was asked. */
export function inContextModel(script: InContextScript = {}) {
  const counts = { generate: 0, alpaca: 0, classify: 0, instances: 0, other: 0 };
  const reply = (context: ReplyContext): ScriptedReply => {
    const input = context.input;
    if (input.includes("Extend the list with new tasks") || input.startsWith("A list of varied tasks:")) {
      const call = counts.generate++;
      const first = (input.match(/^\d+\. /gmu)?.length ?? 8) + 1;
      const tasks = script.tasks?.(call, context) ?? defaultTasks(hashOf(input));
      if (context.schema) return JSON.stringify({ tasks });
      const text = tasks.map((t, i) => `${first + i}. ${t}`).join("\n");
      const finishReason = script.generationFinish?.(call) ?? "stop";
      // A base model continues after "9.": the prompt already holds the first number.
      const body = context.endpoint === "completions" ? text.slice(`${first}.`.length) : text;
      return { text: body, finishReason };
    }
    if (
      input.includes("new, varied tasks for training") ||
      input.includes("varied tasks for an AI assistant")
    ) {
      counts.alpaca++;
      const tasks = script.tasks?.(counts.alpaca - 1, context) ?? defaultTasks(hashOf(input), 20);
      const text = tasks
        .map(
          (t, i) =>
            `${i + 1}. Instruction: ${t}\n${i + 1}. Input: ${i % 2 ? "<noinput>" : `Input ${i}`}\n${i + 1}. Output: Answer ${i} to ${t}\n###`,
        )
        .join("\n");
      return { text, finishReason: script.generationFinish?.(counts.alpaca - 1) ?? "stop" };
    }
    if (input.trimEnd().endsWith("Classification:")) {
      counts.classify++;
      const task = /Task: (.*)\nClassification:\s*$/u.exec(input)?.[1] ?? "";
      const clf = script.isClassification?.(task) ?? /label|classify/iu.test(task);
      return clf ? "Yes" : "No";
    }
    if (
      input.includes("worked examples for a task") ||
      input.includes("is a classification task. First list")
    ) {
      counts.instances++;
      const task = input.slice(input.lastIndexOf("Task: ") + 6).split("\n")[0] ?? "";
      const outputFirst = input.includes("is a classification task. First list");
      const examples = script.instances?.(task) ?? [
        { input: `first input for ${task}`, output: `first output for ${task}` },
        { input: `second input for ${task}`, output: `second output for ${task}` },
      ];
      if (context.schema) {
        const json = outputFirst ? examples.map((e) => ({ label: e.output, input: e.input })) : examples;
        return JSON.stringify({ examples: json });
      }
      const text = outputFirst
        ? examples.map((e) => `Class label: ${e.output}\nInput: ${e.input}`).join("\n")
        : examples
            .map((e, i) => `Example ${i + 1}\n${e.input ? `Input: ${e.input}\n` : ""}Output: ${e.output}`)
            .join("\n");
      // A base model continues after the cue the prompt ends with.
      if (context.endpoint === "completions")
        return outputFirst ? text.replace(/^Class label:/u, "") : text.replace(/^Example 1\n/u, "");
      return text;
    }
    counts.other++;
    return `Answer: ${input.slice(0, 40)}`;
  };
  return { reply, counts };
}

function defaultTasks(seed: number, n = 8): string[] {
  return Array.from({ length: n }, (_, i) => variedTask(seed + i * 7919));
}
