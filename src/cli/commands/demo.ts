import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, Option } from "commander";
import { examplePipeline } from "../../pipeline/example.js";
import { runPipeline } from "../../pipeline/run.js";
import type { ModelSpec } from "../../pipeline/spec.js";
import { addModelOptions, int, positiveInt } from "../options.js";
import { DEMO_SEEDS } from "./demo-seeds.js";

export function demoCommand(): Command {
  const cmd = new Command("demo")
    .description(
      "the whole pipeline, small: Self-Instruct -> Evol-Instruct -> responses -> judge -> preferences -> export, on the embedded local model",
    )
    .option("--dir <dir>", "where the demo writes its files", "selfalign-demo")
    .option("--count <n>", "new instructions to generate", positiveInt, 8)
    .option("--max-output-tokens <n>", "token limit of every reply (default: per step, 256 to 512)", int)
    .addOption(
      new Option("--progress <mode>", "progress display")
        .choices(["auto", "bar", "json", "none"])
        .default("auto"),
    );
  addModelOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Writes <dir>/seeds.jsonl (a dozen seed tasks of ours) and <dir>/pipeline.json, and one directory per
step: generate/ (Self-Instruct, JSON replies), evolve/ (one round of Evol-Instruct), responses/ (two
samples per instruction), judge/, preferences/, dpo/ (TRL preference pairs) and sft/ (Alpaca for
LLaMA-Factory), each with its run directory. A re-run resumes. Without --base-url it uses the local
default model (a small instruct GGUF, fetched once into ~/.cache/selfalign/models); use --model
FILE.gguf for another local model, or --base-url URL --model NAME for an OpenAI-compatible server.
The same pipeline as a file: selfalign init.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    const dir = resolve(String(opts.dir));
    mkdirSync(dir, { recursive: true });
    const seeds = join(dir, "seeds.jsonl");
    writeFileSync(seeds, `${DEMO_SEEDS.map((seed) => JSON.stringify(seed)).join("\n")}\n`);
    const spec = examplePipeline({
      model: demoModel(opts),
      seeds,
      count: opts.count as number,
      out: dir,
      maxOutputTokens: opts.maxOutputTokens as number | undefined,
    });
    const result = await runPipeline(spec, { baseDir: dir, progress: String(opts.progress) });
    const lines = result.steps.map((s) => `  ${s.name.padEnd(12)} ${s.status.padEnd(12)} ${s.product}`);
    process.stderr.write(`demo: ${result.exitCode === 0 ? "complete" : "stopped"}\n${lines.join("\n")}\n`);
    process.exitCode = result.exitCode;
  });
  return cmd;
}

/** The model options as the pipeline's one model. */
function demoModel(opts: Record<string, unknown>): ModelSpec {
  const env = process.env;
  const model = (opts.model as string | undefined) ?? env.SELFALIGN_MODEL ?? "local";
  const baseUrl = (opts.baseUrl as string | undefined) ?? env.OPENAI_BASE_URL;
  const spec: ModelSpec = { model, concurrency: opts.concurrency as number };
  if (baseUrl) Object.assign(spec, { base_url: baseUrl, api_key_env: opts.apiKeyEnv as string });
  const optional: Array<[keyof ModelSpec, unknown]> = [
    ["endpoint", opts.endpoint],
    ["structured_output", opts.structuredOutput],
    ["timeout_ms", opts.timeout],
    ["retries", opts.retries],
    ["retry_base_ms", opts.retryBaseMs],
    ["rpm", opts.rpm],
    ["tpm", opts.tpm],
    ["context_size", opts.contextSize],
    ["sequences", opts.sequences],
  ];
  for (const [key, value] of optional) if (value !== undefined) Object.assign(spec, { [key]: value });
  if (opts.priceInput !== undefined && opts.priceOutput !== undefined) {
    spec.price = { input: opts.priceInput as number, output: opts.priceOutput as number };
  }
  return spec;
}
