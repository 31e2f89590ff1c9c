/**
 * Parquet in the column layout TRL and Hugging Face datasets read natively:
 *  - SFT: one `messages` column, list<struct<role: string, content: string>>, the conversational
 *    language-modeling type. One column keeps system prompts and multi-turn chats intact; TRL's
 *    SFTTrainer applies the chat template to it, `datasets` shows it as a list of {role, content}
 *    (the features of the Hub's chat datasets), Axolotl's chat_template reads it and LLaMA-Factory reads
 *    it with OpenAI tags. prompt/completion would split the chat in two for no reader's benefit.
 *  - Preference: `prompt`, `chosen`, `rejected`, each list<struct<role, content>>: TRL's conversational
 *    preference type (as in trl-lib's preference sets), which also keeps system prompts and turns.
 * Rows are written in row groups of ROW_GROUP rows, so memory stays bounded for any file size.
 */
import { renameSync, rmSync } from "node:fs";
import type { SchemaElement } from "hyparquet";
import { fileWriter, ParquetWriter } from "hyparquet-writer";
import type { RecordKind } from "./canonical.js";
import type { Exporter, Row } from "./exporter.js";
import { openaiExporter } from "./openai.js";
import { type RowSink, temporaryPath } from "./sinks.js";
import { trlPreference } from "./trl.js";

const ROW_GROUP = 10_000;

export const parquetExporter: Exporter = {
  format: "parquet",
  // SFT rows are OpenAI's {messages}, so LLaMA-Factory reads them with the same entry.
  sft: openaiExporter.sft!,
  preference: (c, o) => trlPreference(c, { ...o, conversational: true }),
  datasetInfo: (kind, fileName, keys, o) =>
    kind === "sft" ? openaiExporter.datasetInfo(kind, fileName, keys, o) : undefined,
  readers(kind) {
    if (kind === "preference")
      return ["TRL DPOTrainer / RewardTrainer (conversational preference)", "Hugging Face datasets"];
    return [
      "TRL SFTTrainer (conversational language modeling)",
      "Axolotl (type: chat_template)",
      "LLaMA-Factory (formatting: sharegpt with OpenAI tags)",
      "Hugging Face datasets",
    ];
  },
};

/** The columns of a Parquet export of `kind`. */
export function parquetColumns(kind: RecordKind): string[] {
  return kind === "sft" ? ["messages"] : ["prompt", "chosen", "rejected"];
}

/** list<struct<role, content>> as pyarrow writes it (3-level LIST, optional struct element). */
function messageListSchema(name: string): SchemaElement[] {
  return [
    { name, repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
    { name: "list", repetition_type: "REPEATED", num_children: 1 },
    { name: "element", repetition_type: "OPTIONAL", num_children: 2 },
    { name: "role", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
    { name: "content", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  ];
}

export function parquetSchema(kind: RecordKind): SchemaElement[] {
  const columns = parquetColumns(kind);
  return [{ name: "root", num_children: columns.length }, ...columns.flatMap(messageListSchema)];
}

export class ParquetSink implements RowSink {
  private readonly tmp: string;
  private readonly writer: ParquetWriter;
  private readonly columns: string[];
  private pending: Row[] = [];
  private closed = false;

  constructor(
    private readonly path: string,
    kind: RecordKind,
  ) {
    this.tmp = temporaryPath(path);
    this.columns = parquetColumns(kind);
    this.writer = new ParquetWriter({
      writer: fileWriter(this.tmp),
      schema: parquetSchema(kind),
      createdBy: "selfalign export",
    });
  }

  async write(row: Row): Promise<void> {
    this.pending.push(row);
    if (this.pending.length >= ROW_GROUP) await this.flushGroup();
  }

  async finish(): Promise<void> {
    await this.flushGroup();
    await this.writer.finish();
    this.closed = true;
    renameSync(this.tmp, this.path);
  }

  abort(): void {
    this.closed = true;
    rmSync(this.tmp, { force: true });
  }

  private async flushGroup(): Promise<void> {
    if (this.closed || this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    const columnData = this.columns.map((name) => ({ name, data: rows.map((r) => r[name]) }));
    await this.writer.write({ columnData, rowGroupSize: rows.length });
  }
}
