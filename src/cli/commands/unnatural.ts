import { resolve } from "node:path";
import { Command } from "commander";
import { readSeedTasks } from "../../methods/in-context/seed-tasks.js";
import {
  newUnnaturalStats,
  UNNATURAL_DEFAULTS,
  type UnnaturalStats,
  unnatural,
} from "../../methods/in-context/unnatural.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { int, num, positiveInt } from "../options.js";

const D = UNNATURAL_DEFAULTS;

export function unnaturalCommand(): Command {
  const cmd = new Command("unnatural")
    .description(
      "Unnatural Instructions: sample new (instruction, input, constraints) examples from 3 seed examples, answer them separately, and reword each instruction",
    )
    .requiredOption(
      "--seeds <file>",
      "seed examples: Self-Instruct JSONL, Alpaca JSON/JSONL (optional constraints field), or .txt",
    )
    .requiredOption("--count <n>", "core examples wanted", positiveInt)
    .option("--reformulations <k>", "rewordings asked per core example (0: none)", int, D.reformulations)
    .option("--in-context <n>", "seed examples shown per generation prompt", positiveInt, D.inContext)
    .option(
      "--max-draws <n>",
      "give up after this many generation calls if still short (default 4 x count)",
      positiveInt,
    )
    .option(
      "--temperature <t>",
      "sampling temperature of generation and rewording calls",
      num,
      D.generation.temperature,
    )
    .option("--top-p <p>", "nucleus sampling of generation and rewording calls", num, D.generation.topP)
    .option("--output-temperature <t>", "sampling temperature of the output calls", num, D.output.temperature)
    .option("--max-output-tokens <n>", "token limit of every reply", positiveInt, D.generation.maxTokens)
    .option(
      "--heuristics",
      "also drop instructions Self-Instruct's filters reject (blacklist, under 4 or over 150 words, bad first character)",
    );
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Writes <out>/instructions.jsonl (core examples, then their rewordings; every record has instruction,
input, constraints when any, output and meta), <out>/dropped.jsonl (each drop with its reason) and
<out>/summary.json.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runUnnatural(opts);
  });
  return cmd;
}

export async function runUnnatural(opts: Record<string, unknown>): Promise<number> {
  const seedsPath = resolve(String(opts.seeds));
  // Read before the model loads: a bad seed file should cost nothing.
  const seeds = await readSeedTasks(seedsPath);
  const count = opts.count as number;
  const reformulations = opts.reformulations as number;
  if (reformulations < 0) throw new Error(`--reformulations must be 0 or more, got ${reformulations}`);
  const maxTokens = opts.maxOutputTokens as number;
  const generation = { temperature: opts.temperature as number, topP: opts.topP as number, maxTokens };
  const output = { temperature: opts.outputTemperature as number, maxTokens };
  const maxDraws = opts.maxDraws as number | undefined;
  const heuristics = opts.heuristics === true ? {} : undefined;
  const config = {
    seeds: seedsPath,
    count,
    reformulations,
    inContext: opts.inContext,
    maxDraws,
    generation,
    output,
    heuristics: heuristics !== undefined,
  };
  return runMethodCommand("unnatural", opts, config, async ({ engine, model, outDir, progress }) => {
    const stats = newUnnaturalStats();
    progress("unnatural", () => ({ done: stats.core, total: count, failed: 0 }));
    await unnatural({
      engine,
      model,
      seeds: seeds.tasks,
      count,
      outDir,
      reformulations,
      inContext: opts.inContext as number,
      maxDraws,
      generation,
      output,
      heuristics,
      stats,
    });
    const { stoppedBy, ...figures } = stats;
    const result = {
      seedFormat: seeds.format,
      seeds: seeds.tasks.length,
      ...figures,
      files: {
        instructions: resolve(outDir, "instructions.jsonl"),
        dropped: resolve(outDir, "dropped.jsonl"),
      },
    };
    return methodOutcome(stoppedBy, result, headline(stats, count));
  });
}

function headline(s: UnnaturalStats, count: number): string {
  const dropped = Object.entries(s.dropped)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  let line = `${s.core} of ${count} core examples and ${s.reformulations} reformulations (${s.requests.generate} generation, ${s.requests.output} output, ${s.requests.reformulate} rewording requests)`;
  if (dropped) line += `; dropped: ${dropped}`;
  if (s.alreadyWritten) line += `; ${s.alreadyWritten} records already written`;
  if (s.exhausted) line += `; --max-draws ${s.maxDraws} reached short of ${count} (raise it, or add seeds)`;
  return line;
}
