/**
 * What each trainer documents as a valid row, written out as checks that list every problem of a row
 * (an empty list: the row is valid). Written from the formats' documentation (LLaMA-Factory
 * data/README.md, TRL "Dataset formats and types", OpenAI fine-tuning SFT and DPO), not from our
 * exporters, so a test that runs rows through them checks the exporters against the documents.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";

type Json = Record<string, unknown>;
export type RowCheck = (row: Json) => string[];

const isString = (v: unknown): v is string => typeof v === "string";
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function need(problems: string[], ok: boolean, what: string): void {
  if (!ok) problems.push(what);
}

function only(row: Json, allowed: string[], problems: string[]): void {
  for (const key of Object.keys(row)) need(problems, allowed.includes(key), `unexpected key ${key}`);
}

/** {role, content} messages with the given roles allowed. */
function roleMessages(v: unknown, roles: string[]): boolean {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every(
      (m) =>
        isObject(m) && roles.includes(m.role as string) && isString(m.content) && Object.keys(m).length === 2,
    )
  );
}

function history(v: unknown): boolean {
  return Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && p.every(isString));
}

/** LLaMA-Factory alpaca: instruction (required), input?, output (required), system?, history?. */
export const alpacaSft: RowCheck = (row) => {
  const p: string[] = [];
  need(p, isString(row.instruction) && row.instruction !== "", "instruction: non-empty string");
  need(p, row.input === undefined || isString(row.input), "input: string");
  need(p, isString(row.output) && row.output !== "", "output: non-empty string");
  need(p, row.system === undefined || isString(row.system), "system: string");
  need(p, row.history === undefined || history(row.history), "history: [user, assistant] pairs");
  only(row, ["instruction", "input", "output", "system", "history"], p);
  return p;
};

/** LLaMA-Factory alpaca preference: instruction, input?, chosen and rejected strings. */
export const alpacaPreference: RowCheck = (row) => {
  const p: string[] = [];
  need(p, isString(row.instruction) && row.instruction !== "", "instruction: non-empty string");
  need(p, row.input === undefined || isString(row.input), "input: string");
  need(p, isString(row.chosen) && isString(row.rejected), "chosen/rejected: strings");
  need(p, row.system === undefined || isString(row.system), "system: string");
  need(p, row.history === undefined || history(row.history), "history: pairs");
  only(row, ["instruction", "input", "chosen", "rejected", "system", "history"], p);
  return p;
};

function sharegptTurns(v: unknown, endsWith: "human" | "gpt"): boolean {
  if (!Array.isArray(v) || v.length === 0) return false;
  const ok = v.every(
    (m, i) =>
      isObject(m) &&
      m.from === (i % 2 === 0 ? "human" : "gpt") &&
      isString(m.value) &&
      Object.keys(m).length === 2,
  );
  return ok && (v.at(-1) as Json).from === endsWith;
}

/** LLaMA-Factory sharegpt: human at odd, gpt at even positions, system? as a column. */
export const sharegptSft: RowCheck = (row) => {
  const p: string[] = [];
  need(p, sharegptTurns(row.conversations, "gpt"), "conversations: alternating human/gpt ending with gpt");
  need(p, row.system === undefined || isString(row.system), "system: string");
  only(row, ["conversations", "system"], p);
  return p;
};

/** LLaMA-Factory sharegpt preference: conversations ending with human, chosen/rejected gpt messages. */
export const sharegptPreference: RowCheck = (row) => {
  const p: string[] = [];
  need(p, sharegptTurns(row.conversations, "human"), "conversations: alternating, ending with human");
  for (const k of ["chosen", "rejected"]) {
    const m = row[k];
    need(p, isObject(m) && m.from === "gpt" && isString(m.value), `${k}: {from: gpt, value}`);
  }
  need(p, row.system === undefined || isString(row.system), "system: string");
  only(row, ["conversations", "chosen", "rejected", "system"], p);
  return p;
};

/** OpenAI SFT: messages of system/user/assistant, the last one the assistant's. */
export const openaiSft: RowCheck = (row) => {
  const p: string[] = [];
  need(p, roleMessages(row.messages, ["system", "user", "assistant"]), "messages: {role, content} list");
  need(
    p,
    Array.isArray(row.messages) && (row.messages.at(-1) as Json)?.role === "assistant",
    "last message: assistant",
  );
  only(row, ["messages"], p);
  return p;
};

/** OpenAI DPO: input.messages, preferred_output and non_preferred_output one assistant message each. */
export const openaiDpo: RowCheck = (row) => {
  const p: string[] = [];
  const input = row.input;
  need(p, isObject(input) && roleMessages(input.messages, ["system", "user", "assistant"]), "input.messages");
  need(
    p,
    isObject(input) && Array.isArray(input.messages) && (input.messages.at(-1) as Json)?.role === "user",
    "input ends with user",
  );
  for (const k of ["preferred_output", "non_preferred_output"]) {
    need(
      p,
      roleMessages(row[k], ["assistant"]) && (row[k] as unknown[]).length === 1,
      `${k}: one assistant message`,
    );
  }
  only(row, ["input", "preferred_output", "non_preferred_output"], p);
  return p;
};

/** TRL preference, standard (strings) or conversational (message lists). */
export function trlPreference(conversational: boolean): RowCheck {
  return (row) => {
    const p: string[] = [];
    if (conversational) {
      need(p, roleMessages(row.prompt, ["system", "user", "assistant"]), "prompt: messages");
      need(p, roleMessages(row.chosen, ["assistant"]), "chosen: assistant messages");
      need(p, roleMessages(row.rejected, ["assistant"]), "rejected: assistant messages");
    } else {
      need(
        p,
        isString(row.prompt) && isString(row.chosen) && isString(row.rejected),
        "prompt/chosen/rejected: strings",
      );
    }
    only(row, ["prompt", "chosen", "rejected"], p);
    return p;
  };
}

/** TRL prompt-completion, standard or conversational. */
export function trlCompletion(conversational: boolean): RowCheck {
  return (row) => {
    const p: string[] = [];
    if (conversational) {
      need(p, roleMessages(row.prompt, ["system", "user", "assistant"]), "prompt: messages");
      need(p, roleMessages(row.completion, ["assistant"]), "completion: assistant messages");
    } else need(p, isString(row.prompt) && isString(row.completion), "prompt/completion: strings");
    only(row, ["prompt", "completion"], p);
    return p;
  };
}

/** Every problem of every row, prefixed by the row's index. */
export function rowProblems(rows: Json[], check: RowCheck): string[] {
  return rows.flatMap((row, i) => check(row).map((problem) => `row ${i}: ${problem}`));
}

/** The YAML front matter and the body of a dataset card. */
export function readCard(path: string): { front: Json; body: string } {
  const text = readFileSync(path, "utf8");
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`${path}: no YAML front matter`);
  return { front: parse(match[1]!) as Json, body: match[2]! };
}
