/**
 * OpenAI's fine-tuning formats: SFT `{messages}` (also what Axolotl's `type: chat_template`, TRL's
 * SFTTrainer and LLaMA-Factory with role/content tags read), and DPO `{input: {messages},
 * preferred_output: [assistant message], non_preferred_output: [...]}`.
 */
import type { CanonicalPreference, CanonicalSft } from "./canonical.js";
import type { Exporter, Row } from "./exporter.js";

/** LLaMA-Factory's tag mapping for OpenAI-style messages (its data/README.md, "OpenAI Format"). */
export const OPENAI_TAGS = {
  role_tag: "role",
  content_tag: "content",
  user_tag: "user",
  assistant_tag: "assistant",
  system_tag: "system",
};

export const openaiExporter: Exporter = {
  format: "openai",
  sft: (c: CanonicalSft): Row => ({ messages: c.messages }),
  preference: (c: CanonicalPreference): Row => ({
    input: { messages: c.prompt },
    preferred_output: c.chosen,
    non_preferred_output: c.rejected,
  }),
  datasetInfo(kind, fileName) {
    // LLaMA-Factory has no reader for OpenAI's DPO shape (input.messages + preferred_output).
    if (kind === "preference") return undefined;
    return {
      file_name: fileName,
      formatting: "sharegpt",
      columns: { messages: "messages" },
      tags: OPENAI_TAGS,
    };
  },
  readers(kind) {
    if (kind === "preference") return ["OpenAI fine-tuning (method: dpo)"];
    return [
      "OpenAI fine-tuning (supervised)",
      "TRL SFTTrainer (conversational language modeling)",
      "Axolotl (type: chat_template)",
      "LLaMA-Factory (formatting: sharegpt with OpenAI tags)",
    ];
  },
};
