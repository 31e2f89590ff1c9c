import { statSync } from "node:fs";
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { formatFromPath } from "../../data/read-records.js";
import { JUDGE_DEFAULTS, judge } from "../../methods/responses/judge.js";
import { parseAspectList, readAspectFile, resolveAspects } from "../../methods/responses/judge-aspects.js";
import type { ResponseFields } from "../../methods/responses/judge-input.js";
import { type JudgeMode, type JudgeStats, newJudgeStats } from "../../methods/responses/judge-records.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { addGenerationOptions, parseGenerationSettings, positiveInt } from "../options.js";

export function judgeCommand(): Command {
  const cmd = new Command("judge")
    .description(
      "rate response records with a judge model: per aspect a rationale and a score (pointwise), or pairs of responses to one instruction in both orders (pairwise)",
    )
    .requiredOption(
      "--in <file>",
      "response records (respond's output, or JSONL/JSON/CSV/Parquet with instruction and response, or messages)",
    )
    .addOption(
      new Option("--mode <mode>", "rate each response alone, or compare responses to the same instruction")
        .choices(["pointwise", "pairwise"])
        .default(JUDGE_DEFAULTS.mode),
    )
    .option(
      "--aspects <list>",
      "comma-separated aspects to rate; names other than the defaults are allowed",
      "helpfulness,honesty,instruction-following,truthfulness",
    )
    .option("--aspect-file <file>", "YAML mapping {aspect: description} describing (or redefining) aspects")
    .option("--scale <n>", "pointwise scores run from 1 to this", positiveInt, JUDGE_DEFAULTS.scale);
  addResponseFieldOptions(cmd);
  cmd.option("--reference-field <name>", "field holding a reference answer shown to the judge");
  addGenerationOptions(cmd, {
    temperature: JUDGE_DEFAULTS.generation.temperature,
    maxTokens: JUDGE_DEFAULTS.generation.maxTokens,
  });
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Writes <out>/judged.jsonl (every input record, in input order, with judgement and score; pairwise also
wins, losses and ties), <out>/pairs.jsonl (pairwise: both verdicts of every pair and the outcome),
<out>/dropped.jsonl (judge replies invalid after one repair, repeated ids) and <out>/summary.json.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runJudge(opts);
  });
  return cmd;
}

export async function runJudge(opts: Record<string, unknown>): Promise<number> {
  // Everything checked before the model loads: a typo should cost nothing.
  const inputPath = checkInput(resolve(String(opts.in)));
  const described = opts.aspectFile ? readAspectFile(resolve(String(opts.aspectFile))) : {};
  const aspects = resolveAspects(parseAspectList(String(opts.aspects)), described);
  const mode = opts.mode as JudgeMode;
  const scale = opts.scale as number;
  if (scale < 2) throw new Error(`--scale must be 2 or more, got ${scale}`);
  const fields = { ...parseResponseFields(opts), referenceField: opts.referenceField as string | undefined };
  const generation = parseGenerationSettings(opts);
  const config = { in: inputPath, mode, aspects, scale, fields, generation };
  return runMethodCommand("judge", opts, config, async ({ engine, model, outDir, progress }) => {
    const stats = newJudgeStats(mode);
    progress("judge", () => ({
      done: stats.written + stats.alreadyWritten,
      failed: stats.failed,
    }));
    await judge({ engine, model, inputPath, outDir, mode, aspects, scale, fields, generation, stats });
    const { stoppedBy, ...figures } = stats;
    const result = {
      ...figures,
      files: {
        judged: resolve(outDir, "judged.jsonl"),
        ...(mode === "pairwise" ? { pairs: resolve(outDir, "pairs.jsonl") } : {}),
        dropped: resolve(outDir, "dropped.jsonl"),
      },
    };
    return methodOutcome(stoppedBy, result, headline(stats));
  });
}

/** Where response records keep their parts: shared by judge and preferences. */
export function addResponseFieldOptions(cmd: Command): Command {
  return cmd
    .option(
      "--field <name>",
      "field holding the instruction (else the record's messages are read)",
      "instruction",
    )
    .option("--input-field <name>", "field holding an optional input appended to the instruction", "input")
    .option(
      "--response-field <name>",
      "field holding the response (else the last assistant message)",
      "response",
    );
}

export function parseResponseFields(opts: Record<string, unknown>): ResponseFields {
  return {
    field: opts.field as string,
    inputField: opts.inputField as string,
    responseField: opts.responseField as string,
  };
}

function headline(s: JudgeStats): string {
  const judged = s.written + s.alreadyWritten;
  let line = `${judged} of ${s.read} records judged (${s.mode}, ${s.requests} judge requests)`;
  if (s.pairs && s.groups) {
    line += `; ${s.pairs.compared} pairs compared: ${s.pairs.decided} decided, ${s.pairs.ties} ties`;
    if (s.groups.single)
      line += `; ${s.groups.single} of ${s.groups.total} instructions have a single response`;
  }
  const dropped = Object.entries(s.dropped)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  if (dropped) line += `; dropped: ${dropped}`;
  if (s.alreadyWritten) line += `; ${s.alreadyWritten} already written`;
  return line;
}

function checkInput(path: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`${path}: cannot read the input file: ${code}`);
  }
  if (!isFile) throw new Error(`${path}: the input is not a file`);
  if (formatFromPath(path) === undefined) {
    throw new Error(
      `${path}: cannot tell the input format from the extension: use .jsonl, .json, .csv or .parquet`,
    );
  }
  return path;
}
