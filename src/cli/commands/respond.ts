import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { z } from "zod";
import { formatFromPath } from "../../data/read-records.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { createModel, withEnvironment } from "../../llm/resolve-model.js";
import { newRespondStats, type RespondStats, respond } from "../../methods/responses/respond.js";
import {
  addGenerationOptions,
  addModelOptions,
  addRunOptions,
  parseGenerationSettings,
  parseModelConfig,
  parseRunConfig,
  positiveInt,
} from "../options.js";
import { runSession, type SessionOutcome } from "../session.js";

export function respondCommand(): Command {
  const cmd = new Command("respond")
    .description("collect responses for a file of instructions: one record per (instruction, sample)")
    .requiredOption("--in <file>", "instructions: JSONL, JSON array, CSV or Parquet")
    .requiredOption("--out <file>", "output JSONL (appended; a re-run resumes)")
    .option("--field <name>", "field holding the instruction (dotted paths allowed)", "instruction")
    .option("--input-field <name>", "field holding an optional input appended to the instruction", "input")
    .option("--samples <n>", "samples per instruction (per model)", positiveInt, 1)
    .option(
      "--models <names>",
      "several models on the same server (comma-separated), each answering every instruction; instead of --model",
      modelList,
    )
    .option(
      "--json-schema <file>",
      "ask for JSON matching this JSON Schema; the parsed value becomes the response",
    );
  addGenerationOptions(cmd);
  addModelOptions(cmd);
  addRunOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Environment: OPENAI_BASE_URL, SELFALIGN_MODEL and the key variable (default OPENAI_API_KEY) fill in
--base-url, --model and the key. Without a base URL, --model names the local model (a GGUF path).
The run directory defaults to <out>.run; re-run the same command after a crash or Ctrl-C to resume.
Exit codes: 0 done, 1 error, 2 some records failed (re-run to retry), 3 budget reached, 130 interrupted.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runRespond(opts);
  });
  return cmd;
}

export async function runRespond(opts: Record<string, unknown>): Promise<number> {
  const names = opts.models as string[] | undefined;
  if (names && opts.model !== undefined) throw new Error("respond: give --model or --models, not both");
  // One config per model: the server, key, limits and prices are shared, each model gets its own lane.
  const modelConfigs = (names ?? [opts.model]).map((name) =>
    withEnvironment(parseModelConfig({ ...opts, model: name })),
  );
  const modelConfig = modelConfigs[0]!;
  const run = parseRunConfig(opts);
  const inputPath = resolve(String(opts.in));
  const outputPath = resolve(String(opts.out));
  // Before the model is loaded and the run directory created: a typo in --in should cost nothing.
  checkInput(inputPath);
  const structured = opts.jsonSchema ? readSchema(String(opts.jsonSchema)) : undefined;
  const generation = parseGenerationSettings(opts);
  const models: Array<{ model: LanguageModel; config: (typeof modelConfigs)[number] }> = [];
  for (const config of modelConfigs) models.push({ model: await createModel(config), config });
  const samples = opts.samples as number;
  return runSession(
    "respond",
    run.runDir ?? `${outputPath}.run`,
    run,
    models,
    { in: inputPath, out: outputPath, field: opts.field, inputField: opts.inputField, samples, generation },
    async ({ engine, progress }) => {
      // Counted alongside the run, not before it: a large input must not delay the first call.
      let total: number | undefined;
      const counted = countLines(inputPath).then(
        (n) => {
          total = n === undefined ? undefined : n * models.length;
        },
        () => {},
      );
      const stats = newRespondStats();
      progress("respond", () => ({ done: stats.finished, total, failed: stats.failed }));
      await respond({
        engine,
        model: models.map((m) => m.model),
        inputPath,
        outputPath,
        field: opts.field as string,
        inputField: opts.inputField as string,
        samples,
        generation,
        structured,
        window: Math.max(1024, modelConfig.concurrency * 4 * models.length),
        stats,
      });
      await counted; // so the last progress line carries the total
      return outcome(stats, outputPath, models.length);
    },
  );
}

function outcome(stats: RespondStats, outputPath: string, models: number): SessionOutcome {
  const status =
    stats.stoppedBy === "budget"
      ? "budget"
      : stats.stoppedBy === "interrupt"
        ? "interrupted"
        : stats.failed > 0
          ? "partial"
          : "complete";
  const done = models > 1 ? `(instruction, model) pairs done for ${models} models` : "instructions done";
  let headline = `${stats.finished} ${done} of ${stats.read} read, ${stats.written} records written to ${outputPath}`;
  if (stats.alreadyWritten) headline += `, ${stats.alreadyWritten} already there`;
  if (stats.failed) headline += `, ${stats.failed} failed (see events.jsonl; re-run to retry)`;
  if (stats.invalidStructured) headline += `, ${stats.invalidStructured} with invalid structured output`;
  if (stats.budgetMessage) headline += `; ${stats.budgetMessage}`;
  return { status, result: { ...stats }, headline };
}

function checkInput(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    throw new Error(
      `${path}: cannot read the input file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  if (!isFile) throw new Error(`${path}: the input is not a file`);
  if (formatFromPath(path) === undefined) {
    throw new Error(
      `${path}: cannot tell the input format from the extension: use .jsonl, .ndjson, .json, .csv or .parquet`,
    );
  }
}

function readSchema(path: string): { schema: z.ZodType; name: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`${path}: cannot read JSON schema: ${(error as Error).message}`);
  }
  try {
    return { schema: z.fromJSONSchema(json as Parameters<typeof z.fromJSONSchema>[0]), name: "response" };
  } catch (error) {
    throw new Error(`${path}: unsupported JSON schema: ${(error as Error).message}`);
  }
}

/** Line count for the progress total (JSONL only): a streaming byte scan; blank lines are counted too. */
async function countLines(path: string): Promise<number | undefined> {
  if (!/\.(jsonl|ndjson)$/i.test(path)) return undefined;
  const { createReadStream } = await import("node:fs");
  let count = 0;
  let last = 10;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
    last = chunk[chunk.length - 1] ?? last;
  }
  return last === 10 ? count : count + 1;
}

function modelList(value: string): string[] {
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  if (names.length === 0) throw new InvalidArgumentError("expected one or more comma-separated model names");
  if (new Set(names).size !== names.length) throw new InvalidArgumentError("a model is named twice");
  return names;
}
