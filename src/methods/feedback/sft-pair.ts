/**
 * The (instruction, answer) pair of an SFT record, as the perplexity methods read it: Alpaca-style
 * fields (instruction, optional input appended after a blank line as Alpaca training does, output or
 * response), or a chat's first user turn and the assistant reply after it.
 */
import { fieldError, getField, optionalString, requireString } from "../../data/index.js";
import type { InputRecord } from "../../data/input-record.js";

export interface PairFields {
  instruction: string;
  input: string;
  /** The answer field; `response` (respond's output) is read when this one is absent. */
  output: string;
}

export const DEFAULT_PAIR_FIELDS: PairFields = {
  instruction: "instruction",
  input: "input",
  output: "output",
};

export interface SftPair {
  instruction: string;
  answer: string;
  /** The record's own system message (chat records), if any. */
  system?: string;
}

export function readSftPair(record: InputRecord, fields: PairFields = DEFAULT_PAIR_FIELDS): SftPair {
  const hasInstruction = getField(record.value, fields.instruction) !== undefined;
  if (!hasInstruction && Array.isArray(record.value.messages)) return chatPair(record);
  const instruction = requireString(record, fields.instruction);
  const input = optionalString(record, fields.input);
  const answerField =
    getField(record.value, fields.output) === undefined && getField(record.value, "response") !== undefined
      ? "response"
      : fields.output;
  return {
    instruction: input ? `${instruction}\n\n${input}` : instruction,
    answer: requireString(record, answerField),
  };
}

function chatPair(record: InputRecord): SftPair {
  const messages = record.value.messages as unknown[];
  const contentAt = (index: number, role: string): string | undefined => {
    const message = messages[index] as { role?: unknown; content?: unknown } | undefined;
    return message?.role === role && typeof message.content === "string" ? message.content : undefined;
  };
  const system = contentAt(0, "system");
  const userIndex = system === undefined ? 0 : 1;
  const instruction = contentAt(userIndex, "user");
  const answer = contentAt(userIndex + 1, "assistant");
  if (instruction === undefined || answer === undefined) {
    throw fieldError(
      record,
      "messages",
      "expected [system?], user, assistant messages with string content (the first turn is scored)",
    );
  }
  return system === undefined ? { instruction, answer } : { instruction, answer, system };
}
