/**
 * A pipeline step as the command line it stands for: `<method> --in ... --out ... <model flags>
 * <role flags> <with flags>`. Running the step is running that command, so a step behaves exactly as
 * the documented command (options, validation, resume) and a user can copy the line to run it alone.
 */
import type { Command, Option } from "commander";
import type { MethodWiring } from "./methods.js";
import type { ModelSpec } from "./spec.js";

/** Options the pipeline sets itself; `with` may not set them. */
const MANAGED = new Set([
  "out",
  "run-dir",
  "progress",
  "dropped",
  "base-url",
  "model",
  "models",
  "api-key-env",
]);
const MODEL_FLAGS = new Set([
  "endpoint",
  "structured-output",
  "concurrency",
  "rpm",
  "tpm",
  "retries",
  "retry-base-ms",
  "timeout",
  "context-size",
  "sequences",
  "price-input",
  "price-output",
]);

/** The flags that select a model and its limits, for the main model of a step. */
export function modelFlags(spec: ModelSpec): string[] {
  const flags = ["--model", spec.model];
  if (spec.base_url !== undefined && spec.base_url !== "local") flags.push("--base-url", spec.base_url);
  if (spec.api_key_env !== undefined) flags.push("--api-key-env", spec.api_key_env);
  const add = (flag: string, value: string | number | undefined) => {
    if (value !== undefined) flags.push(flag, String(value));
  };
  add("--endpoint", spec.endpoint);
  add("--structured-output", spec.structured_output);
  add("--concurrency", spec.concurrency);
  add("--rpm", spec.rpm);
  add("--tpm", spec.tpm);
  add("--retries", spec.retries);
  add("--retry-base-ms", spec.retry_base_ms);
  add("--timeout", spec.timeout_ms);
  add("--context-size", spec.context_size);
  add("--sequences", spec.sequences);
  add("--price-input", spec.price?.input);
  add("--price-output", spec.price?.output);
  return flags;
}

/** `--<role>-model` and its server and key, for a second model of a step. */
export function roleFlags(role: string, spec: ModelSpec): string[] {
  const flags = [`--${role}-model`, spec.model, `--${role}-base-url`, spec.base_url ?? "local"];
  if (spec.api_key_env !== undefined) flags.push(`--${role}-api-key-env`, spec.api_key_env);
  return flags;
}

export function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/_/g, "-");
}

/**
 * `with` as flags, checked against the command's own options. Throws with the offending key (the caller
 * adds the file and line).
 */
export function withFlags(
  command: Command,
  wiring: MethodWiring,
  values: Record<string, unknown>,
): Array<{ key: string; flags: string[] }> {
  const options = new Map<string, Option>();
  for (const option of command.options) if (option.long) options.set(option.long.slice(2), option);
  // A method that reads the previous step gets its input from the pipeline; a generator's source
  // (seeds, corpus, ...) may come from "input:" or from its own option in `with`.
  const inputName = wiring.chains ? wiring.input?.slice(2) : undefined;
  return Object.entries(values).map(([key, value]) => {
    const name = kebab(key);
    if (MANAGED.has(name) || MODEL_FLAGS.has(name) || name === inputName) {
      throw new StepOptionError(key, managedMessage(name, inputName));
    }
    const option = options.get(name);
    const negated = options.get(`no-${name}`);
    if (!option && !negated) {
      throw new StepOptionError(
        key,
        `"${command.name()}" has no option --${name} (see selfalign ${command.name()} --help)`,
      );
    }
    if (typeof value === "boolean") {
      if (value && option?.isBoolean()) return { key, flags: [`--${name}`] };
      if (!value && negated) return { key, flags: [`--no-${name}`] };
      if (!value && option?.isBoolean() && !negated) return { key, flags: [] };
      throw new StepOptionError(key, `--${name} takes a value, not ${value}`);
    }
    if (option?.isBoolean()) throw new StepOptionError(key, `--${name} is a switch: write true or false`);
    const list = Array.isArray(value) ? value : [value];
    return { key, flags: list.flatMap((item) => [`--${name}`, String(item)]) };
  });
}

function managedMessage(name: string, inputName: string | undefined): string {
  if (name === inputName) return `the step's input is set with "input:", not with.${name}`;
  if (name === "models") return `a respond step names several models with "models:" beside "method:"`;
  if (MODEL_FLAGS.has(name) || ["model", "base-url", "api-key-env"].includes(name)) {
    return `model settings belong under "models:" (the step names one with "model:")`;
  }
  return `the pipeline sets --${name} itself`;
}

export class StepOptionError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}
