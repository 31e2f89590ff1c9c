import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { newIfdStats, runIfd } from "../../methods/feedback/ifd-job.js";
import type { IfdSelection } from "../../methods/feedback/ifd-selection.js";
import { addScoringOptions, parseScoringOptions } from "../ifd-options.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { num, positiveInt } from "../options.js";

/** A share as 0.1 or 10%. */
function share(value: string): number {
  const parsed = value.endsWith("%") ? Number(value.slice(0, -1)) / 100 : Number(value);
  if (!(parsed > 0 && parsed <= 1))
    throw new InvalidArgumentError(`expected a share in (0, 1] or a percentage, got "${value}"`);
  return parsed;
}

export function ifdCommand(): Command {
  const cmd = new Command("ifd")
    .description(
      "IFD and r-IFD (Cherry LLM; Selective Reflection-Tuning): score every (instruction, answer) record by the model's own perplexities, then select",
    )
    .requiredOption(
      "--in <file>",
      "SFT records: JSONL, JSON, CSV or Parquet (instruction/input/output, response, or messages)",
    )
    .option("--top <share>", "keep the highest-IFD share of all records, e.g. 0.1 or 10%", share)
    .option("--top-count <n>", "keep the highest-IFD N records", positiveInt)
    .option("--min-ifd <x>", "keep only records with IFD >= x", num)
    .option("--max-ifd <x>", "drop records with IFD >= x (the instruction does not help)", num, 1)
    .option(
      "--max-r-ifd <x>",
      "drop records with r-IFD > x (the answer hardly implies its instruction)",
      num,
    );
  addScoringOptions(cmd, "the model");
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
--model is the scoring model: a local GGUF (its own chat template applies), or an OpenAI-compatible
server that returns prompt log-probabilities (vLLM; name its --template). Writes <out>/scored.jsonl
(every record with ifd, r_ifd and the four perplexities), <out>/selected.jsonl (kept, with ifd_rank),
<out>/not-selected.jsonl (with reason), <out>/dropped.jsonl (pairs that could not be scored) and
<out>/summary.json. Re-running with other selection options re-selects without new calls.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runIfdCommand(opts);
  });
  return cmd;
}

export async function runIfdCommand(opts: Record<string, unknown>): Promise<number> {
  const inputPath = resolve(String(opts.in));
  const scoring = parseScoringOptions(opts);
  const selection: IfdSelection = {
    topShare: opts.top as number | undefined,
    topCount: opts.topCount as number | undefined,
    minIfd: opts.minIfd as number | undefined,
    maxIfd: opts.maxIfd as number,
    maxRIfd: opts.maxRIfd as number | undefined,
  };
  const config = { in: inputPath, ...scoring, selection };
  return runMethodCommand("ifd", opts, config, async ({ engine, model, outDir, progress }) => {
    const stats = newIfdStats();
    progress("ifd", () => ({
      done: stats.scored + stats.alreadyScored + stats.unscorable,
      total: stats.read,
      failed: 0,
    }));
    await runIfd({ engine, model, inputPath, outDir, ...scoring, selection, stats });
    const { stop, ...figures } = stats;
    const files = Object.fromEntries(
      ["scored", "selected", "not-selected", "dropped"].map((name) => [
        name,
        resolve(outDir, `${name}.jsonl`),
      ]),
    );
    let headline = `${stats.scored + stats.alreadyScored} of ${stats.read} records scored`;
    if (stats.alreadyScored) headline += ` (${stats.alreadyScored} before)`;
    if (stats.unscorable) headline += `, ${stats.unscorable} unscorable`;
    if (!stop) headline += `; ${stats.selected} selected`;
    return methodOutcome(stop, { model: model.modelName, ...figures, files }, headline);
  });
}
