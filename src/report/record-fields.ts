/**
 * Reading the common fields of any method's record: the instruction (or prompt), the response (or
 * output), scores and drop reasons. Records differ by method; these look where each method puts them.
 */
import type { Rec } from "./step-files.js";

const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

interface Message {
  role?: unknown;
  content?: unknown;
}

function messages(r: Rec): Message[] {
  return Array.isArray(r.messages) ? (r.messages as Message[]) : [];
}

/** The instruction (with its input after a blank line, as Alpaca data is trained), else the prompt. */
export function instructionOf(r: Rec): string | null {
  const instruction = str(r.instruction) ?? str(r.prompt) ?? str(r.question);
  if (instruction) {
    const input = str(r.input);
    return input ? `${instruction}\n\n${input}` : instruction;
  }
  const user = messages(r).find((m) => m.role === "user");
  if (user) return str(user.content);
  const task = r.task;
  return task && typeof task === "object" ? instructionOf(task as Rec) : null;
}

/** The response: `response`, `output`, the first instance's output, the last assistant message, or `chosen`. */
export function responseOf(r: Rec): string | null {
  const direct = str(r.response) ?? str(r.output) ?? str(r.answer) ?? str(r.chosen);
  if (direct) return direct;
  if (r.response && typeof r.response === "object") return JSON.stringify(r.response);
  if (Array.isArray(r.instances)) {
    const first = r.instances[0] as Rec | undefined;
    if (first) return str(first.output);
  }
  const assistant = messages(r)
    .filter((m) => m.role === "assistant")
    .at(-1);
  return assistant ? str(assistant.content) : null;
}

/** Score fields of a record: judge and curation `score`, IFD's `ifd` and `r_ifd`. */
export const SCORE_FIELDS = ["score", "ifd", "r_ifd"] as const;

export function scoresOf(r: Rec): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const field of SCORE_FIELDS) {
    const value = num(r[field]);
    if (value !== null) out.push([field, value]);
  }
  return out;
}

/** The number the sample browser filters on: the first score field present. */
export function mainScore(r: Rec): number | null {
  return scoresOf(r)[0]?.[1] ?? null;
}

const sub = (v: unknown): Rec | null => (v && typeof v === "object" ? (v as Rec) : null);

/** `reason`, else an evol elimination's `rule`, else dedup's `dedup.reason`. */
export function reasonOf(r: Rec): string | null {
  return str(r.reason) ?? str(sub(r.elimination)?.rule) ?? str(sub(r.dedup)?.reason);
}

export function detailOf(r: Rec): string | null {
  return (
    str(r.detail) ??
    (r.elimination && typeof r.elimination === "object" ? str((r.elimination as Rec).detail) : null)
  );
}

export function idOf(r: Rec): string | null {
  return typeof r.id === "string" || typeof r.id === "number" ? String(r.id) : null;
}

/** The highest ROUGE-L a method recorded for this instruction, and against what. */
export function recordedRougeOf(r: Rec): number | null {
  const meta = (r.meta && typeof r.meta === "object" ? r.meta : {}) as Rec;
  const rouge = meta.rouge && typeof meta.rouge === "object" ? (meta.rouge as Rec) : null;
  return num(rouge?.max) ?? num(meta.rouge_l) ?? num(meta.max_rouge_l) ?? num(r.max_rouge_l);
}
