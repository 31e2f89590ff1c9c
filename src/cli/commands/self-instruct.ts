import { resolve } from "node:path";
import { Command, Option } from "commander";
import { newBootstrapStats } from "../../methods/in-context/bootstrap.js";
import { readSeedTasks } from "../../methods/in-context/seed-tasks.js";
import { type SelfInstructResult, selfInstruct } from "../../methods/in-context/self-instruct-job.js";
import type { TokenizerMode } from "../../text/tokenize.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { int, num, positiveInt } from "../options.js";
import { readBlacklist } from "./blacklist.js";

export function selfInstructCommand(): Command {
  const cmd = new Command("self-instruct")
    .description(
      "grow a set of instructions (with instances) from a few seed tasks, as in Self-Instruct or Alpaca",
    )
    .requiredOption(
      "--seeds <file>",
      "seed tasks: Self-Instruct JSONL, Alpaca JSON/JSONL, or .txt (one a line)",
    )
    .requiredOption("--count <n>", "tasks wanted in instructions.jsonl", positiveInt)
    .addOption(
      new Option(
        "--style <style>",
        "self-instruct: list continuation + instances; alpaca: 20 full triples a call",
      )
        .choices(["self-instruct", "alpaca"])
        .default("self-instruct"),
    )
    .option("--batch-size <n>", "prompts per round (the pool grows between rounds)", positiveInt, 5)
    .option("--in-context <n>", "tasks shown per prompt (default 8; alpaca 3)", positiveInt)
    .option(
      "--machine-in-context <n>",
      "of which machine-made, once the pool has them (default 2; alpaca 0)",
      int,
    )
    .option("--per-request <n>", "alpaca: new tasks asked per request", positiveInt, 20)
    .option("--threshold <f>", "drop a task whose ROUGE-L F against any pool task is above this", num, 0.7)
    .addOption(
      new Option("--tokenizer <mode>", "ROUGE-L tokenizer: rouge_score's, CJK-aware, or per text")
        .choices(["auto", "rouge", "cjk"])
        .default("auto"),
    )
    .option("--min-words <n>", "drop tasks with fewer words (CJK characters count one each)", int, 4)
    .option("--max-words <n>", "drop tasks with more words", int, 150)
    .option(
      "--blacklist <file>",
      "words that mark tasks a text model cannot do, one a line (default: the papers')",
    )
    .option("--max-rounds <n>", "give up after this many rounds if still short", positiveInt)
    .option("--temperature <t>", "sampling temperature for new tasks (default 0.7; alpaca 1.0)", num)
    .option("--top-p <p>", "nucleus sampling for new tasks (default 0.5; alpaca 1.0)", num)
    .option(
      "--max-output-tokens <n>",
      "token limit of a generation reply (default 1024; alpaca 3072)",
      positiveInt,
    )
    .addOption(
      new Option(
        "--reply-format <format>",
        "self-instruct: numbered text as in the paper, or JSON under a schema",
      )
        .choices(["list", "json"])
        .default("list"),
    )
    .option("--max-instances <n>", "examples asked per task", positiveInt, 5)
    .option("--instance-max-tokens <n>", "token limit of an instance reply", positiveInt, 400)
    .option("--max-instance-chars <n>", "drop instances whose input or output is longer", positiveInt, 1000);
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Writes <out>/instructions.jsonl (kept tasks: Self-Instruct's seed format with instances, or Alpaca
triples), <out>/dropped.jsonl (each drop with its reason) and <out>/summary.json. With
--endpoint completions the prompts are raw lists for a base model to continue, as in the paper.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runSelfInstruct(opts);
  });
  return cmd;
}

export async function runSelfInstruct(opts: Record<string, unknown>): Promise<number> {
  const seedsPath = resolve(String(opts.seeds));
  // Read before the model loads: a bad seed file should cost nothing.
  const seeds = await readSeedTasks(seedsPath);
  const blacklist = opts.blacklist ? readBlacklist(String(opts.blacklist)) : undefined;
  const style = opts.style as "self-instruct" | "alpaca";
  const count = opts.count as number;
  const config = { seeds: seedsPath, count, style, batchSize: opts.batchSize, threshold: opts.threshold };
  return runMethodCommand(
    "self-instruct",
    opts,
    config,
    async ({ engine, model, modelConfig, outDir, progress }) => {
      const stats = newBootstrapStats();
      progress("self-instruct", () => ({ done: stats.emitted, total: count, failed: 0 }));
      const completion = modelConfig.endpoint === "completions";
      const generation = {
        temperature: opts.temperature as number | undefined,
        topP: opts.topP as number | undefined,
        maxTokens: opts.maxOutputTokens as number | undefined,
      };
      const result = await selfInstruct({
        engine,
        model,
        seeds: seeds.tasks,
        count,
        outDir,
        style,
        batchSize: opts.batchSize as number,
        maxRounds: opts.maxRounds as number | undefined,
        threshold: opts.threshold as number,
        tokenizer: opts.tokenizer as TokenizerMode,
        filters: { minWords: opts.minWords as number, maxWords: opts.maxWords as number, blacklist },
        selfInstruct: {
          completion,
          generation,
          inContext: opts.inContext as number | undefined,
          machineInContext: opts.machineInContext as number | undefined,
          replyFormat: opts.replyFormat as "list" | "json",
          maxInstances: opts.maxInstances as number,
          maxInstanceChars: opts.maxInstanceChars as number,
          instanceGeneration: { temperature: 0, maxTokens: opts.instanceMaxTokens as number },
        },
        alpaca: {
          completion,
          generation,
          inContext: opts.inContext as number | undefined,
          perRequest: opts.perRequest as number,
        },
        stats,
      });
      return methodOutcome(result.stoppedBy, summarize(result, seeds.format), headline(result, count));
    },
  );
}

function summarize(r: SelfInstructResult, seedFormat: string): Record<string, unknown> {
  return {
    seedFormat,
    rounds: r.rounds,
    requests: r.requests,
    generated: r.generated,
    pooled: r.pooled,
    kept: r.emitted,
    alreadyWritten: r.alreadyWritten,
    unfinished: r.unfinished,
    dropped: r.dropped,
    exhausted: r.exhausted ?? false,
    files: { instructions: r.instructionsPath, dropped: r.droppedPath },
  };
}

function headline(r: SelfInstructResult, count: number): string {
  const dropped = Object.entries(r.dropped)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  let line = `${r.emitted} of ${count} tasks in ${r.instructionsPath} after ${r.rounds} rounds (${r.requests} generation requests, ${r.generated} candidates)`;
  if (dropped) line += `; dropped: ${dropped}`;
  if (r.exhausted) line += `; gave up after --max-rounds ${r.rounds} short of ${count}`;
  return line;
}
