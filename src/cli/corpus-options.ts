/** The corpus options shared by the backtranslation commands (backtranslate, longform, wrap, udit). */
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CorpusOptions } from "../data/corpus/passage.js";
import { positiveInt } from "./options.js";

function languages(value: string): string[] {
  const list = value
    .split(",")
    .map((code) => code.trim().toLowerCase())
    .filter((code) => code !== "");
  for (const code of list) {
    if (!/^[a-z]{2}$/.test(code))
      throw new InvalidArgumentError(`expected ISO 639-1 codes like en,zh, got "${code}"`);
  }
  return list;
}

/** Adds --corpus and the ingestion options; `unit` sets the documented defaults of the command. */
export function addCorpusOptions(cmd: Command, unit: "passage" | "document"): Command {
  const [min, max] = unit === "passage" ? [30, 600] : [100, 2000];
  return cmd
    .requiredOption("--corpus <path>", "a directory or file of .txt, .md, .html or JSONL (see --text-field)")
    .option("--text-field <name>", "JSONL/JSON/CSV/Parquet inputs: the field holding the text", "text")
    .option(
      "--min-tokens <n>",
      `drop ${unit}s shorter than this (words; CJK characters count one each)`,
      positiveInt,
      min,
    )
    .option(
      "--max-tokens-per-passage <n>",
      `split ${unit}s longer than this at paragraph or sentence ends`,
      positiveInt,
      max,
    )
    .option(
      "--languages <codes>",
      "keep only these languages (ISO 639-1, comma-separated), e.g. en,zh",
      languages,
    )
    .addOption(
      new Option(
        "--corpus-dedup <mode>",
        "drop duplicate passages across the corpus: MinHash near-duplicates, exact, or none",
      )
        .choices(["near", "exact", "none"])
        .default("near"),
    );
}

export function parseCorpusOptions(
  opts: Record<string, unknown>,
  unit: "passage" | "document",
): CorpusOptions {
  return {
    unit,
    field: opts.textField as string,
    minTokens: opts.minTokens as number,
    maxTokens: opts.maxTokensPerPassage as number,
    languages: opts.languages as string[] | undefined,
    dedup: opts.corpusDedup as CorpusOptions["dedup"],
  };
}
