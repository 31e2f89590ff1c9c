/**
 * Runs a pipeline's steps in order, each as its command in this process. A step that finishes is
 * recorded in `<out>/pipeline.json` with a fingerprint of its command line and input; a re-run skips
 * finished steps whose fingerprint still matches and resumes the first unfinished one (which resumes
 * from its own run directory: no finished call is repeated). A step that stops (failed call, budget,
 * Ctrl-C, error) stops the pipeline with that step's exit code.
 */
import { existsSync, renameSync, rmSync, statSync } from "node:fs";
import type { Command } from "commander";
import { JsonlWriter, readJsonl, readRecords } from "../data/index.js";
import { canonicalJson, sha256 } from "../util/canonical.js";
import { estimatePipeline, formatEstimate, formatTotal, type StepEstimate } from "./estimate.js";
import { checkPipelineValue, type LoadedPipeline, loadPipelineFile } from "./load.js";
import { planPipeline, type StepPlan } from "./plan.js";
import type { PipelineSpec } from "./spec.js";
import { PipelineState, type StepStatus } from "./state.js";

export interface RunPipelineOptions {
  /** List the steps' commands and estimates; run nothing. */
  dryRun?: boolean;
  /** Progress display of the steps (auto, bar, json, none). */
  progress?: string;
  /** Where progress lines of the pipeline itself go (default stderr). */
  log?: (line: string) => void;
  /** For a pipeline given as a value: the directory its relative paths mean (default: cwd). */
  baseDir?: string;
}

export interface PipelineResult {
  /** 0 when every step finished; else the exit code of the step that stopped. */
  exitCode: number;
  outDir: string;
  steps: Array<{ name: string; method: string; status: StepStatus; product: string }>;
  /** With dryRun: what each step would do. */
  estimates?: StepEstimate[];
}

/** Runs a pipeline file, or a pipeline value built in code. */
export async function runPipeline(
  pipeline: string | PipelineSpec,
  options: RunPipelineOptions = {},
): Promise<PipelineResult> {
  const loaded =
    typeof pipeline === "string"
      ? await loadPipelineFile(pipeline)
      : await checkPipelineValue(pipeline, options.baseDir ?? process.cwd(), pipeline.name ?? "pipeline");
  return runLoaded(loaded, options);
}

async function runLoaded(loaded: LoadedPipeline, options: RunPipelineOptions): Promise<PipelineResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const commands = await commandTree();
  const plans = planPipeline(loaded, commands, { progress: options.progress });
  if (options.dryRun) {
    const estimates = await estimatePipeline(loaded, plans, commands);
    for (const estimate of estimates) log(formatEstimate(estimate));
    log(formatTotal(estimates));
    return { exitCode: 0, outDir: loaded.outDir, steps: summary(plans, () => "pending"), estimates };
  }
  const state = PipelineState.open(loaded.outDir, loaded.spec.name, plans);
  for (const plan of plans) {
    const fingerprint = fingerprintOf(plan);
    const label = `[${plan.index + 1}/${plans.length}] ${plan.name} (${plan.method})`;
    if (state.isDone(plan.name, fingerprint) && existsSync(plan.product)) {
      log(`${label}: complete (earlier run); skipped`);
      continue;
    }
    const source = plans.find((p) => p.product === plan.input);
    if (source && (await isEmpty(plan.input as string))) {
      // Running on nothing would fail inside the method with a less helpful message, or make empty files.
      state.finish(plan.name, 1);
      log(
        `${label}: stopped: step "${source.name}" produced no records (see ${source.dir}), so there is nothing to read`,
      );
      return { exitCode: 1, outDir: loaded.outDir, steps: summary(plans, (p) => state.status(p.name)) };
    }
    state.start(plan.name, fingerprint);
    for (const run of plan.runs) {
      log(`${label}: selfalign ${run.argv.map(shellQuote).join(" ")}`);
      const code = await runCommand(run.argv);
      if (code !== 0) {
        state.finish(plan.name, code);
        log(`${label}: stopped with exit code ${code}; run the pipeline again to resume`);
        return { exitCode: code, outDir: loaded.outDir, steps: summary(plans, (p) => state.status(p.name)) };
      }
    }
    if (plan.runs.length > 1)
      await concatenate(
        plan.runs.map((r) => r.output),
        plan.product,
      );
    state.finish(plan.name, 0);
    log(`${label}: complete -> ${plan.product}`);
  }
  return { exitCode: 0, outDir: loaded.outDir, steps: summary(plans, (p) => state.status(p.name)) };
}

/** The command line and the input file's identity: what decides whether a finished step is still current. */
function fingerprintOf(plan: StepPlan): string {
  const input = plan.input && existsSync(plan.input) ? statSync(plan.input) : undefined;
  return sha256(
    canonicalJson({
      runs: plan.runs.map((r) => r.argv.filter((arg) => arg !== "--progress")),
      input: input ? { size: input.size, mtime: input.mtimeMs } : null,
    }),
  ).slice(0, 16);
}

async function commandTree(): Promise<Map<string, Command>> {
  // Imported lazily: the command tree imports every method, and the CLI imports this module.
  const { buildProgram } = await import("../cli/program.js");
  return new Map(buildProgram().commands.map((c) => [c.name(), c]));
}

/** Runs one command of the CLI in this process; its exit code. */
async function runCommand(argv: string[]): Promise<number> {
  const { buildProgram } = await import("../cli/program.js");
  const { reportError } = await import("../cli/report-error.js");
  const previous = process.exitCode;
  process.exitCode = undefined;
  let code: number;
  try {
    // A fresh tree per run: commander keeps parsed option values on the command objects.
    await buildProgram().parseAsync(argv, { from: "user" });
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    code = reportError(error);
  } finally {
    process.exitCode = previous;
  }
  return code;
}

/** Whether a step's product holds no record (missing counts as empty). */
async function isEmpty(path: string): Promise<boolean> {
  if (!existsSync(path) || statSync(path).isDirectory()) return !existsSync(path);
  for await (const _ of readRecords(path)) return false;
  return true;
}

/** The parts of a multi-model step, one after the other, into its product (temp file + rename). */
async function concatenate(parts: string[], into: string): Promise<void> {
  const temporary = `${into}.tmp`;
  rmSync(temporary, { force: true });
  const writer = JsonlWriter.open(temporary);
  for (const part of parts) for await (const { value } of readJsonl(part)) writer.write(value);
  writer.close();
  renameSync(temporary, into);
}

function summary(plans: StepPlan[], status: (plan: StepPlan) => StepStatus): PipelineResult["steps"] {
  return plans.map((p) => ({ name: p.name, method: p.method, status: status(p), product: p.product }));
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
