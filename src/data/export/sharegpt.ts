/**
 * LLaMA-Factory's ShareGPT format: `{conversations: [{from: human|gpt, value}], system?}` with human
 * turns at odd and gpt turns at even positions; preference rows end the conversation with the human
 * turn and add `chosen` / `rejected` as single {from: gpt, value} messages.
 */
import { type CanonicalPreference, type CanonicalSft, isSkip, type Skip } from "./canonical.js";
import {
  type Exporter,
  presentColumns,
  type Row,
  type Turns,
  turnPair,
  turnsOf,
  withOptional,
} from "./exporter.js";

const SHAREGPT_TAGS = {
  role_tag: "from",
  content_tag: "value",
  user_tag: "human",
  assistant_tag: "gpt",
  system_tag: "system",
};

export const sharegptExporter: Exporter = {
  format: "sharegpt",
  sft(c: CanonicalSft): Row | Skip {
    const turns = turnsOf(c.messages, "assistant");
    if (isSkip(turns)) return turns;
    return withOptional({ conversations: conversation(turns) }, { system: turns.system });
  },
  preference(c: CanonicalPreference): Row | Skip {
    const pair = turnPair(c);
    if (isSkip(pair)) return pair;
    const { turns, chosen, rejected } = pair;
    return withOptional(
      {
        conversations: conversation(turns),
        chosen: { from: "gpt", value: chosen },
        rejected: { from: "gpt", value: rejected },
      },
      { system: turns.system },
    );
  },
  datasetInfo(kind, fileName, keys) {
    const columns: Record<string, string> = {
      messages: "conversations",
      ...presentColumns(keys, ["system"]),
    };
    if (kind === "sft") return { file_name: fileName, formatting: "sharegpt", columns, tags: SHAREGPT_TAGS };
    return {
      file_name: fileName,
      formatting: "sharegpt",
      ranking: true,
      columns: { ...columns, chosen: "chosen", rejected: "rejected" },
      tags: SHAREGPT_TAGS,
    };
  },
  readers: () => ["LLaMA-Factory (formatting: sharegpt)"],
};

function conversation(turns: Turns): { from: string; value: string }[] {
  const out: { from: string; value: string }[] = [];
  for (const [user, assistant] of turns.pairs)
    out.push({ from: "human", value: user }, { from: "gpt", value: assistant });
  if (turns.final !== undefined) out.push({ from: "human", value: turns.final });
  return out;
}
