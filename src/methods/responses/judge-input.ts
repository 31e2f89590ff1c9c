/**
 * A response record as the judge and the preference builder read it: respond's output, or any record
 * with an instruction (plus optional input) and a response, or with chat `messages` ending in the
 * assistant's reply. Bad records are InputErrors naming file:line and field.
 */
import { fieldError, getField, optionalString, requireString } from "../../data/index.js";
import type { InputRecord } from "../../data/input-record.js";
import { isJsonObject } from "../../data/json-object.js";
import type { ChatMessage } from "../../llm/language-model.js";
import { contentId } from "../../util/canonical.js";

/** Where a record keeps its parts (dotted paths allowed). */
export interface ResponseFields {
  /** The instruction; when the record has none, its `messages` are read instead. */
  field: string;
  /** An optional input appended to the instruction after a blank line. */
  inputField: string;
  /** The response; when absent, the last assistant message of `messages`. */
  responseField: string;
  /** An optional reference answer shown to the judge. */
  referenceField?: string;
}

export const DEFAULT_RESPONSE_FIELDS: ResponseFields = {
  field: "instruction",
  inputField: "input",
  responseField: "response",
};

export interface ResponseItem {
  /** The record's `id`, or one derived from its prompt and response. */
  id: string;
  /** The record as read. */
  value: Record<string, unknown>;
  system?: string;
  /** The instruction with its input, or the conversation before the response. */
  prompt: string;
  /** The system and user (and earlier) messages the response answers. */
  promptMessages: ChatMessage[];
  response: string;
  reference?: string;
  /** Responses to the same instruction share it: `lineage.source_id`, else the prompt's text. */
  group: string;
  /** The source id when the record has one. */
  sourceId?: string;
  file: string;
  line: number;
}

const ROLES = new Set(["system", "user", "assistant"]);

export function readResponseItem(record: InputRecord, fields: ResponseFields): ResponseItem {
  const messages = readMessages(record);
  const hasInstruction = getField(record.value, fields.field) !== undefined;
  if (!hasInstruction && messages === undefined) {
    throw fieldError(record, fields.field, "expected an instruction (or chat messages), got nothing");
  }
  // The messages before the final assistant turn are what the response answers.
  const last = messages?.at(-1);
  const before = last?.role === "assistant" ? messages!.slice(0, -1) : messages;
  const system = before?.find((m) => m.role === "system")?.content;

  let prompt: string;
  let promptMessages: ChatMessage[];
  if (hasInstruction) {
    const instruction = requireString(record, fields.field);
    const input = optionalString(record, fields.inputField);
    prompt = input ? `${instruction}\n\n${input}` : instruction;
    promptMessages = before?.length ? before : [{ role: "user", content: prompt }];
  } else {
    const turns = (before ?? []).filter((m) => m.role !== "system");
    if (turns.length === 0) throw fieldError(record, "messages", "no user message before the response");
    prompt =
      turns.length === 1 ? turns[0]!.content : turns.map((m) => `[${m.role}]\n${m.content}`).join("\n\n");
    promptMessages = before!;
  }

  const response = readResponse(record, fields.responseField, last);
  const reference = fields.referenceField ? optionalString(record, fields.referenceField) : undefined;
  const rawId = record.value.id;
  const id =
    typeof rawId === "string" || typeof rawId === "number"
      ? String(rawId)
      : contentId(["response", promptMessages, response]);
  const lineage = record.value.lineage;
  const source = isJsonObject(lineage) ? lineage.source_id : undefined;
  const sourceId = typeof source === "string" || typeof source === "number" ? String(source) : undefined;
  const group = sourceId !== undefined ? `source:${sourceId}` : `prompt:${contentId([system ?? "", prompt])}`;
  const item: ResponseItem = {
    id,
    value: record.value,
    prompt,
    promptMessages,
    response,
    group,
    file: record.file,
    line: record.line,
  };
  if (system !== undefined) item.system = system;
  if (reference !== undefined) item.reference = reference;
  if (sourceId !== undefined) item.sourceId = sourceId;
  return item;
}

/** The response text: the field when it holds text, else the final assistant message. */
function readResponse(record: InputRecord, field: string, last: ChatMessage | undefined): string {
  const value = getField(record.value, field);
  if (typeof value === "string" && value.trim().length > 0) return value;
  if (last?.role === "assistant" && last.content.trim().length > 0) return last.content;
  return requireString(record, field); // throws, naming the field and what it held
}

function readMessages(record: InputRecord): ChatMessage[] | undefined {
  const raw = record.value.messages;
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw fieldError(record, "messages", "expected an array of chat messages");
  return raw.map((m, i) => {
    if (
      !isJsonObject(m) ||
      typeof m.role !== "string" ||
      !ROLES.has(m.role) ||
      typeof m.content !== "string"
    ) {
      throw fieldError(
        record,
        `messages.${i}`,
        'expected {"role": "system" | "user" | "assistant", "content": string}',
      );
    }
    return { role: m.role as ChatMessage["role"], content: m.content };
  });
}
