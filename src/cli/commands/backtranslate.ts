import { statSync } from "node:fs";
import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { InputError } from "../../data/input-error.js";
import type { ResolvedModelConfig } from "../../llm/resolve-model.js";
import {
  HUMPBACK_DEFAULTS,
  type HumpbackStats,
  humpback,
  newHumpbackStats,
  usableSeedExamples,
} from "../../methods/backtranslation/humpback.js";
import { readSeedTasks } from "../../methods/in-context/seed-tasks.js";
import { addCorpusOptions, parseCorpusOptions } from "../corpus-options.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { addGenerationOptions, int, num, parseGenerationSettings, positiveInt } from "../options.js";
import { addRoleOptions, roleConfig } from "../roles.js";

const D = HUMPBACK_DEFAULTS;

function score(value: string): number {
  const n = int(value);
  if (n < 1 || n > 5) throw new InvalidArgumentError(`expected a score from 1 to 5, got "${value}"`);
  return n;
}

function nonNegative(value: string): number {
  const n = int(value);
  if (n < 0) throw new InvalidArgumentError(`expected 0 or more, got "${value}"`);
  return n;
}

export function backtranslateCommand(): Command {
  const cmd = new Command("backtranslate").description(
    "Humpback (instruction backtranslation): write the instruction each corpus passage answers, rate the pairs, keep the best; repeat with the kept pairs as examples",
  );
  addCorpusOptions(cmd, "passage");
  cmd
    .requiredOption(
      "--seeds <file>",
      "seed (instruction, output) pairs shown as examples: Alpaca JSON/JSONL or Self-Instruct JSONL",
    )
    .option("--rounds <n>", "rounds of augmentation and curation", positiveInt, D.rounds)
    .option("--threshold <score>", "keep pairs rated at least this (1-5)", score, D.threshold)
    .option(
      "--in-context <n>",
      "(output -> instruction) examples per augmentation prompt",
      nonNegative,
      D.inContext,
    )
    .option(
      "--calibration <n>",
      "kept pairs shown to the rater in rounds after the first (0: none)",
      nonNegative,
      D.calibration,
    )
    .option(
      "--backward-raw",
      "send the backward model the passage alone (a model fine-tuned on output -> instruction pairs)",
    )
    .option(
      "--rating-temperature <t>",
      "sampling temperature of the rating calls",
      num,
      D.rating.temperature,
    );
  addRoleOptions(cmd, "backward", "model that writes the instructions");
  addGenerationOptions(cmd);
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
--temperature, --top-p and --stop apply to the augmentation calls; --max-output-tokens, --system and
--sampling-seed to both kinds of call. Writes <out>/curated.jsonl (the pairs the last round kept),
<out>/rated.jsonl (every rating of every round), <out>/dropped.jsonl (ingestion drops, failed
instructions, invalid ratings, pairs below the threshold) and <out>/summary.json (score distribution
and kept count per round, ingestion report).`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runBacktranslate(opts);
  });
  return cmd;
}

export async function runBacktranslate(opts: Record<string, unknown>): Promise<number> {
  const seedsPath = resolve(String(opts.seeds));
  const corpus = resolve(String(opts.corpus));
  const backwardName = opts.backwardModel as string | undefined;
  if (opts.backwardRaw !== undefined && !backwardName)
    throw new Error("--backward-raw needs --backward-model");
  // Read before the model loads: a bad seed file or corpus path should cost nothing.
  const seeds = await readSeedTasks(seedsPath);
  const backwardRaw = opts.backwardRaw === true;
  const inContext = opts.inContext as number;
  usableSeedExamples(seeds.tasks, { backwardRaw, inContext });
  try {
    statSync(corpus);
  } catch (error) {
    throw new InputError(
      corpus,
      undefined,
      `cannot read the corpus: ${(error as NodeJS.ErrnoException).code}`,
    );
  }
  const corpusOptions = parseCorpusOptions(opts, "passage");
  const generation = parseGenerationSettings(opts);
  const rating = {
    temperature: opts.ratingTemperature as number,
    maxTokens: generation.maxTokens,
    system: generation.system,
    seed: generation.seed,
  };
  const settings = {
    rounds: opts.rounds as number,
    threshold: opts.threshold as number,
    inContext,
    calibration: opts.calibration as number,
    backwardRaw,
    augmentation: generation,
    rating,
  };
  const config = { seeds: seedsPath, corpus, corpusOptions, ...settings, backwardModel: backwardName };
  const extraModels = (main: ResolvedModelConfig) => {
    const backward = roleConfig(main, opts, "backward");
    return backward ? [backward] : [];
  };
  return runMethodCommand(
    "backtranslate",
    opts,
    config,
    async ({ engine, model, extraModels: [backward], outDir, progress }) => {
      const stats = newHumpbackStats();
      progress("backtranslate", () => {
        const r = stats.perRound.at(-1);
        return { done: r?.decided ?? 0, total: r && r.round > 1 ? r.candidates : undefined, failed: 0 };
      });
      await humpback({
        engine,
        model,
        backwardModel: backward,
        corpus,
        corpusOptions,
        seeds: seeds.tasks,
        outDir,
        ...settings,
        stats,
      });
      const { stoppedBy, ...figures } = stats;
      const result = {
        seedFormat: seeds.format,
        seeds: seeds.tasks.length,
        ...figures,
        perRound: figures.perRound.map(({ decided: _, ...r }) => r),
        files: {
          curated: resolve(outDir, "curated.jsonl"),
          rated: resolve(outDir, "rated.jsonl"),
          dropped: resolve(outDir, "dropped.jsonl"),
        },
      };
      return methodOutcome(stoppedBy, result, headline(stats, outDir));
    },
    { extraModels },
  );
}

function headline(s: HumpbackStats, outDir: string): string {
  const rounds = s.perRound.map((r) => {
    const scores = (["5", "4", "3", "2", "1", "invalid"] as const)
      .filter((k) => r.distribution[k] > 0)
      .map((k) => `${k}: ${r.distribution[k]}`)
      .join(", ");
    const what = r.round === 1 ? "passages" : "candidates";
    return `round ${r.round}: ${r.decided} ${what}, ${r.kept} kept${scores ? ` (${scores})` : ""}`;
  });
  let line = `${rounds.join("; ") || "no round ran"}; ${s.curated} curated pairs in ${resolve(outDir, "curated.jsonl")}`;
  if (s.ingest.passages === 0) line += "; the corpus gave no passages (see summary.json ingest)";
  if (s.alreadyWritten.rated) line += `; ${s.alreadyWritten.rated} ratings already written`;
  return line;
}
