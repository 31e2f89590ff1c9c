import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { InputError } from "../../data/input-error.js";
import { EVOL_DEFAULTS, type EvolStats, evolInstruct, newEvolStats } from "../../methods/evolution/evol.js";
import {
  type EvolDomain,
  readOperationsFile,
  resolveOperations,
} from "../../methods/evolution/operations.js";
import { readSeedTasks } from "../../methods/in-context/seed-tasks.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { addGenerationOptions, num, parseGenerationSettings, positiveInt } from "../options.js";

const D = EVOL_DEFAULTS;

function share(value: string): number {
  const n = num(value);
  if (n < 0 || n > 1) throw new InvalidArgumentError(`expected a probability from 0 to 1, got "${value}"`);
  return n;
}

export function evolCommand(): Command {
  const cmd = new Command("evol")
    .description(
      "Evol-Instruct (WizardLM): rewrite every instruction each round with one random operation (harder in depth, or a new one in breadth), answer it, and eliminate failed evolutions",
    )
    .requiredOption(
      "--in <file>",
      "instructions to evolve: Alpaca JSON/JSONL, Self-Instruct JSONL, or .txt (one a line)",
    )
    .option("--rounds <m>", "rounds of evolution", positiveInt, D.rounds)
    .addOption(
      new Option("--domain <name>", "built-in operation set")
        .choices(["general", "code", "math"])
        .default(D.domain),
    )
    .option(
      "--operations <file>",
      "YAML/JSON operations added to the domain's ({replace: true} to use only these)",
    )
    .option(
      "--breadth-share <p>",
      "probability that an instruction's operation is in-breadth (default: 1/6)",
      share,
    )
    .option("--no-gain-judge", "skip the model's information-gain check of in-depth evolutions")
    .option(
      "--response-temperature <t>",
      "sampling temperature of the responses (default: --temperature)",
      num,
    );
  addGenerationOptions(cmd, {
    temperature: D.evolution.temperature,
    topP: D.evolution.topP,
    maxTokens: D.evolution.maxTokens,
  });
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
--temperature, --top-p, --max-output-tokens, --stop, --system and --sampling-seed apply to the
rewrites and the responses. Writes <out>/generations.jsonl (the seeds and every evolution attempt, kept
or eliminated, with parent_id and root_id), <out>/dropped.jsonl (the eliminated attempts, by rule),
<out>/pool.jsonl (the final pool: the latest version of every branch, once the last round is done) and
<out>/summary.json (attempts, kept and eliminations per round, by operation and by rule).`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runEvol(opts);
  });
  return cmd;
}

export async function runEvol(opts: Record<string, unknown>): Promise<number> {
  const inPath = resolve(String(opts.in));
  const domain = opts.domain as EvolDomain;
  // Read before the model loads: a bad input or operations file should cost nothing.
  const seeds = await readSeedTasks(inPath);
  const operationsPath = opts.operations ? resolve(String(opts.operations)) : undefined;
  const operations = operationsPath ? fileOperations(domain, operationsPath) : resolveOperations(domain);
  const evolution = parseGenerationSettings(opts);
  const responseTemperature = opts.responseTemperature as number | undefined;
  const response = { ...evolution, temperature: responseTemperature ?? evolution.temperature };
  const settings = {
    rounds: opts.rounds as number,
    domain,
    breadthShare: (opts.breadthShare as number | undefined) ?? D.breadthShare,
    gainJudge: opts.gainJudge !== false,
    evolution,
    response,
  };
  const config = { in: inPath, operations: operationsPath, ...settings };
  return runMethodCommand("evol", opts, config, async ({ engine, model, outDir, progress }) => {
    const stats = newEvolStats();
    progress("evol", () => ({ done: stats.perRound.reduce((n, r) => n + r.decided, 0), failed: 0 }));
    await evolInstruct({ engine, model, seeds: seeds.tasks, operations, outDir, ...settings, stats });
    const { stoppedBy, ...figures } = stats;
    const result = {
      inputFormat: seeds.format,
      ...figures,
      files: {
        generations: resolve(outDir, "generations.jsonl"),
        pool: resolve(outDir, "pool.jsonl"),
        dropped: resolve(outDir, "dropped.jsonl"),
      },
    };
    return methodOutcome(stoppedBy, result, headline(stats));
  });
}

/** The domain's operations with those of an operations file; a clash of ids names the file. */
function fileOperations(domain: EvolDomain, path: string) {
  const set = readOperationsFile(path);
  try {
    return resolveOperations(domain, set);
  } catch (error) {
    throw new InputError(path, undefined, (error as Error).message, { field: "operations" });
  }
}

function headline(s: EvolStats): string {
  const attempts = s.perRound.reduce((n, r) => n + r.decided, 0);
  const kept = s.perRound.reduce((n, r) => n + r.kept, 0);
  const eliminated = Object.entries(s.eliminated)
    .sort((a, b) => b[1] - a[1])
    .map(([rule, n]) => `${rule} ${n}`)
    .join(", ");
  let line = `${s.completedRounds} of ${s.rounds} rounds over ${s.seeds} instructions: ${kept} of ${attempts} evolutions kept`;
  if (eliminated) line += ` (eliminated: ${eliminated})`;
  if (s.completedRounds === s.rounds) line += `; final pool ${s.pool}, ${s.evolved} evolved at least once`;
  if (s.alreadyWritten.generations) line += `; ${s.alreadyWritten.generations} records already written`;
  return line;
}
