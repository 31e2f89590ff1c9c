/**
 * What every trainer format implements: a row for an SFT record, a row for a preference record (or a
 * Skip when the format cannot hold that record), and the LLaMA-Factory `dataset_info.json` entry that
 * describes the file, when LLaMA-Factory reads the shape at all.
 */
import type { ChatMessage } from "../../llm/language-model.js";
import {
  type CanonicalPreference,
  type CanonicalSft,
  isSkip,
  type RecordKind,
  type Skip,
} from "./canonical.js";

export const EXPORT_FORMATS = ["alpaca", "sharegpt", "openai", "dpo", "trl", "parquet"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface FormatOptions {
  /** dpo/trl: message lists ({role, content}) instead of plain strings. */
  conversational: boolean;
}

export type Row = Record<string, unknown>;

/** A LLaMA-Factory dataset description (data/README.md of LLaMA-Factory). */
export interface DatasetInfoEntry {
  file_name: string;
  formatting: "alpaca" | "sharegpt";
  ranking?: boolean;
  columns: Record<string, string>;
  tags?: Record<string, string>;
}

export interface Exporter {
  format: ExportFormat;
  /** Undefined: the format holds preference pairs only. */
  sft?: (c: CanonicalSft, o: FormatOptions) => Row | Skip;
  preference: (c: CanonicalPreference, o: FormatOptions) => Row | Skip;
  /**
   * The dataset_info.json entry for a file of `kind`, given the row keys that occurred (an optional
   * column such as `system` is listed only when some row has it: LLaMA-Factory reads every listed column).
   * Undefined when LLaMA-Factory does not read this shape.
   */
  datasetInfo(
    kind: RecordKind,
    fileName: string,
    keys: ReadonlySet<string>,
    o: FormatOptions,
  ): DatasetInfoEntry | undefined;
  /** Trainers that read this shape as written, for the dataset card. */
  readers(kind: RecordKind, o: FormatOptions): string[];
}

/** A chat as Alpaca and ShareGPT need it: an optional leading system text, then strict user/assistant turns. */
export interface Turns {
  system?: string;
  /** [user, assistant] pairs. */
  pairs: [string, string][];
  /** The last user turn of a prompt (preference records); undefined for a chat that ends with a reply. */
  final?: string;
}

/**
 * Splits messages into system + alternating turns, or a skip when they do not alternate (two user
 * messages in a row, a system message mid-chat): Alpaca history and ShareGPT's odd/even positions
 * cannot express those, and LLaMA-Factory drops such examples with only a warning.
 */
export function turnsOf(messages: readonly ChatMessage[], endsWith: "user" | "assistant"): Turns | Skip {
  let rest = messages;
  const turns: Turns = { pairs: [] };
  if (rest[0]?.role === "system") {
    turns.system = rest[0].content;
    rest = rest.slice(1);
  }
  for (const [i, m] of rest.entries()) {
    const expected = i % 2 === 0 ? "user" : "assistant";
    if (m.role !== expected)
      return {
        skip: "not-alternating",
        field: "messages",
        detail: `message ${i + 1} after the system prompt is ${m.role}, expected ${expected}: turns must alternate user/assistant`,
      };
  }
  const end = endsWith === "user" ? rest.length - 1 : rest.length;
  for (let i = 0; i + 1 < end; i += 2) turns.pairs.push([rest[i]!.content, rest[i + 1]!.content]);
  if (endsWith === "user") turns.final = rest.at(-1)?.content;
  return turns;
}

/** The one assistant message of a reply, or a skip for formats that hold a single reply string. */
export function singleReply(messages: readonly ChatMessage[], field: string): string | Skip {
  if (messages.length === 1) return messages[0]!.content;
  return {
    skip: "multi-message-reply",
    field,
    detail: `${field} has ${messages.length} messages; this format holds one reply`,
  };
}

/** A preference pair as turn-based formats (Alpaca, ShareGPT) hold it: prompt turns and two reply strings. */
export function turnPair(c: CanonicalPreference): { turns: Turns; chosen: string; rejected: string } | Skip {
  const turns = turnsOf(c.prompt, "user");
  if (isSkip(turns)) return turns;
  const chosen = singleReply(c.chosen, "chosen");
  if (isSkip(chosen)) return chosen;
  const rejected = singleReply(c.rejected, "rejected");
  if (isSkip(rejected)) return rejected;
  return { turns, chosen, rejected };
}

/** The prompt as one plain string, which TRL's standard (non-conversational) rows need. */
export function plainPrompt(prompt: readonly ChatMessage[]): string | Skip {
  if (prompt.length === 1 && prompt[0]!.role === "user") return prompt[0]!.content;
  return {
    skip: "needs-conversational",
    field: "messages",
    detail: "a system message or several turns cannot be a plain-text prompt: use --conversational",
  };
}

/** Copies only the optional columns that are set, so rows carry no empty `system` or `history`. */
export function withOptional(row: Row, optional: Row): Row {
  for (const [key, value] of Object.entries(optional)) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    row[key] = value;
  }
  return row;
}

/** Column mappings for `keys` that occurred, e.g. {system: "system"} when a row had a system prompt. */
export function presentColumns(keys: ReadonlySet<string>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (keys.has(name)) out[name] = name;
  return out;
}
