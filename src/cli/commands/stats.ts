import { Command, Option } from "commander";
import { datasetStats } from "../../data/stats/dataset-stats.js";
import { formatStats } from "../../data/stats/format-stats.js";
import type { TokenizerMode } from "../../text/tokenize.js";
import { int, positiveInt } from "../options.js";

export function statsCommand(): Command {
  const cmd = new Command("stats")
    .description(
      "counts, fields, lengths, methods/models, drop reasons, score distributions and ROUGE-L diversity of a record file (no model calls)",
    )
    .argument("<file>", "records: JSONL, JSON array, CSV or Parquet")
    .option("--json", "print the figures as JSON (for scripts)")
    .option(
      "--field <name>",
      "field measured and sampled as the instruction (default: the chat's last user turn)",
    )
    .option(
      "--sample <n>",
      "instructions in the diversity sample (pairwise ROUGE-L: n²/2 comparisons)",
      positiveInt,
      200,
    )
    .option("--seed <n>", "seed of the diversity sample", int, 1)
    .addOption(
      new Option("--tokenizer <mode>", "tokens for ROUGE-L and distinct-n")
        .choices(["auto", "rouge", "cjk"])
        .default("auto"),
    );
  cmd.action(async (file: string, opts: Record<string, unknown>) => {
    const stats = await datasetStats(file, {
      field: opts.field === undefined ? undefined : String(opts.field),
      sample: opts.sample as number,
      seed: opts.seed as number,
      tokenizer: opts.tokenizer as TokenizerMode,
    });
    process.stdout.write(opts.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats));
  });
  return cmd;
}
