/**
 * Runs the selfalign CLI in a child process, as a user would run the built one: from `.test-dist/`,
 * which the global setup (build-cli.ts) compiles from the current sources before any test runs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const cliPath = join(root, ".test-dist/cli/main.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment for children: no inherited model settings, so tests are hermetic. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENAI_BASE_URL;
  delete env.OPENAI_API_KEY;
  delete env.SELFALIGN_MODEL;
  // Where local models come from: a developer's own settings must not change what tests download or load.
  delete env.SELFALIGN_MODELS_DIR;
  delete env.HF_ENDPOINT;
  delete env.MODEL_ENDPOINT;
  delete env.SELFALIGN_DEBUG;
  return { ...env, ...extra };
}

export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = cleanEnv(),
): ChildProcess & { result: Promise<CliResult> } {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: root, env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const result = new Promise<CliResult>((resolvePromise) => {
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  return Object.assign(child, { result });
}

export function runCli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return startCli(args, env).result;
}

export function tempDir(prefix = "selfalign-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
