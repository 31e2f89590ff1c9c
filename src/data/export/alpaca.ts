/**
 * LLaMA-Factory's Alpaca format: `{instruction, input, output, system?, history?}`, where history holds
 * the earlier [user, assistant] turns of a multi-turn chat; preference rows carry `chosen` and
 * `rejected` strings instead of `output` and are registered with `"ranking": true`.
 */
import {
  type AlpacaSplit,
  type CanonicalPreference,
  type CanonicalSft,
  isSkip,
  type Skip,
} from "./canonical.js";
import {
  type Exporter,
  presentColumns,
  type Row,
  type Turns,
  turnPair,
  turnsOf,
  withOptional,
} from "./exporter.js";

export const alpacaExporter: Exporter = {
  format: "alpaca",
  sft(c: CanonicalSft): Row | Skip {
    const turns = turnsOf(c.messages, "assistant");
    if (isSkip(turns)) return turns;
    const [last] = turns.pairs.splice(-1, 1) as [[string, string]];
    return withOptional({ ...instructionOf(last[0], c.alpaca), output: last[1] }, common(turns));
  },
  preference(c: CanonicalPreference): Row | Skip {
    const pair = turnPair(c);
    if (isSkip(pair)) return pair;
    const { turns, chosen, rejected } = pair;
    return withOptional({ ...instructionOf(turns.final ?? "", c.alpaca), chosen, rejected }, common(turns));
  },
  datasetInfo(kind, fileName, keys) {
    const optional = presentColumns(keys, ["system", "history"]);
    if (kind === "sft")
      return {
        file_name: fileName,
        formatting: "alpaca",
        columns: { prompt: "instruction", query: "input", response: "output", ...optional },
      };
    return {
      file_name: fileName,
      formatting: "alpaca",
      ranking: true,
      columns: { prompt: "instruction", query: "input", chosen: "chosen", rejected: "rejected", ...optional },
    };
  },
  readers: () => ["LLaMA-Factory (formatting: alpaca)"],
};

/** Keeps a source's own instruction/input split; otherwise the whole user turn is the instruction. */
function instructionOf(
  userTurn: string,
  split: AlpacaSplit | undefined,
): { instruction: string; input: string } {
  return split
    ? { instruction: split.instruction, input: split.input }
    : { instruction: userTurn, input: "" };
}

function common(turns: Turns): Row {
  return { system: turns.system, history: turns.pairs };
}
