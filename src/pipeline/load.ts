/**
 * Reading and checking a pipeline before anything runs: the shape (zod), then what zod cannot know —
 * every method exists, every model alias and step name it refers to is defined, and every `with` key is
 * an option of that method's command. Each error names the file, the line and the field.
 */
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import type { z } from "zod";
import { InputError } from "../data/input-error.js";
import { readYamlFile } from "../data/yaml-file.js";
import { METHOD_WIRING, PIPELINE_METHODS } from "./methods.js";
import { type PipelineSpec, pipelineSpecSchema } from "./spec.js";
import { StepOptionError, withFlags } from "./step-argv.js";

export interface LoadedPipeline {
  spec: PipelineSpec;
  /** Directory that relative paths in the pipeline are resolved against. */
  baseDir: string;
  /** Where the pipeline's step directories and state go. */
  outDir: string;
}

type Where = (path: readonly PropertyKey[]) => { file: string; line: number | undefined };

/** Reads a pipeline file and checks it completely. */
export async function loadPipelineFile(file: string): Promise<LoadedPipeline> {
  const path = resolve(file);
  const yaml = await readYamlFile(path, "pipeline");
  const where: Where = (at) => ({ file: path, line: yaml.lineOf(at) });
  const spec = await checkPipeline(yaml.doc.toJS() as unknown, where);
  const baseDir = dirname(path);
  const defaultOut = path.replace(/\.(ya?ml|json)$/i, "");
  return { spec, baseDir, outDir: resolve(baseDir, spec.out ?? defaultOut) };
}

/** Checks a pipeline given as a value (from code); errors name the field. */
export async function checkPipelineValue(
  value: unknown,
  baseDir: string,
  label = "pipeline",
): Promise<LoadedPipeline> {
  const spec = await checkPipeline(value, () => ({ file: label, line: undefined }));
  return { spec, baseDir, outDir: resolve(baseDir, spec.out ?? label) };
}

async function checkPipeline(value: unknown, where: Where): Promise<PipelineSpec> {
  const parsed = pipelineSpecSchema.safeParse(value);
  if (!parsed.success) throw shapeError(parsed.error, where);
  const spec = parsed.data;
  const fail = (path: PropertyKey[], message: string): never => {
    const { file, line } = where(path);
    throw new InputError(file, line, message, { field: path.join(".") });
  };
  const { buildProgram } = await import("../cli/program.js");
  const commands = new Map<string, Command>(buildProgram().commands.map((c) => [c.name(), c]));
  const aliases = Object.keys(spec.models);
  const names = new Set<string>();
  spec.steps.forEach((step, i) => {
    const at = (...rest: PropertyKey[]) => ["steps", i, ...rest];
    const wiring = METHOD_WIRING[step.method];
    const command = commands.get(step.method);
    if (!wiring || !command)
      fail(at("method"), `unknown method "${step.method}"; one of ${PIPELINE_METHODS.join(", ")}`);
    const name = stepName(spec, i);
    if (names.has(name)) fail(at("name"), `step name "${name}" is used twice: give one of them a name`);
    for (const alias of [step.model, ...(step.models ?? []), ...Object.values(step.roles ?? {})]) {
      if (alias !== undefined && !aliases.includes(alias)) {
        fail(
          at(step.models?.includes(alias) ? "models" : step.model === alias ? "model" : "roles"),
          `no model named "${alias}" under models (${aliases.join(", ")})`,
        );
      }
    }
    if (step.models && step.method !== "respond")
      fail(at("models"), "several models answer only in a respond step; use model");
    if (step.models && step.model) fail(at("model"), "give model or models, not both");
    if (!wiring?.model && (step.model || step.models || step.roles))
      fail(at("model"), `"${step.method}" calls no model`);
    if (step.input !== undefined && !wiring?.input) fail(at("input"), `"${step.method}" reads no input`);
    if (
      step.input !== undefined &&
      step.input !== "previous" &&
      names.has(step.input) === false &&
      isStepLike(step.input, spec)
    ) {
      fail(at("input"), `step "${step.input}" comes later; a step reads only earlier steps`);
    }
    if (step.input === "previous" && i === 0) fail(at("input"), "the first step has no previous step");
    if (wiring?.chains && step.input === undefined && i === 0 && wiring.input) {
      fail(at(), `"${step.method}" reads records: give the first step an input (a file path)`);
    }
    const sourceKey = wiring?.input?.slice(2);
    if (
      step.input !== undefined &&
      !wiring?.chains &&
      sourceKey &&
      Object.keys(step.with ?? {}).some((k) => k === sourceKey)
    ) {
      fail(at("input"), `give the ${wiring?.input} file with "input:" or with.${sourceKey}, not both`);
    }
    for (const role of Object.keys(step.roles ?? {})) {
      if (!command?.options.some((o) => o.long === `--${role}-model`)) {
        fail(at("roles", role), `"${step.method}" has no ${role} role (no --${role}-model option)`);
      }
    }
    try {
      if (command && wiring) withFlags(command, wiring, step.with ?? {});
    } catch (error) {
      if (error instanceof StepOptionError) fail(at("with", error.key), error.message);
      throw error;
    }
    names.add(name);
  });
  return spec;
}

/** A step's name: its own, else its method (numbered when the method repeats). */
export function stepName(spec: PipelineSpec, index: number): string {
  const step = spec.steps[index]!;
  if (step.name) return step.name;
  const same = spec.steps.filter((s, i) => i < index && !s.name && s.method === step.method).length;
  return same === 0 ? step.method : `${step.method}-${same + 1}`;
}

function isStepLike(input: string, spec: PipelineSpec): boolean {
  return spec.steps.some((_, i) => stepName(spec, i) === input);
}

function shapeError(error: z.ZodError, where: Where): InputError {
  const issue = error.issues[0]!;
  const { file, line } = where(issue.path);
  const field = issue.path.join(".");
  return new InputError(file, line, issue.message, field ? { field } : {});
}
