/**
 * TRL's dataset types: preference `{prompt, chosen, rejected}` (the `dpo` format; DPOTrainer,
 * RewardTrainer, ORPO, CPO...) and prompt-completion `{prompt, completion}` for SFT (the `trl` format).
 * Standard rows hold strings; `--conversational` rows hold {role, content} lists, which keep system
 * prompts and earlier turns and let the trainer apply the model's chat template.
 */
import { type CanonicalPreference, type CanonicalSft, isSkip, type Skip } from "./canonical.js";
import { type Exporter, type FormatOptions, plainPrompt, type Row, singleReply } from "./exporter.js";

/** TRL preference row; also the shape of Parquet preference exports (conversational). */
export function trlPreference(c: CanonicalPreference, o: FormatOptions): Row | Skip {
  if (o.conversational) return { prompt: c.prompt, chosen: c.chosen, rejected: c.rejected };
  const prompt = plainPrompt(c.prompt);
  const chosen = singleReply(c.chosen, "chosen");
  const rejected = singleReply(c.rejected, "rejected");
  if (isSkip(prompt)) return prompt;
  if (isSkip(chosen)) return chosen;
  if (isSkip(rejected)) return rejected;
  return { prompt, chosen, rejected };
}

function trlCompletion(c: CanonicalSft, o: FormatOptions): Row | Skip {
  const prompt = c.messages.slice(0, -1);
  const completion = c.messages.slice(-1);
  if (o.conversational) return { prompt, completion };
  const text = plainPrompt(prompt);
  if (isSkip(text)) return text;
  return { prompt: text, completion: completion[0]!.content };
}

/** Standard string rows read as LLaMA-Factory alpaca columns; message lists have no LLaMA-Factory reader. */
const standardOnly = (o: FormatOptions) => !o.conversational;

export const dpoExporter: Exporter = {
  format: "dpo",
  preference: trlPreference,
  datasetInfo(_kind, fileName, _keys, o) {
    if (!standardOnly(o)) return undefined;
    return {
      file_name: fileName,
      formatting: "alpaca",
      ranking: true,
      columns: { prompt: "prompt", chosen: "chosen", rejected: "rejected" },
    };
  },
  readers: (_kind, o) => [
    `TRL DPOTrainer / RewardTrainer (${o.conversational ? "conversational" : "standard"} preference)`,
    ...(o.conversational ? [] : ["LLaMA-Factory (formatting: alpaca, ranking)"]),
  ],
};

export const trlExporter: Exporter = {
  format: "trl",
  sft: trlCompletion,
  preference: trlPreference,
  datasetInfo(kind, fileName, keys, o) {
    if (kind === "preference") return dpoExporter.datasetInfo(kind, fileName, keys, o);
    if (!standardOnly(o)) return undefined;
    return {
      file_name: fileName,
      formatting: "alpaca",
      columns: { prompt: "prompt", response: "completion" },
    };
  },
  readers(kind, o) {
    if (kind === "preference") return dpoExporter.readers(kind, o);
    const style = o.conversational ? "conversational" : "standard";
    return [
      `TRL SFTTrainer (${style} prompt-completion)`,
      ...(o.conversational ? [] : ["LLaMA-Factory (formatting: alpaca)"]),
    ];
  },
};
