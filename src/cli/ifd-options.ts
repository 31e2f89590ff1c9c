/**
 * Options shared by the commands that score with IFD and r-IFD (ifd, reflect): how the scoring model
 * sees the pair (chat template, system message) and which fields hold it.
 */
import { type Command, InvalidArgumentError } from "commander";
import { CHAT_TEMPLATE_NAMES, isChatTemplateName } from "../llm/chat-templates.js";
import type { ScoringTemplate } from "../methods/feedback/ifd.js";
import { DEFAULT_PAIR_FIELDS, type PairFields } from "../methods/feedback/sft-pair.js";

function template(value: string): ScoringTemplate {
  if (value === "model" || isChatTemplateName(value)) return value;
  throw new InvalidArgumentError(`expected "model" or one of ${CHAT_TEMPLATE_NAMES.join(", ")}`);
}

export function addScoringOptions(cmd: Command, what: string): Command {
  return cmd
    .option(
      "--template <name>",
      `chat template ${what} scores with: "model" (the GGUF's own, local models only) or ${CHAT_TEMPLATE_NAMES.join("|")}`,
      template,
      "model" as ScoringTemplate,
    )
    .option("--score-system <text>", "system message before the instruction when scoring")
    .option("--instruction-field <name>", "field holding the instruction", DEFAULT_PAIR_FIELDS.instruction)
    .option("--input-field <name>", "optional field appended to the instruction", DEFAULT_PAIR_FIELDS.input)
    .option(
      "--output-field <name>",
      "field holding the answer (falls back to response)",
      DEFAULT_PAIR_FIELDS.output,
    );
}

export interface ScoringOptions {
  template: ScoringTemplate;
  system: string | undefined;
  fields: PairFields;
}

export function parseScoringOptions(opts: Record<string, unknown>): ScoringOptions {
  return {
    template: opts.template as ScoringTemplate,
    system: opts.scoreSystem as string | undefined,
    fields: {
      instruction: String(opts.instructionField),
      input: String(opts.inputField),
      output: String(opts.outputField),
    },
  };
}
