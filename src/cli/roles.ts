/**
 * A second (or third) model in a run, by role: the student of the feedback methods, an optimizer, a
 * backward model. `--<role>-model NAME` names it; it uses the main model's server and key unless
 * `--<role>-base-url URL` and `--<role>-api-key-env VAR` say otherwise; `--<role>-base-url local` runs
 * it in-process (a GGUF path or hf: URI as its model, the default small model when the name is
 * "local"). Limits (concurrency, retries, timeouts) are the main model's.
 */
import { type Command, InvalidArgumentError } from "commander";
import type { ResolvedModelConfig } from "../llm/resolve-model.js";

function camel(role: string, suffix: string): string {
  return `${role.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}${suffix}`;
}

function baseUrlOrLocal(value: string): string {
  if (value === "local") return value;
  try {
    new URL(value);
  } catch {
    throw new InvalidArgumentError(`expected a URL or "local", got "${value}"`);
  }
  return value;
}

export interface RoleOptionsStyle {
  /**
   * Also accept `--<role> NAME` for `--<role>-model NAME`, for commands whose interface names the role
   * itself (`rainbow --target M --judge M`, `reflect --student M`).
   */
  bare?: boolean;
}

export function addRoleOptions(
  cmd: Command,
  role: string,
  what: string,
  style: RoleOptionsStyle = {},
): Command {
  if (style.bare) cmd.option(`--${role} <name>`, `${what} (same as --${role}-model)`);
  return cmd
    .option(`--${role}-model <name>`, `${what} (default: --model)`)
    .option(
      `--${role}-base-url <url>`,
      `server of the ${role} model (default: --base-url; "local": in-process GGUF)`,
      baseUrlOrLocal,
    )
    .option(`--${role}-api-key-env <var>`, `environment variable holding the ${role} model's key`);
}

/**
 * The role's model config, or undefined when it is the main model (no --<role>-model, or the same
 * name, server and key). Options of the role without --<role>-model are an error.
 */
export function roleConfig(
  main: ResolvedModelConfig,
  opts: Record<string, unknown>,
  role: string,
): ResolvedModelConfig | undefined {
  const name = roleModelName(opts, role);
  const base = opts[camel(role, "BaseUrl")] as string | undefined;
  const keyEnv = opts[camel(role, "ApiKeyEnv")] as string | undefined;
  if (!name) {
    if (base !== undefined || keyEnv !== undefined)
      throw new Error(`--${role}-base-url and --${role}-api-key-env need --${role}-model`);
    return undefined;
  }
  if (base === "local") return { ...main, model: name, baseUrl: undefined, provider: "local" };
  const baseUrl = base ?? main.baseUrl;
  const apiKeyEnv = keyEnv ?? main.apiKeyEnv;
  if (name === main.model && baseUrl === main.baseUrl && apiKeyEnv === main.apiKeyEnv) return undefined;
  return { ...main, model: name, baseUrl, apiKeyEnv, provider: baseUrl ? "openai-compatible" : "local" };
}

/** The role's model name from `--<role>-model` or its bare form `--<role>`; both at once must agree. */
export function roleModelName(opts: Record<string, unknown>, role: string): string | undefined {
  const long = opts[camel(role, "Model")] as string | undefined;
  const bare = opts[camel(role, "")] as string | undefined;
  if (long !== undefined && bare !== undefined && long !== bare)
    throw new Error(`--${role} and --${role}-model name different models ("${bare}", "${long}")`);
  return long ?? bare;
}
