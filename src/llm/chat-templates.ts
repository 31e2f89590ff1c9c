/**
 * Chat templates rendered as raw text, for scoring texts through an OpenAI-compatible server's
 * /completions endpoint (which applies no template) the way the model saw them in training.
 *
 * Each renders a chat up to where the assistant's reply begins. No BOS: servers add it to raw prompts
 * themselves (vLLM, llama-server), and so does the local provider. Special-token text ("<|im_start|>")
 * is parsed as special tokens by those servers. These are the common families' published formats; a
 * model whose template differs should be scored locally, where the GGUF's own template applies.
 */
import type { ChatMessage } from "./language-model.js";

export const CHAT_TEMPLATE_NAMES = [
  "chatml",
  "llama3",
  "llama2",
  "mistral",
  "gemma",
  "phi3",
  "alpaca",
  "raw",
] as const;
export type ChatTemplateName = (typeof CHAT_TEMPLATE_NAMES)[number];

export function isChatTemplateName(name: string): name is ChatTemplateName {
  return (CHAT_TEMPLATE_NAMES as readonly string[]).includes(name);
}

type Renderer = (messages: readonly ChatMessage[]) => string;

const RENDERERS: Record<ChatTemplateName, Renderer> = {
  chatml: (messages) =>
    `${messages.map((m) => `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`).join("")}<|im_start|>assistant\n`,
  llama3: (messages) =>
    `${messages
      .map((m) => `<|start_header_id|>${m.role}<|end_header_id|>\n\n${m.content}<|eot_id|>`)
      .join("")}<|start_header_id|>assistant<|end_header_id|>\n\n`,
  llama2: (messages) => instTurns(messages, (system) => `<<SYS>>\n${system}\n<</SYS>>\n\n`),
  // Mistral's instruct format has no system slot: the system text leads the first user turn.
  mistral: (messages) => instTurns(messages, (system) => `${system}\n\n`),
  gemma: (messages) =>
    `${foldSystem(messages)
      .map((m) => `<start_of_turn>${m.role === "assistant" ? "model" : "user"}\n${m.content}<end_of_turn>\n`)
      .join("")}<start_of_turn>model\n`,
  phi3: (messages) =>
    `${messages.map((m) => `<|${m.role}|>\n${m.content}<|end|>\n`).join("")}<|assistant|>\n`,
  // The Stanford Alpaca layout (section markers only; a preamble can come in as the system message).
  alpaca: (messages) =>
    `${messages
      .map((m) => {
        if (m.role === "system") return `${m.content}\n\n`;
        return m.role === "user" ? `### Instruction:\n${m.content}\n\n` : `### Response:\n${m.content}\n\n`;
      })
      .join("")}### Response:\n`,
  raw: (messages) => `${messages.map((m) => m.content).join("\n\n")}\n\n`,
};

/** The chat as the named template lays it out, ending where the assistant's reply begins. */
export function renderChat(name: ChatTemplateName, messages: readonly ChatMessage[]): string {
  return RENDERERS[name](messages);
}

/** Folds a leading system message into the first user message (formats without a system role). */
function foldSystem(messages: readonly ChatMessage[]): ChatMessage[] {
  const [first, ...rest] = messages;
  if (first?.role !== "system") return [...messages];
  const [user, ...others] = rest;
  if (user?.role !== "user") return rest;
  return [{ role: "user", content: `${first.content}\n\n${user.content}` }, ...others];
}

/** `[INST] user [/INST] assistant</s>` turns (LLaMA 2 and Mistral), the system text in the first one. */
function instTurns(messages: readonly ChatMessage[], systemBlock: (system: string) => string): string {
  const system = messages[0]?.role === "system" ? messages[0].content : undefined;
  let out = "";
  let first = true;
  for (const m of messages) {
    if (m.role === "system") continue;
    if (m.role === "user") {
      const lead = first && system !== undefined ? systemBlock(system) : "";
      out += `${first ? "" : "<s>"}[INST] ${lead}${m.content} [/INST]`;
      first = false;
    } else out += ` ${m.content}</s>`;
  }
  return out;
}
