/**
 * One canonical form for every record shape we export from: an SFT chat (OpenAI-style messages ending
 * with the assistant's reply) or a preference pair (prompt messages, chosen and rejected replies).
 * Exporters convert from this form only, so a new input shape is one reader here and a new trainer
 * format is one writer beside it.
 *
 * A record that is malformed (a messages field that is not a list of {role, content}, a role we do not
 * know) is an InputError naming file:line and field. A record that is well formed but has nothing to
 * export (a failed structured reply, no response yet) is a Skip with a reason, counted by the caller.
 */
import type { ChatMessage, Role } from "../../llm/language-model.js";
import { fieldError, getField } from "../fields.js";
import { InputError } from "../input-error.js";
import type { InputRecord } from "../input-record.js";
import { describeValue, isJsonObject } from "../json-object.js";

/** Where a record came from, kept aside for the dataset card; never written into trainer rows. */
export interface RecordOrigin {
  id?: string;
  method?: string;
  model?: string;
  step?: string;
}

/** The instruction and input of an Alpaca-style source, when the chat's last user turn is exactly them. */
export interface AlpacaSplit {
  instruction: string;
  input: string;
}

export interface CanonicalSft {
  kind: "sft";
  /** system?, then user/assistant turns, ending with an assistant message. */
  messages: ChatMessage[];
  alpaca?: AlpacaSplit;
  origin: RecordOrigin;
}

export interface CanonicalPreference {
  kind: "preference";
  /** system?, then turns ending with a user message. */
  prompt: ChatMessage[];
  /** Assistant messages (usually one). */
  chosen: ChatMessage[];
  rejected: ChatMessage[];
  alpaca?: AlpacaSplit;
  origin: RecordOrigin;
}

export type Canonical = CanonicalSft | CanonicalPreference;
export type RecordKind = Canonical["kind"];

/** Why a record was left out; also the key of the skip counts on stderr and in the dataset card. */
export type SkipReason =
  | "failed-response"
  | "missing-response"
  | "missing-chosen-or-rejected"
  | "no-assistant-reply"
  | "unrecognized-shape"
  | "mixed-kind"
  | "not-alternating"
  | "multi-message-reply"
  | "needs-conversational";

export interface Skip {
  skip: SkipReason;
  /** The field the problem is in, for the --strict error. */
  field: string;
  detail: string;
}

export function isSkip(value: unknown): value is Skip {
  return isJsonObject(value) && typeof value.skip === "string";
}

/** The InputError a skip becomes under --strict. */
export function skipError(record: InputRecord, skip: Skip): InputError {
  return new InputError(record.file, record.line, `${skip.detail} (${skip.skip})`, { field: skip.field });
}

const ROLES: Readonly<Record<string, Role>> = {
  system: "system",
  user: "user",
  human: "user",
  assistant: "assistant",
  gpt: "assistant",
};

/** Converts one record, or says why it is skipped; throws an InputError for a malformed one. */
export function toCanonical(record: InputRecord): Canonical | Skip {
  const v = record.value;
  const origin = originOf(v);
  if (Object.hasOwn(v, "response") && v.response === null) {
    const why = typeof v.error === "string" ? `: ${v.error}` : "";
    return skip("failed-response", "response", `the response is null${why}`);
  }
  if (isPreference(v)) return preference(record, origin);
  return sft(record, origin);
}

function isPreference(v: Record<string, unknown>): boolean {
  return v.chosen !== undefined || v.rejected !== undefined || v.preferred_output !== undefined;
}

function sft(record: InputRecord, origin: RecordOrigin): CanonicalSft | Skip {
  const v = record.value;
  let messages: ChatMessage[];
  if (Array.isArray(v.messages)) {
    messages = messageList(record, "messages");
  } else if (Array.isArray(v.conversations)) {
    messages = [...systemOf(record), ...messageList(record, "conversations")];
  } else if (typeof v.instruction === "string") {
    const reply = replyText(record, ["output", "response"]);
    if (isSkip(reply)) return reply;
    messages = [...alpacaPrompt(record), { role: "assistant", content: reply }];
  } else if (v.prompt !== undefined) {
    const prompt = promptMessages(record, "prompt");
    const completion = replyMessages(record, "completion");
    if (isSkip(completion)) return completion;
    messages = [...prompt, ...completion];
  } else {
    return skip(
      "unrecognized-shape",
      "messages",
      "no messages, conversations, instruction+output or prompt+completion to export",
    );
  }
  const last = messages.at(-1);
  if (last?.role !== "assistant")
    return skip("no-assistant-reply", "messages", "the chat does not end with an assistant message");
  if (last.content.trim() === "") return skip("missing-response", "messages", "the assistant reply is empty");
  return withSplit({ kind: "sft", messages, origin }, v, messages.slice(0, -1));
}

function preference(record: InputRecord, origin: RecordOrigin): CanonicalPreference | Skip {
  const v = record.value;
  // OpenAI's DPO shape: {input: {messages}, preferred_output, non_preferred_output}.
  if (v.preferred_output !== undefined) {
    if (!isJsonObject(v.input) || !Array.isArray(v.input.messages))
      throw fieldError(record, "input.messages", "expected a list of messages beside preferred_output");
    const chosen = replyMessages(record, "preferred_output");
    const rejected = replyMessages(record, "non_preferred_output");
    if (isSkip(chosen)) return chosen;
    if (isSkip(rejected)) return rejected;
    return { kind: "preference", prompt: messageList(record, "input.messages"), chosen, rejected, origin };
  }
  let prompt: ChatMessage[] | undefined;
  if (v.prompt_messages !== undefined && v.prompt_messages !== null)
    prompt = messageList(record, "prompt_messages");
  else if (v.prompt !== undefined && v.prompt !== null) prompt = promptMessages(record, "prompt");
  else if (Array.isArray(v.conversations))
    prompt = [...systemOf(record), ...messageList(record, "conversations")];
  else if (typeof v.instruction === "string") prompt = alpacaPrompt(record);
  let chosen = replyMessages(record, "chosen", prompt === undefined);
  let rejected = replyMessages(record, "rejected", prompt === undefined);
  if (isSkip(chosen)) return chosen;
  if (isSkip(rejected)) return rejected;
  if (prompt === undefined) {
    // TRL's implicit prompt: chosen and rejected are whole chats sharing the prompt as a prefix.
    const split = implicitPrompt(chosen, rejected);
    if (!split) throw fieldError(record, "prompt", "no prompt, and chosen/rejected share no prompt prefix");
    ({ prompt, chosen, rejected } = split);
  }
  for (const [field, reply] of [
    ["chosen", chosen],
    ["rejected", rejected],
  ] as const) {
    if (reply.some((m) => m.role !== "assistant"))
      throw fieldError(record, field, "expected assistant messages only after the prompt");
  }
  if (prompt.at(-1)?.role !== "user")
    throw fieldError(record, "prompt", "the prompt must end with a user message");
  return withSplit({ kind: "preference", prompt, chosen, rejected, origin }, v, prompt);
}

/** Keeps the instruction/input split when the last user turn is exactly them (joined as respond does). */
function withSplit<T extends Canonical>(c: T, v: Record<string, unknown>, prompt: ChatMessage[]): T {
  if (typeof v.instruction !== "string") return c;
  const input = typeof v.input === "string" ? v.input : "";
  const last = prompt.at(-1);
  if (last?.role !== "user") return c;
  if (last.content === v.instruction || last.content === joinInput(v.instruction, input))
    c.alpaca = { instruction: v.instruction, input: last.content === v.instruction ? "" : input };
  return c;
}

/** Instruction and optional input as one user message, with a blank line between (as respond sends it). */
export function joinInput(instruction: string, input: string | undefined): string {
  return input && input.trim() !== "" ? `${instruction}\n\n${input}` : instruction;
}

/** system?, Alpaca history pairs, then the instruction (+ input) as the last user turn. */
function alpacaPrompt(record: InputRecord): ChatMessage[] {
  const v = record.value;
  const input = v.input === undefined || v.input === null ? undefined : v.input;
  if (input !== undefined && typeof input !== "string")
    throw fieldError(record, "input", `expected a string, got ${describeValue(input)}`);
  const out = systemOf(record);
  if (v.history !== undefined && v.history !== null) {
    if (!Array.isArray(v.history))
      throw fieldError(record, "history", "expected a list of [user, assistant] pairs");
    for (const [i, pair] of v.history.entries()) {
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((s) => typeof s === "string"))
        throw fieldError(record, `history[${i}]`, "expected a [user, assistant] pair of strings");
      out.push(
        { role: "user", content: pair[0] as string },
        { role: "assistant", content: pair[1] as string },
      );
    }
  }
  out.push({ role: "user", content: joinInput(v.instruction as string, input) });
  return out;
}

function systemOf(record: InputRecord): ChatMessage[] {
  const system = record.value.system;
  if (system === undefined || system === null || system === "") return [];
  if (typeof system !== "string")
    throw fieldError(record, "system", `expected a string, got ${describeValue(system)}`);
  return [{ role: "system", content: system }];
}

/** A prompt given as text (one user message) or as a message list. */
function promptMessages(record: InputRecord, field: string): ChatMessage[] {
  const value = getField(record.value, field);
  if (typeof value === "string") return [...systemOf(record), { role: "user", content: value }];
  if (Array.isArray(value)) return messageList(record, field);
  throw fieldError(record, field, `expected a string or a list of messages, got ${describeValue(value)}`);
}

/** The text of the first present field among `fields`, or a skip when none has any. */
function replyText(record: InputRecord, fields: string[]): string | Skip {
  for (const field of fields) {
    const value = record.value[field];
    if (value === undefined || value === null) continue;
    if (typeof value === "string") {
      if (value.trim() === "") return skip("missing-response", field, "the response is empty");
      return value;
    }
    // A structured reply without its chat: the JSON text is what the model said.
    if (isJsonObject(value) || Array.isArray(value)) return JSON.stringify(value);
    throw fieldError(record, field, `expected a string, got ${describeValue(value)}`);
  }
  return skip("missing-response", fields[0]!, `no ${fields.join(" or ")} to train on`);
}

/**
 * A reply given as text, as one message object ({role, content} or ShareGPT's {from, value}) or as a
 * message list. `wholeChat`: the list may also hold the prompt (TRL's implicit-prompt form).
 */
function replyMessages(record: InputRecord, field: string, wholeChat = false): ChatMessage[] | Skip {
  const value = getField(record.value, field);
  const missing = field === "completion" ? "missing-response" : "missing-chosen-or-rejected";
  if (value === undefined || value === null) return skip(missing, field, `no ${field}`);
  let out: ChatMessage[];
  if (typeof value === "string") out = [{ role: "assistant", content: value }];
  else if (isJsonObject(value)) out = [message(record, field, value)];
  else if (Array.isArray(value)) out = messageList(record, field);
  else throw fieldError(record, field, `expected a string or messages, got ${describeValue(value)}`);
  if (!wholeChat && out.some((m) => m.role !== "assistant"))
    throw fieldError(record, field, "expected assistant messages only");
  const last = out.at(-1);
  if (last?.role !== "assistant" || last.content.trim() === "")
    return skip(missing, field, `the ${field} reply is empty`);
  return out;
}

function messageList(record: InputRecord, field: string): ChatMessage[] {
  const value = getField(record.value, field);
  if (!Array.isArray(value))
    throw fieldError(record, field, `expected a list of messages, got ${describeValue(value)}`);
  return value.map((m, i) => message(record, `${field}[${i}]`, m));
}

/** One message, OpenAI style ({role, content}) or ShareGPT style ({from, value}). */
function message(record: InputRecord, field: string, m: unknown): ChatMessage {
  if (!isJsonObject(m)) throw fieldError(record, field, `expected a message object, got ${describeValue(m)}`);
  const sharegpt = m.role === undefined && m.from !== undefined;
  const roleField = sharegpt ? "from" : "role";
  const contentField = sharegpt ? "value" : "content";
  const rawRole = m[roleField];
  const role = typeof rawRole === "string" ? ROLES[rawRole] : undefined;
  if (!role)
    throw fieldError(
      record,
      `${field}.${roleField}`,
      `unsupported role ${JSON.stringify(rawRole)} (expected system, user/human or assistant/gpt)`,
    );
  const content = m[contentField];
  if (typeof content !== "string")
    throw fieldError(record, `${field}.${contentField}`, `expected a string, got ${describeValue(content)}`);
  return { role, content };
}

function implicitPrompt(
  chosen: ChatMessage[],
  rejected: ChatMessage[],
): { prompt: ChatMessage[]; chosen: ChatMessage[]; rejected: ChatMessage[] } | undefined {
  let n = 0;
  while (
    n < chosen.length - 1 &&
    n < rejected.length - 1 &&
    chosen[n]!.role === rejected[n]!.role &&
    chosen[n]!.content === rejected[n]!.content
  )
    n++;
  // The shared part ends at the last user message before the replies differ.
  while (n > 0 && chosen[n - 1]!.role !== "user") n--;
  if (n === 0) return undefined;
  return { prompt: chosen.slice(0, n), chosen: chosen.slice(n), rejected: rejected.slice(n) };
}

function originOf(v: Record<string, unknown>): RecordOrigin {
  const meta = isJsonObject(v.meta) ? v.meta : {};
  const origin: RecordOrigin = {};
  if (typeof v.id === "string" || typeof v.id === "number") origin.id = String(v.id);
  if (typeof meta.method === "string") origin.method = meta.method;
  const model = meta.model ?? v.model;
  if (typeof model === "string") origin.model = model;
  if (typeof meta.step === "string") origin.step = meta.step;
  return origin;
}

function skip(reason: SkipReason, field: string, detail: string): Skip {
  return { skip: reason, field, detail };
}

/** The text of the last user message of a prompt or chat (what "the instruction" is for statistics). */
export function lastUserText(messages: readonly ChatMessage[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]!.role === "user") return messages[i]!.content;
  return undefined;
}

/** Text of assistant messages joined (a reply is nearly always one message). */
export function replyContent(messages: readonly ChatMessage[]): string {
  return messages.map((m) => m.content).join("\n\n");
}
