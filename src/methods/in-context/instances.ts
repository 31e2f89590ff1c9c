/**
 * Instances of a Self-Instruct task: parsing the model's examples and the paper's instance filters.
 * Input-first replies read "Example 1 / Input: ... / Output: ..." (Input may be absent for tasks that need
 * none); output-first replies read "Class label: ... / Input: ...", the label being the output.
 */
import type { FinishReason } from "../../llm/language-model.js";

export interface Instance {
  input: string;
  output: string;
}

export interface DroppedInstance extends Instance {
  reason:
    | "truncated"
    | "empty-output"
    | "input-equals-output"
    | "incomplete"
    | "too-long"
    | "conflicting-outputs";
}

const EXAMPLE_HEADER = /^\s*(?:\*\*)?example\s*\d*\s*[.:：]?\s*(?:\*\*)?\s*$/imu;
const INPUT_LABEL = /^\s*(?:\*\*)?input\s*\d*\s*[:：]\s*(?:\*\*)?/imu;
const OUTPUT_LABEL = /^\s*(?:\*\*)?output\s*\d*\s*[:：]\s*(?:\*\*)?/imu;
const CLASS_LABEL = /^\s*(?:\*\*)?class\s*label\s*[:：]\s*(?:\*\*)?/imu;

export interface ParsedInstances {
  instances: Instance[];
  /** The last example when the reply hit the token limit (it may be cut). */
  truncated?: Instance;
}

export function parseInputFirst(reply: string, finishReason: FinishReason): ParsedInstances {
  const blocks = splitOn(reply, EXAMPLE_HEADER).filter((b) => b.trim() !== "");
  const instances = blocks.flatMap((block): Instance[] => {
    const out = splitLabel(block, OUTPUT_LABEL);
    if (out === undefined) {
      // No "Output:": a task without input may be answered directly; a lone "Input:" is no example.
      if (INPUT_LABEL.test(block)) return [{ input: afterLabel(block, INPUT_LABEL), output: "" }];
      return [{ input: "", output: block.trim() }];
    }
    const input = INPUT_LABEL.test(out.before) ? afterLabel(out.before, INPUT_LABEL) : "";
    return [{ input, output: out.after.trim() }];
  });
  return withTruncation(instances, finishReason);
}

export function parseOutputFirst(reply: string, finishReason: FinishReason): ParsedInstances {
  const blocks = splitOn(reply, CLASS_LABEL).slice(1);
  const instances = blocks.map((block): Instance => {
    const parts = splitLabel(block, INPUT_LABEL);
    if (parts === undefined) return { input: "", output: block.trim() };
    return { input: parts.after.trim(), output: firstLine(parts.before) };
  });
  return withTruncation(instances, finishReason);
}

export interface InstanceFilterOptions {
  /** Longest input or output kept, in characters. */
  maxChars: number;
}

/**
 * The paper's instance filters: drop instances whose output is empty, whose input equals the output,
 * whose input or output ends with a colon (an unfinished generation), that are too long, and every
 * instance of an input that appears with different outputs. Exact repeats are merged.
 */
export function filterInstances(
  instances: readonly Instance[],
  options: InstanceFilterOptions,
): { kept: Instance[]; dropped: DroppedInstance[] } {
  const dropped: DroppedInstance[] = [];
  const valid: Instance[] = [];
  for (const instance of instances) {
    const reason = invalidReason(instance, options);
    if (reason) dropped.push({ ...instance, reason });
    else valid.push(instance);
  }
  const outputsByInput = new Map<string, Set<string>>();
  for (const { input, output } of valid) {
    if (input === "") continue;
    const outputs = outputsByInput.get(input) ?? new Set<string>();
    outputs.add(output);
    outputsByInput.set(input, outputs);
  }
  const kept: Instance[] = [];
  const seen = new Set<string>();
  for (const instance of valid) {
    if ((outputsByInput.get(instance.input)?.size ?? 0) > 1) {
      dropped.push({ ...instance, reason: "conflicting-outputs" });
      continue;
    }
    const key = `${instance.input}\u0000${instance.output}`;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(instance);
  }
  return { kept, dropped };
}

function invalidReason(
  instance: Instance,
  options: InstanceFilterOptions,
): DroppedInstance["reason"] | undefined {
  const { input, output } = instance;
  if (output === "") return "empty-output";
  if (input === output) return "input-equals-output";
  if (input.endsWith(":") || output.endsWith(":")) return "incomplete";
  if (input.length > options.maxChars || output.length > options.maxChars) return "too-long";
  return undefined;
}

function withTruncation(instances: Instance[], finishReason: FinishReason): ParsedInstances {
  if (finishReason !== "length" || instances.length === 0) return { instances };
  return { instances: instances.slice(0, -1), truncated: instances.at(-1) };
}

/** The parts of `text` between matches of a line-anchored pattern (the text before the first too). */
function splitOn(text: string, pattern: RegExp): string[] {
  const global = new RegExp(pattern.source, `${pattern.flags.replace("g", "")}g`);
  return text.split(global);
}

function splitLabel(text: string, label: RegExp): { before: string; after: string } | undefined {
  const match = label.exec(text);
  if (!match) return undefined;
  return { before: text.slice(0, match.index), after: text.slice(match.index + match[0].length) };
}

function afterLabel(text: string, label: RegExp): string {
  return splitLabel(text, label)?.after.trim() ?? "";
}

function firstLine(text: string): string {
  return (text.trim().split(/\r?\n/u)[0] ?? "").trim();
}
