/**
 * Reads a run or pipeline directory into the report's data. Every output file is streamed once, line by
 * line, and each record is shown to the panel builders; only capped lists and binned numbers are kept,
 * so a run of millions of records makes a page of bounded size ("N of M" says what was left out).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { readLines } from "../data/read-lines.js";
import { redact, registerSecret } from "../util/secrets.js";
import type { PanelBuilder, RecordVisit, StepVisit } from "./builder.js";
import { discoverRun, readJsonObject, type StepDir } from "./discover.js";
import { DiversityBuilder } from "./panel-diversity.js";
import { FunnelBuilder } from "./panel-funnel.js";
import { LengthsBuilder } from "./panel-lengths.js";
import { RainbowBuilder } from "./panel-rainbow.js";
import { RougeBuilder } from "./panel-rouge.js";
import { SamplesBuilder } from "./panel-samples.js";
import { ScoresBuilder } from "./panel-scores.js";
import { spendOf } from "./panel-spend.js";
import { TreesBuilder } from "./panel-trees.js";
import { planStep, type Rec } from "./step-files.js";
import type { FileInfo, ModelInfo, ReportData, ReportLimits, StepInfo } from "./types.js";

export const DEFAULT_LIMITS: ReportLimits = {
  recordsPerFile: 500,
  textChars: 2000,
  parsePerStep: 2000,
  treeNodesPerStep: 3000,
};

export interface CollectOptions {
  limits?: Partial<ReportLimits>;
  live?: boolean;
}

export async function collectReport(runPath: string, options: CollectOptions = {}): Promise<ReportData> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const layout = discoverRun(runPath);
  const funnel = new FunnelBuilder();
  const samples = new SamplesBuilder(limits);
  const lengths = new LengthsBuilder();
  const scores = new ScoresBuilder();
  const diversity = new DiversityBuilder();
  const rouge = new RougeBuilder();
  const trees = new TreesBuilder();
  const rainbow = new RainbowBuilder();
  const builders: PanelBuilder[] = [funnel, samples, lengths, scores, diversity, rouge, trees, rainbow];
  const steps: StepInfo[] = [];
  const warnings: string[] = [];
  const spend = [];
  const times = [];

  for (const step of layout.steps) {
    registerKeys(step);
    const plan = planStep(step);
    const visit: StepVisit = { step, plan, limits };
    for (const b of builders) await b.startStep?.(visit);
    const files: FileInfo[] = [];
    for (const file of plan.files) {
      const path = step.onlyFile ?? join(step.dir, file);
      const role = plan.dropped.includes(file)
        ? "dropped"
        : file === plan.kept
          ? "kept"
          : file === plan.generated?.file
            ? "generated"
            : "other";
      const counts = await streamRecords(path, (record, line) => {
        const kept = file === plan.kept && (plan.keptWhere?.(record) ?? true);
        const generated = file === plan.generated?.file && (plan.generated.where?.(record) ?? true);
        const dropReason = generated && !kept ? plan.notKeptReason?.(record) : undefined;
        const v: RecordVisit = {
          step,
          file,
          line,
          record,
          kept,
          generated,
          dropped: plan.dropped.includes(file) || dropReason !== undefined,
          scored: file === plan.scores,
        };
        if (dropReason !== undefined) v.dropReason = dropReason;
        for (const b of builders) b.record(v);
      });
      if (counts.unreadable > 0)
        warnings.push(`${step.name}/${file}: ${counts.unreadable} line(s) did not parse and were skipped`);
      const included = samples.included.get(`${step.name}\u0000${file}`) ?? 0;
      files.push({ name: file, role, total: counts.total, included, unreadable: counts.unreadable });
    }
    for (const b of builders) await b.endStep?.(visit);
    const { rows, time } = spendOf(step);
    spend.push(...rows);
    times.push(time);
    steps.push({
      name: step.name,
      method: step.method,
      dir: step.dir,
      status: stepStatus(step),
      figures: figuresOf(step.summary),
      files,
    });
  }
  warnings.push(...rouge.warnings);
  const data: ReportData = {
    version: 1,
    title: layout.name ?? basename(layout.root),
    source: layout.root,
    generatedAt: new Date().toISOString(),
    status: layout.pipelineStatus ?? overallStatus(steps),
    kind: layout.kind,
    live: options.live ?? false,
    models: modelsOf(layout.steps),
    limits,
    steps,
    funnel: funnel.rows,
    diversity: diversity.steps,
    rouge: rouge.steps,
    lengths: lengths.steps,
    scores: scores.steps,
    trees: trees.steps,
    rainbow: rainbow.steps,
    spend,
    times,
    samples: samples.samples,
    warnings,
  };
  // Config files hold no key, but a record could echo one back: the keys this process can see are
  // redacted from everything the page shows.
  return JSON.parse(redact(JSON.stringify(data))) as ReportData;
}

/** Streams a JSONL file; lines that do not parse (a torn last line while a run writes) are counted. */
async function streamRecords(
  path: string,
  visit: (record: Rec, line: number) => void,
): Promise<{ total: number; unreadable: number }> {
  let total = 0;
  let unreadable = 0;
  if (!existsSync(path)) return { total, unreadable };
  for await (const { text, line, terminated } of readLines(path, 1 << 20)) {
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // A last line still being written is not damage: leave it for the next read.
      if (terminated) unreadable++;
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      unreadable++;
      continue;
    }
    total++;
    visit(value as Rec, line);
  }
  return { total, unreadable };
}

/** The model entries of every run directory's config.json of the step. */
function modelConfigs(step: StepDir): Rec[] {
  const configs = step.runDirs.map((d) => readJsonObject(join(d, "config.json")));
  if (configs.length === 0) configs.push(step.config);
  return configs.flatMap((c) => (Array.isArray(c?.models) ? (c.models as Rec[]) : []));
}

function registerKeys(step: StepDir): void {
  for (const m of modelConfigs(step))
    if (typeof m.apiKeyEnv === "string") registerSecret(process.env[m.apiKeyEnv]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function stepStatus(step: StepDir): string {
  if (step.pipelineStatus) return step.pipelineStatus;
  for (const runDir of step.runDirs) {
    if (!existsSync(join(runDir, "lock"))) continue;
    const pid = Number(readFileSync(join(runDir, "lock"), "utf8").trim());
    if (pid && isAlive(pid)) return "running";
  }
  if (typeof step.summary?.status === "string") return step.summary.status;
  return step.runDir ? "unknown" : "pending";
}

function overallStatus(steps: StepInfo[]): string {
  if (steps.some((s) => s.status === "running")) return "running";
  return steps.find((s) => s.status !== "complete")?.status ?? "complete";
}

/** Top-level numbers of summary.json (kept, generated, rounds, ...), for the step list. */
function figuresOf(summary: Rec | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(summary ?? {}))
    if (typeof v === "number" && Number.isFinite(v) && k !== "elapsedS") out[k] = v;
  return out;
}

/** Models named in the steps' config.json: name, provider and base URL without credentials. */
function modelsOf(steps: StepDir[]): ModelInfo[] {
  const byKey = new Map<string, ModelInfo>();
  for (const step of steps) {
    for (const m of modelConfigs(step)) {
      const name = String(m.model ?? m.modelPath ?? "unknown");
      const baseUrl = typeof m.baseUrl === "string" ? safeUrl(m.baseUrl) : null;
      const key = `${name}\u0000${baseUrl}`;
      let info = byKey.get(key);
      if (!info) {
        info = { name, provider: typeof m.provider === "string" ? m.provider : null, baseUrl, steps: [] };
        byKey.set(key, info);
      }
      if (!info.steps.includes(step.name)) info.steps.push(step.name);
    }
  }
  return [...byKey.values()];
}

function safeUrl(url: string): string | null {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return null;
  }
}
