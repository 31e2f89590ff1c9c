import { readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { Command } from "commander";
import { InputError } from "../../data/input-error.js";
import type { ResolvedModelConfig } from "../../llm/resolve-model.js";
import {
  AUTO_EVOL_DEFAULTS,
  type AutoEvolStats,
  autoEvol,
  checkCounts,
  newAutoEvolStats,
} from "../../methods/evolution/auto-evol.js";
import { readOperationsFile } from "../../methods/evolution/operations.js";
import { readSeedTasks } from "../../methods/in-context/seed-tasks.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { addGenerationOptions, num, parseGenerationSettings, positiveInt } from "../options.js";
import { addRoleOptions, roleConfig } from "../roles.js";

const D = AUTO_EVOL_DEFAULTS;

export function autoEvolCommand(): Command {
  const cmd = new Command("auto-evol")
    .description(
      "Auto Evol-Instruct: an optimizer model improves the evolving method step by step, keeping the method that fails least on a development set",
    )
    .requiredOption(
      "--in <file>",
      "instructions: Self-Instruct JSONL, Alpaca JSON/JSONL, or .txt (one instruction a line)",
    )
    .requiredOption("--steps <n>", "optimization steps (a re-run with more continues the run)", positiveInt)
    .option(
      "--batch <n>",
      "training instructions evolved per step for the optimizer to analyse",
      positiveInt,
      D.batch,
    )
    .option("--dev <n>", "instructions held out to measure each method's failure rate", positiveInt, D.dev)
    .option("--candidates <k>", "improved methods the optimizer proposes per step", positiveInt, D.candidates)
    .option(
      "--optimizer-temperature <t>",
      "sampling temperature of the proposals (the analysis is greedy)",
      num,
      D.improvement.temperature,
    )
    .option(
      "--optimizer-max-tokens <n>",
      "token limit of the optimizer's replies",
      positiveInt,
      D.improvement.maxTokens,
    )
    .option(
      "--response-temperature <t>",
      "sampling temperature of the answers the elimination rules check",
      num,
      D.response.temperature,
    )
    .option("--no-gain-judge", "skip the model's information-gain judgement (one call less per evolution)")
    .option(
      "--initial-method <file>",
      "start from this method: a text file, or an operations file (.json/.yaml) with one in-depth operation, such as a method.json",
    );
  addGenerationOptions(cmd, {
    temperature: D.evolution.temperature,
    topP: D.evolution.topP,
    maxTokens: D.evolution.maxTokens,
  });
  addRoleOptions(cmd, "optimizer", "model that analyses and improves the method");
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
--temperature, --top-p, --stop and --sampling-seed apply to the evolution calls; --max-output-tokens and
--system to the evolution calls and the answers. Writes <out>/method.json (the final method as an
operations file: selfalign evol --operations <out>/method.json), <out>/history.jsonl (per step: the
method, its failure rate, every candidate with its failure rate, the choice), <out>/analyses.jsonl,
<out>/trajectories.jsonl (every evolution made) and <out>/summary.json.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runAutoEvol(opts);
  });
  return cmd;
}

export async function runAutoEvol(opts: Record<string, unknown>): Promise<number> {
  const inPath = resolve(String(opts.in));
  // Read before the model loads: bad input should cost nothing.
  const instructions = await readSeedTasks(inPath);
  const initialPath = opts.initialMethod ? resolve(String(opts.initialMethod)) : undefined;
  const initialMethod = initialPath ? readInitialMethod(initialPath) : undefined;
  const steps = opts.steps as number;
  const generation = parseGenerationSettings(opts);
  const optimizerMaxTokens = opts.optimizerMaxTokens as number;
  const settings = {
    batch: opts.batch as number,
    dev: opts.dev as number,
    candidates: opts.candidates as number,
    evolution: generation,
    response: {
      temperature: opts.responseTemperature as number,
      maxTokens: generation.maxTokens,
      system: generation.system,
      seed: generation.seed,
    },
    analysis: { temperature: 0, maxTokens: optimizerMaxTokens, seed: generation.seed },
    improvement: {
      temperature: opts.optimizerTemperature as number,
      maxTokens: optimizerMaxTokens,
      seed: generation.seed,
    },
    gainJudge: opts.gainJudge !== false,
    initialMethod,
  };
  checkCounts(instructions.tasks.length, steps, settings);
  const optimizerName = opts.optimizerModel as string | undefined;
  const config = {
    in: inPath,
    steps,
    ...settings,
    initialMethod: initialPath,
    optimizerModel: optimizerName,
  };
  const extraModels = (main: ResolvedModelConfig) => {
    const optimizer = roleConfig(main, opts, "optimizer");
    return optimizer ? [optimizer] : [];
  };
  return runMethodCommand(
    "auto-evol",
    opts,
    config,
    async ({ engine, model, extraModels: [optimizerModel], outDir, progress }) => {
      const stats = newAutoEvolStats();
      progress("auto-evol", () => ({ done: stats.completedSteps, total: steps, failed: 0 }));
      await autoEvol({
        engine,
        model,
        optimizerModel,
        instructions: instructions.tasks,
        steps,
        outDir,
        ...settings,
        stats,
      });
      const { stoppedBy, ...figures } = stats;
      const result = {
        inputFormat: instructions.format,
        ...figures,
        files: Object.fromEntries(
          ["method.json", "history.jsonl", "analyses.jsonl", "trajectories.jsonl"].map((f) => [
            f.split(".")[0],
            resolve(outDir, f),
          ]),
        ),
      };
      return methodOutcome(stoppedBy, result, headline(stats, outDir));
    },
    { extraModels },
  );
}

/** A method from a file: the single in-depth operation of an operations file, or the whole text. */
function readInitialMethod(path: string): string {
  if ([".json", ".yaml", ".yml"].includes(extname(path).toLowerCase())) {
    const depth = readOperationsFile(path).operations.filter((op) => op.kind === "depth");
    if (depth.length !== 1) {
      throw new InputError(path, undefined, `needs exactly one depth operation, found ${depth.length}`, {
        field: "operations",
      });
    }
    return depth[0]!.directive;
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (error) {
    throw new InputError(path, undefined, `cannot read the method: ${(error as NodeJS.ErrnoException).code}`);
  }
  if (text === "") throw new InputError(path, undefined, "the method file is empty");
  return text;
}

function headline(s: AutoEvolStats, outDir: string): string {
  const rate = (r: number | undefined) => (r === undefined ? "?" : `${Math.round(r * 100)}%`);
  const adopted = s.perStep.filter((p) => p.chosen !== null).length;
  let line = `${s.completedSteps} of ${s.steps} steps (${s.train} training, ${s.dev} development instructions, ${s.evolutions} evolutions)`;
  if (s.method) {
    line += `; development failure rate ${rate(s.initialDevFailureRate)} -> ${rate(s.method.devFailureRate)}`;
    line += ` (${adopted} new methods adopted); method ${s.method.id} in ${resolve(outDir, "method.json")}`;
  }
  if (s.alreadyWritten.trajectories) line += `; ${s.alreadyWritten.trajectories} evolutions already written`;
  return line;
}
