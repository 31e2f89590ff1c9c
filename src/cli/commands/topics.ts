import { resolve } from "node:path";
import { Command, Option } from "commander";
import { readSeedTasks } from "../../methods/in-context/seed-tasks.js";
import { readTopics } from "../../methods/in-context/topic-taxonomy.js";
import { newTopicsStats, type TopicsResult, topicGuided } from "../../methods/in-context/topics.js";
import type { TokenizerMode } from "../../text/tokenize.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { addGenerationOptions, int, num, parseGenerationSettings, positiveInt } from "../options.js";
import { readBlacklist } from "./blacklist.js";

export function topicsCommand(): Command {
  const cmd = new Command("topics")
    .description(
      "topic-guided generation (LaMini-LM): K instructions about every topic of a list or taxonomy",
    )
    .requiredOption(
      "--topics <file>",
      "topics: text (one a line, # comments) or a YAML taxonomy (.yaml/.yml)",
    )
    .requiredOption("--per-topic <k>", "instructions kept per topic", positiveInt)
    .option("--examples <file>", "in-context examples: Self-Instruct JSONL, Alpaca JSON/JSONL, or .txt")
    .option("--examples-per-call <n>", "examples shown per call, sampled anew each call", int, 3)
    .option("--batch <n>", "instructions asked per call (default min(per-topic, 10))", positiveInt)
    .option(
      "--max-calls-per-topic <n>",
      "calls a topic may use before it is reported short (default 3 x ceil(K / batch))",
      positiveInt,
    )
    .option(
      "--threshold <f>",
      "drop an instruction whose ROUGE-L F against a kept one is above this",
      num,
      0.7,
    )
    .addOption(
      new Option("--tokenizer <mode>", "ROUGE-L and diversity tokens: rouge_score's, CJK-aware, or per text")
        .choices(["auto", "rouge", "cjk"])
        .default("auto"),
    )
    .option("--min-words <n>", "drop instructions with fewer words (CJK characters count one each)", int, 4)
    .option("--max-words <n>", "drop instructions with more words", int, 150)
    .option(
      "--blacklist <file>",
      "words that mark tasks a text model cannot do, one a line (default: the papers')",
    );
  addGenerationOptions(cmd);
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Writes <out>/instructions.jsonl (id, instruction, topic, topic_path, meta), <out>/dropped.jsonl (each
drop with its reason), <out>/topics.json (per topic: kept, drops by reason, pairwise ROUGE-L, distinct-1/2)
and <out>/summary.json. No responses are made: run \`selfalign respond --in <out>/instructions.jsonl\`.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runTopics(opts);
  });
  return cmd;
}

export async function runTopics(opts: Record<string, unknown>): Promise<number> {
  const topicsPath = resolve(String(opts.topics));
  // Read before the model loads: a bad topic or example file should cost nothing.
  const topics = await readTopics(topicsPath);
  const examplesPath = opts.examples ? resolve(String(opts.examples)) : undefined;
  const examples = examplesPath ? (await readSeedTasks(examplesPath)).tasks : undefined;
  const blacklist = opts.blacklist ? readBlacklist(String(opts.blacklist)) : undefined;
  const examplesPerCall = opts.examplesPerCall as number;
  if (examplesPerCall < 0) throw new Error("--examples-per-call must be 0 or more");
  const perTopic = opts.perTopic as number;
  const generation = parseGenerationSettings(opts);
  const config = {
    topics: topicsPath,
    perTopic,
    examples: examplesPath,
    examplesPerCall,
    batch: opts.batch,
    maxCallsPerTopic: opts.maxCallsPerTopic,
    threshold: opts.threshold,
    tokenizer: opts.tokenizer,
    generation,
  };
  return runMethodCommand("topics", opts, config, async ({ engine, model, outDir, progress }) => {
    const stats = newTopicsStats(topics.length);
    progress("topics", () => ({ done: stats.finished, total: topics.length, failed: 0 }));
    const result = await topicGuided({
      engine,
      model,
      topics,
      perTopic,
      outDir,
      examples,
      examplesPerCall,
      batch: opts.batch as number | undefined,
      maxCallsPerTopic: opts.maxCallsPerTopic as number | undefined,
      threshold: opts.threshold as number,
      tokenizer: opts.tokenizer as TokenizerMode,
      filter: { minWords: opts.minWords as number, maxWords: opts.maxWords as number, blacklist },
      generation,
      stats,
    });
    return methodOutcome(result.stop, summarize(result, outDir), headline(result, outDir));
  });
}

function summarize(r: TopicsResult, outDir: string): Record<string, unknown> {
  return {
    topics: r.topics,
    complete: r.complete,
    short: r.short.map((t) => ({ path: t.path, kept: t.kept, calls: t.calls })),
    kept: r.kept,
    written: r.written,
    alreadyWritten: r.alreadyThere,
    dropped: r.dropped,
    distinct1: r.distinct1,
    distinct2: r.distinct2,
    files: {
      instructions: `${outDir}/instructions.jsonl`,
      dropped: `${outDir}/dropped.jsonl`,
      topics: `${outDir}/topics.json`,
    },
  };
}

function headline(r: TopicsResult, outDir: string): string {
  let line = `${r.complete} of ${r.topics} topics complete, ${r.kept} instructions kept, ${r.written} written to ${outDir}/instructions.jsonl`;
  if (r.alreadyThere) line += `, ${r.alreadyThere} already there`;
  const dropped = Object.values(r.dropped).reduce((a, b) => a + b, 0);
  if (dropped) line += `, ${dropped} dropped`;
  if (r.short.length) {
    const names = r.short.slice(0, 3).map((t) => `"${t.path}" (${t.kept} kept)`);
    const more = r.short.length > 3 ? ` and ${r.short.length - 3} more` : "";
    const n = r.short.length;
    line += `; ${n} topic${n === 1 ? "" : "s"} ended short at ${n === 1 ? "its" : "their"} call cap: `;
    line += `${names.join(", ")}${more} (see topics.json)`;
  }
  return line;
}
