/**
 * `--dry-run`: what each step would ask its models, as ranges. The low end assumes short replies and
 * every check passing; the high end assumes replies at the token limit and the retries and repairs a
 * method can make (estimators-kit.ts says exactly). Inputs that exist are counted as their method reads
 * them; inputs an earlier step will write take that step's estimated record count. Calls a method
 * sends to another role's model (a student, a judge...) are priced with that model. Rough by nature:
 * it is for budgeting, not accounting.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { ESTIMATORS } from "./estimators.js";
import { readInput } from "./estimators-input.js";
import {
  type Figures,
  type Input,
  type Options,
  type Range,
  r,
  type Share,
  totals,
} from "./estimators-kit.js";
import type { LoadedPipeline } from "./load.js";
import type { StepPlan, StepRun } from "./plan.js";

export type { Range };

/** The calls of one step that go to one model, and what they cost there. */
export interface ModelShare {
  /** The model's alias under `models`. */
  model: string | undefined;
  /** The method's roles served by it ("main": calls of the step's own model). */
  roles: string[];
  calls: Range;
  cost: Range | undefined;
}

export interface StepEstimate {
  name: string;
  method: string;
  command: string[];
  model: string | undefined;
  records: Range | undefined;
  calls: Range | undefined;
  inputTokens: Range | undefined;
  outputTokens: Range | undefined;
  /** USD, from the models' prices; undefined when a model that is called has no price. */
  cost: Range | undefined;
  /** Per model, when the step's roles send calls to more than one. */
  byModel?: ModelShare[];
  note?: string;
}

export async function estimatePipeline(
  loaded: LoadedPipeline,
  plans: StepPlan[],
  commands: ReadonlyMap<string, Command>,
): Promise<StepEstimate[]> {
  const estimates: StepEstimate[] = [];
  for (const plan of plans) {
    for (const run of plan.runs) {
      const options = await parsedOptions(commands, run.argv);
      const input = await inputOf(plan, plans, estimates, options, commands.get(plan.method));
      const figures = await figuresOf(plan.method, options, input);
      estimates.push(stepEstimate(loaded, plan, run, figures));
    }
  }
  return estimates;
}

/** The method's estimate; a method without one, or whose input or options cannot be read, says why. */
async function figuresOf(
  method: string,
  options: Options,
  input: Input | { problem: string } | undefined,
): Promise<Figures | { note: string }> {
  const estimator = ESTIMATORS[method];
  if (!estimator) return { note: `not estimated: see docs/methods/${method}.md` };
  if (input && "problem" in input) return { note: `not estimated: ${input.problem}` };
  try {
    return await estimator(options, input);
  } catch (error) {
    return { note: `not estimated: ${(error as Error).message}` };
  }
}

function stepEstimate(
  loaded: LoadedPipeline,
  plan: StepPlan,
  run: StepRun,
  figures: Figures | { note: string },
): StepEstimate {
  const base = { name: plan.name, method: plan.method, command: run.argv, model: run.model };
  if (!("shares" in figures)) {
    const none = { records: undefined, calls: undefined, inputTokens: undefined, outputTokens: undefined };
    return { ...base, ...none, cost: undefined, note: figures.note };
  }
  const byModel = sharesByModel(loaded, plan, run, figures.shares);
  const costs = byModel.map((m) => m.cost);
  const cost = costs.every((c): c is Range => c !== undefined) ? sumCosts(costs, run, loaded) : undefined;
  return {
    ...base,
    records: figures.records,
    ...totals(figures.shares),
    cost,
    ...(byModel.length > 1 ? { byModel } : {}),
    ...(figures.note ? { note: figures.note } : {}),
  };
}

/** The shares grouped by the model that serves their role: the step's `roles:` alias, else its own. */
function sharesByModel(loaded: LoadedPipeline, plan: StepPlan, run: StepRun, shares: Share[]): ModelShare[] {
  const groups = new Map<string | undefined, { roles: Set<string>; shares: Share[] }>();
  for (const share of shares) {
    const alias = (share.role && plan.step.roles?.[share.role]) || run.model;
    const group = groups.get(alias) ?? { roles: new Set<string>(), shares: [] };
    group.roles.add(share.role ?? "main");
    group.shares.push(share);
    groups.set(alias, group);
  }
  return [...groups].map(([model, group]) => {
    const sum = totals(group.shares);
    return { model, roles: [...group.roles], calls: sum.calls, cost: costOf(loaded, model, sum) };
  });
}

/** USD at the model's price per million tokens; free for the in-process model; undefined without a price. */
function costOf(
  loaded: LoadedPipeline,
  alias: string | undefined,
  tokens: Pick<Share, "inputTokens" | "outputTokens">,
): Range | undefined {
  const spec = alias === undefined ? undefined : loaded.spec.models[alias];
  const local = spec !== undefined && (spec.base_url === undefined || spec.base_url === "local");
  const price = local ? { input: 0, output: 0 } : spec?.price;
  if (!price) return undefined;
  return {
    lo: (tokens.inputTokens.lo * price.input + tokens.outputTokens.lo * price.output) / 1e6,
    hi: (tokens.inputTokens.hi * price.input + tokens.outputTokens.hi * price.output) / 1e6,
  };
}

/** A step without calls has a cost only when its model has a price (as before roles were priced). */
function sumCosts(costs: Range[], run: StepRun, loaded: LoadedPipeline): Range | undefined {
  if (costs.length === 0) return costOf(loaded, run.model, { inputTokens: r(0), outputTokens: r(0) });
  return costs.reduce((a, b) => ({ lo: a.lo + b.lo, hi: a.hi + b.hi }));
}

/** The step's options as its command parses them (defaults included), without running it. */
async function parsedOptions(commands: ReadonlyMap<string, Command>, argv: string[]): Promise<Options> {
  const { buildProgram } = await import("../cli/program.js");
  const program = buildProgram();
  const command = program.commands.find((c) => c.name() === argv[0]);
  if (!command || !commands.has(argv[0] as string)) return {};
  let options: Options = {};
  command.action((opts: Options) => {
    options = opts;
  });
  await program.parseAsync(argv, { from: "user" });
  return options;
}

/**
 * The step's input: counted when the file exists and no step writes it, else what the step it reads is
 * estimated to write. A file that cannot be read is reported, not thrown: the dry run goes on.
 */
async function inputOf(
  plan: StepPlan,
  plans: StepPlan[],
  done: StepEstimate[],
  options: Options,
  command: Command | undefined,
): Promise<Input | { problem: string } | undefined> {
  const path = plan.input ?? sourceOption(plan, options, command);
  if (path === undefined) return undefined;
  const source = plans.find((p) => p.product === path);
  const made = done.filter((e) => e.name === source?.name);
  if (made.length > 0) {
    const records = made.reduce<Range>(
      (sum, e) => r(sum.lo + (e.records?.lo ?? 0), sum.hi + (e.records?.hi ?? 0)),
      r(0),
    );
    return { records, tokens: 150 };
  }
  if (!existsSync(path)) return undefined;
  try {
    return await readInput(plan.method, path, options);
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** A generator's source named in `with` (seeds, corpus, topics...), resolved by the planner. */
function sourceOption(plan: StepPlan, options: Options, command: Command | undefined): string | undefined {
  const option = command?.options.find((o) => o.long === plan.wiring.input);
  const value = option === undefined ? undefined : options[option.attributeName()];
  return typeof value === "string" ? value : undefined;
}

const range = (x: Range | undefined, unit = "") =>
  x === undefined ? "?" : x.lo === x.hi ? `${x.lo}${unit}` : `${x.lo}-${x.hi}${unit}`;
const money = (c: Range | undefined) => (c ? `$${c.lo.toFixed(4)}-$${c.hi.toFixed(4)}` : "no price");

export function formatEstimate(e: StepEstimate): string {
  const lines = [
    `${e.name} (${e.method}${e.model ? `, model ${e.model}` : ""}): selfalign ${e.command.join(" ")}`,
    `  records out ${range(e.records)}; calls ${range(e.calls)}; input tokens ${range(e.inputTokens)}; output tokens ${range(e.outputTokens)}; cost ${money(e.cost)}${e.note ? ` (${e.note})` : ""}`,
  ];
  if (e.byModel) {
    const parts = e.byModel.map(
      (m) => `${m.model ?? "?"} (${m.roles.join(", ")}): calls ${range(m.calls)}, cost ${money(m.cost)}`,
    );
    lines.push(`  by model: ${parts.join("; ")}`);
  }
  return lines.join("\n");
}

/**
 * The pipeline's sums. A figure that one step could not estimate makes the sum a lower bound, said
 * with "at least"; steps without calls (and so without a price) add nothing to the cost.
 */
export function formatTotal(estimates: StepEstimate[]): string {
  const sum = (pick: (e: StepEstimate) => Range | undefined) => {
    let partial = false;
    const total = { lo: 0, hi: 0 };
    for (const e of estimates) {
      const x = pick(e);
      if (x === undefined) partial = true;
      else {
        total.lo += x.lo;
        total.hi += x.hi;
      }
    }
    return { total, partial };
  };
  const show = (s: { total: Range; partial: boolean }, format: (x: Range) => string) =>
    `${s.partial ? "at least " : ""}${format(s.total)}`;
  const calls = sum((e) => e.calls);
  const input = sum((e) => e.inputTokens);
  const output = sum((e) => e.outputTokens);
  const cost = sum((e) => (e.calls && e.calls.hi === 0 ? { lo: 0, hi: 0 } : e.cost));
  return `total: calls ${show(calls, range)}; input tokens ${show(input, range)}; output tokens ${show(output, range)}; cost ${show(cost, money)}`;
}
