import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import {
  type PairSelection,
  type PreferencesStats,
  preferences,
} from "../../methods/responses/preferences.js";
import { num } from "../options.js";
import { addResponseFieldOptions, parseResponseFields } from "./judge.js";

function nonNegative(value: string): number {
  const n = num(value);
  if (n < 0) throw new InvalidArgumentError(`expected a number >= 0, got "${value}"`);
  return n;
}

export function preferencesCommand(): Command {
  const cmd = new Command("preferences")
    .description(
      "turn judged responses into (prompt, chosen, rejected) preference pairs: best against worst, or every pair, above a score margin (no model calls)",
    )
    .requiredOption("--in <file>", "judged records (judge's judged.jsonl: records with a score)")
    .requiredOption(
      "--out <path>",
      "a .jsonl file, or a directory for preferences.jsonl and summary.json (replaced)",
    )
    .option(
      "--margin <m>",
      "least score difference of a pair (default 1 for pointwise scores, 0.5 for pairwise win rates)",
      nonNegative,
    )
    .addOption(
      new Option("--pairs <mode>", "highest against lowest score per instruction, or every pair")
        .choices(["best-worst", "all"])
        .default("best-worst"),
    );
  addResponseFieldOptions(cmd);
  cmd.action(async (opts: Record<string, unknown>) => {
    const outPath = resolve(String(opts.out));
    const toFile = /\.(jsonl|ndjson)$/iu.test(outPath) && !isDirectory(outPath);
    if (!toFile) mkdirSync(outPath, { recursive: true });
    const outputPath = toFile ? outPath : join(outPath, "preferences.jsonl");
    const stats = await preferences({
      inputPath: resolve(String(opts.in)),
      outputPath,
      margin: opts.margin as number | undefined,
      pairs: opts.pairs as PairSelection,
      fields: parseResponseFields(opts),
    });
    if (!toFile) {
      const settings = { selection: opts.pairs, margin: opts.margin ?? "default" };
      const summary = {
        command: "preferences",
        in: resolve(String(opts.in)),
        out: outputPath,
        ...settings,
        ...stats,
      };
      writeFileSync(join(outPath, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
    }
    process.stderr.write(`${headline(stats, outputPath)}\n`);
  });
  return cmd;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function headline(s: PreferencesStats, out: string): string {
  let line = `preferences: ${s.pairs} pairs from ${s.withPairs} of ${s.groups} instructions (${s.read} records) written to ${out}`;
  const skipped: string[] = [];
  if (s.singleResponse) skipped.push(`${s.singleResponse} with a single scored response`);
  if (s.noPairAboveMargin) skipped.push(`${s.noPairAboveMargin} with no pair at the margin`);
  if (skipped.length) line += `; no pair from ${skipped.join(", ")}`;
  if (s.unscored) line += `; ${s.unscored} records without a score`;
  return line;
}
