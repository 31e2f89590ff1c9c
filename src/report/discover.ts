/**
 * Finds the steps of a run on disk: a pipeline directory (`pipeline.json` lists the steps in order),
 * one method's output directory (`summary.json` and/or `run/`), a bare run directory (`config.json`
 * naming its output), or a directory whose subdirectories are steps.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";

export interface StepDir {
  name: string;
  method: string;
  /** The directory holding the step's output files. */
  dir: string;
  /** The run directory (config.json, summary.json, cache.sqlite), when there is one. */
  runDir: string | null;
  /**
   * Every run directory of the step: `run/`, or one `<file>.run/` per output file of a command whose
   * --out is a file (respond; a pipeline's respond step with several models has one per model).
   */
  runDirs: string[];
  /** Only this output file (a run directory of `respond --out FILE`), instead of the whole directory. */
  onlyFile: string | null;
  /** The status pipeline.json gives the step, if any. */
  pipelineStatus: string | null;
  summary: Record<string, unknown> | null;
  config: Record<string, unknown> | null;
}

export interface RunLayout {
  kind: "pipeline" | "step";
  /** The pipeline's name from pipeline.json, if it has one. */
  name: string | null;
  root: string;
  steps: StepDir[];
  pipelineStatus: string | null;
}

export function readJsonObject(path: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(readFileSync(path, "utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    // Missing, or being rewritten at this moment: the next poll reads it.
    return null;
  }
}

const isDir = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

export function discoverRun(path: string): RunLayout {
  const root = resolve(path);
  if (!isDir(root)) throw new Error(`${root}: not a directory`);
  const pipeline = readJsonObject(join(root, "pipeline.json"));
  if (pipeline && Array.isArray(pipeline.steps)) {
    const steps = (pipeline.steps as Array<Record<string, unknown>>).map((s, i) => {
      const name = typeof s.name === "string" ? s.name : `step-${i + 1}`;
      const dir =
        typeof s.dir === "string" ? (isAbsolute(s.dir) ? s.dir : join(root, s.dir)) : join(root, name);
      const step = stepAt(dir, name);
      return {
        ...step,
        method: typeof s.method === "string" ? s.method : step.method,
        pipelineStatus: typeof s.status === "string" ? s.status : null,
      };
    });
    const status = typeof pipeline.status === "string" ? pipeline.status : null;
    const name = typeof pipeline.name === "string" ? pipeline.name : null;
    return { kind: "pipeline", name, root, steps, pipelineStatus: status };
  }
  const single = (step: StepDir): RunLayout => ({
    kind: "step",
    name: null,
    root,
    steps: [step],
    pipelineStatus: null,
  });
  // A run directory itself (config.json beside its cache) before a step directory: it holds a
  // summary.json too, but its outputs are where config.json's `out` says.
  if (existsSync(join(root, "config.json")) && existsSync(join(root, "cache.sqlite")))
    return single(bareRunDir(root));
  if (isStepDir(root)) return single(stepAt(root, basename(root)));
  const children = readdirSync(root)
    .sort()
    .map((name) => join(root, name))
    .filter((dir) => isDir(dir) && isStepDir(dir));
  if (children.length === 0)
    throw new Error(`${root}: no run here (no pipeline.json, summary.json or run directory)`);
  const steps = children.map((dir) => stepAt(dir, basename(dir)));
  return { kind: "pipeline", name: null, root, steps, pipelineStatus: null };
}

function isStepDir(dir: string): boolean {
  return existsSync(join(dir, "summary.json")) || runDirsOf(dir, null).length > 0;
}

function stepAt(dir: string, name: string): StepDir {
  const summary = readJsonObject(join(dir, "summary.json"));
  const runDirs = runDirsOf(dir, summary);
  const runDir = runDirs[0] ?? null;
  const config = runDir ? readJsonObject(join(runDir, "config.json")) : null;
  const runSummary = runDir ? readJsonObject(join(runDir, "summary.json")) : null;
  const method = String(summary?.command ?? config?.command ?? runSummary?.command ?? "unknown");
  return {
    name,
    method,
    dir,
    runDir,
    runDirs,
    onlyFile: null,
    pipelineStatus: null,
    summary: summary ?? runSummary,
    config,
  };
}

function runDirsOf(dir: string, summary: Record<string, unknown> | null): string[] {
  const candidates = [join(dir, "run")];
  if (typeof summary?.runDir === "string") candidates.push(summary.runDir);
  try {
    for (const name of readdirSync(dir).sort()) if (name.endsWith(".run")) candidates.push(join(dir, name));
  } catch {
    // the step has not started
  }
  return [...new Set(candidates)].filter((d) => existsSync(join(d, "config.json")));
}

/** A run directory given directly: its output is config.json's `out` (a directory, or one file). */
function bareRunDir(runDir: string): StepDir {
  const config = readJsonObject(join(runDir, "config.json"));
  const out = typeof config?.out === "string" ? config.out : null;
  const outIsDir = out !== null && isDir(out);
  return {
    name: basename(out ?? runDir),
    method: String(config?.command ?? "unknown"),
    dir: outIsDir ? out : out ? dirname(out) : runDir,
    runDir,
    runDirs: [runDir],
    onlyFile: !outIsDir && out !== null ? out : null,
    pipelineStatus: null,
    summary: readJsonObject(join(runDir, "summary.json")),
    config,
  };
}
