/**
 * A checked pipeline as the concrete command lines its steps run: paths resolved, the input of each
 * step wired to the product of the step it reads, models and roles turned into flags.
 */
import { isAbsolute, join, resolve } from "node:path";
import type { Command } from "commander";
import type { LoadedPipeline } from "./load.js";
import { stepName } from "./load.js";
import { METHOD_WIRING, type MethodWiring } from "./methods.js";
import type { ModelSpec, StepSpec } from "./spec.js";
import { kebab, modelFlags, roleFlags, withFlags } from "./step-argv.js";

export interface StepRun {
  /** The model alias this run uses (several for a multi-model respond step). */
  model: string | undefined;
  argv: string[];
  /** The file this run writes its records to (the product, or a part of it). */
  output: string;
}

export interface StepPlan {
  index: number;
  name: string;
  method: string;
  step: StepSpec;
  wiring: MethodWiring;
  dir: string;
  /** The input file (absent for methods that read none). */
  input: string | undefined;
  /** What the next step reads. */
  product: string;
  runs: StepRun[];
}

export interface PlanOptions {
  /** Progress display passed to every step. */
  progress?: string;
}

export function planPipeline(
  loaded: LoadedPipeline,
  commands: ReadonlyMap<string, Command>,
  options: PlanOptions = {},
): StepPlan[] {
  const { spec, baseDir, outDir } = loaded;
  const plans: StepPlan[] = [];
  const firstModel = Object.keys(spec.models)[0]!;
  spec.steps.forEach((step, index) => {
    const wiring = METHOD_WIRING[step.method]!;
    const name = stepName(spec, index);
    const dir = join(outDir, name);
    const input = resolveInput(step, wiring, plans, baseDir);
    const product = join(dir, wiring.product);
    const aliases = wiring.model ? (step.models ?? [step.model ?? firstModel]) : [undefined];
    const runs = aliases.map((alias): StepRun => {
      const output = aliases.length > 1 ? join(dir, `responses-${alias}.jsonl`) : product;
      const argv = [step.method];
      if (wiring.input && input !== undefined) argv.push(wiring.input, input);
      argv.push(...outFlags(step.method, wiring, dir, output));
      if (alias !== undefined) argv.push(...modelFlags(spec.models[alias] as ModelSpec));
      for (const [role, roleAlias] of Object.entries(step.roles ?? {})) {
        argv.push(...roleFlags(role, spec.models[roleAlias] as ModelSpec));
      }
      const withValues = step.with ?? {};
      if (spec.seed !== undefined && wiring.model && !("seed" in withValues))
        argv.push("--seed", String(spec.seed));
      argv.push(...withArgv(commands.get(step.method) as Command, wiring, withValues, baseDir));
      if (options.progress && wiring.model) argv.push("--progress", options.progress);
      return { model: alias, argv, output };
    });
    plans.push({ index, name, method: step.method, step, wiring, dir, input, product, runs });
  });
  return plans;
}

function resolveInput(
  step: StepSpec,
  wiring: MethodWiring,
  earlier: StepPlan[],
  baseDir: string,
): string | undefined {
  if (!wiring.input) return undefined;
  const from = step.input ?? (wiring.chains ? "previous" : undefined);
  if (from === undefined) return undefined;
  if (from === "previous") return earlier.at(-1)?.product;
  const named = earlier.find((p) => p.name === from);
  if (named) return named.product;
  return isAbsolute(from) ? from : resolve(baseDir, from);
}

function outFlags(method: string, wiring: MethodWiring, dir: string, output: string): string[] {
  if (method === "dedup") return ["--out", output, "--dropped", join(dir, "dropped.jsonl")];
  // export writes the Hub layout into the step directory (the trailing slash says "directory").
  if (method === "export") return ["--out", `${dir}/`];
  return ["--out", wiring.out === "file" ? output : dir];
}

/**
 * `with` as flags (checked against the command when the pipeline was loaded). Values of options that
 * name files are resolved against the pipeline file, so a pipeline runs the same from any directory.
 */
function withArgv(
  command: Command,
  wiring: MethodWiring,
  values: Record<string, unknown>,
  baseDir: string,
): string[] {
  return withFlags(command, wiring, values).flatMap(({ key, flags }) =>
    flags.map((flag, i) => (i % 2 === 1 ? pathLike(key, flag, baseDir) : flag)),
  );
}

const FILE_OPTIONS = new Set([
  "seeds",
  "topics",
  "data",
  "corpus",
  "train",
  "axes",
  "operations",
  "aspect-file",
  "json-schema",
  "blacklist",
  "prices",
]);

function pathLike(key: string, value: string, baseDir: string): string {
  return FILE_OPTIONS.has(kebab(key)) && !isAbsolute(value) ? resolve(baseDir, value) : value;
}
