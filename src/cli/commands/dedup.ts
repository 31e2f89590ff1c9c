import { resolve } from "node:path";
import { Command, Option } from "commander";
import { type DedupMethod, type DedupStats, dedup } from "../../methods/filters/dedup.js";
import type { TokenizerMode } from "../../text/tokenize.js";
import { int, num } from "../options.js";

export function dedupCommand(): Command {
  const cmd = new Command("dedup")
    .description(
      "drop near-duplicates (ROUGE-L as in Self-Instruct, MinHash-LSH, or exact) and, optionally, heuristic rejects",
    )
    .requiredOption("--in <file>", "records: JSONL, JSON array, CSV or Parquet")
    .requiredOption("--out <file>", "kept records (JSONL, replaced)")
    .requiredOption(
      "--dropped <file>",
      "dropped records with dedup.reason, dedup.nearest_id and dedup.score (JSONL)",
    )
    .option("--field <name>", "field holding the text to compare (dotted paths allowed)", "instruction")
    .addOption(
      new Option("--method <method>", "how duplicates are found")
        .choices(["rougeL", "minhash", "exact"])
        .default("rougeL"),
    )
    .option(
      "--threshold <x>",
      "rougeL: drop when F is greater than this; minhash: Jaccard that confirms a match",
      num,
      0.7,
    )
    .addOption(
      new Option(
        "--tokenizer <mode>",
        "rougeL tokens: rouge_score's, CJK-aware, or CJK-aware when the text has CJK",
      )
        .choices(["auto", "rouge", "cjk"])
        .default("auto"),
    )
    .option("--against <file>", "a pool (e.g. the seeds) every record is also compared with; not written out")
    .option(
      "--heuristics",
      "first drop records the papers' filters reject (blacklist, under 4 or over 150 words, bad first character)",
    )
    .option("--num-perm <n>", "minhash: permutations", int, 128)
    .option("--bands <n>", "minhash: LSH bands (bands x rows = permutations)", int, 32)
    .option("--ngram <n>", "minhash: words (CJK: characters) per shingle", int, 3)
    .option("--seed <n>", "minhash: seed of the hash functions", int, 1);
  cmd.action(async (opts: Record<string, unknown>) => {
    const numPerm = opts.numPerm as number;
    const bands = opts.bands as number;
    if (numPerm % bands !== 0)
      throw new Error(`--num-perm ${numPerm} must be a multiple of --bands ${bands}`);
    const stats = await dedup({
      inputPath: resolve(String(opts.in)),
      keptPath: resolve(String(opts.out)),
      droppedPath: resolve(String(opts.dropped)),
      field: opts.field as string,
      method: opts.method as DedupMethod,
      threshold: opts.threshold as number,
      tokenizer: opts.tokenizer as TokenizerMode,
      againstPath: opts.against ? resolve(String(opts.against)) : undefined,
      heuristics: opts.heuristics === true,
      minhash: {
        numPerm,
        bands,
        rows: numPerm / bands,
        ngram: opts.ngram as number,
        seed: opts.seed as number,
      },
    });
    process.stderr.write(`${summaryLine(opts.method as string, stats)}\n`);
  });
  return cmd;
}

/** One line for people and log scrapers: read, kept, dropped by reason, time. */
export function summaryLine(method: string, s: DedupStats): string {
  const reasons = Object.entries(s.reasons)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  const tokenizers = Object.entries(s.tokenizers)
    .map(([t, n]) => `${t} ${n}`)
    .join(", ");
  const pool = s.pool ? `, pool ${s.pool}` : "";
  const tok = tokenizers ? `; tokenizer: ${tokenizers}` : "";
  return `dedup (${method}): read ${s.read}${pool}, kept ${s.kept}, dropped ${s.dropped}${reasons ? ` (${reasons})` : ""}${tok}; ${s.seconds.toFixed(2)} s`;
}
