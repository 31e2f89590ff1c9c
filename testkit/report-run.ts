/**
 * A real multi-step run for the report tests, made through the CLI against one scripted server
 * (testkit/report-model.ts): self-instruct -> evol -> respond -> judge, plus rainbow, laid out as a
 * pipeline directory (`pipeline.json` listing the steps, one directory per step).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanEnv, runCli, tempDir } from "./cli.js";
import { writeSelfInstructSeeds } from "./in-context-e2e.js";
import { TEST_AXES, TEST_SEEDS } from "./rainbow-model.js";
import { reportModel } from "./report-model.js";
import { type Cleanup, removeDir, serverArgs } from "./respond-e2e.js";
import { startScriptedServer } from "./scripted-server.js";

/** The API key every step of the run is given (by --api-key-env): it must appear in no file. */
export const REPORT_KEY_ENV = "SELFALIGN_REPORT_TEST_KEY";
export const REPORT_KEY = "sk-report-test-0123456789abcdef";

export interface ReportRun {
  dir: string;
  seeds: string;
  steps: Array<{ name: string; method: string; dir: string; product: string; status: string }>;
}

async function cli(args: string[]): Promise<void> {
  const result = await runCli(args, cleanEnv({ [REPORT_KEY_ENV]: REPORT_KEY }));
  if (result.code !== 0) throw new Error(`selfalign ${args[0]} exited ${result.code}: ${result.stderr}`);
}

/** Runs the steps into `dir` (a pipeline directory) against the server at `baseUrl`. */
export async function makeReportRun(dir: string, baseUrl: string): Promise<ReportRun> {
  mkdirSync(dir, { recursive: true });
  const server = [...serverArgs(baseUrl), "--api-key-env", REPORT_KEY_ENV];
  const seeds = writeSelfInstructSeeds(join(dir, "seeds.jsonl"));
  const step = (name: string) => join(dir, name);
  await cli(["self-instruct", "--seeds", seeds, "--out", step("generate"), "--count", "24", ...server]);
  const generated = join(step("generate"), "instructions.jsonl");
  await cli(["evol", "--in", generated, "--out", step("evolve"), "--rounds", "2", ...server]);
  const pool = join(step("evolve"), "pool.jsonl");
  // As a pipeline runs respond: --out names the file, the run directory is <file>.run beside it.
  mkdirSync(step("respond"), { recursive: true });
  const responses = join(step("respond"), "responses.jsonl");
  await cli(["respond", "--in", pool, "--out", responses, ...server]);
  await cli(["judge", "--in", responses, "--out", step("judge"), ...server]);
  const axes = join(dir, "axes.yaml");
  writeFileSync(axes, TEST_AXES);
  const rainbowSeeds = join(dir, "rainbow-seeds.txt");
  writeFileSync(rainbowSeeds, TEST_SEEDS);
  await cli([
    "rainbow",
    "--iterations",
    "4",
    "--axes",
    axes,
    "--seeds",
    rainbowSeeds,
    "--out",
    step("redteam"),
    ...server,
  ]);
  const steps = [
    { name: "generate", method: "self-instruct", dir: "generate", product: "generate/instructions.jsonl" },
    { name: "evolve", method: "evol", dir: "evolve", product: "evolve/pool.jsonl" },
    { name: "respond", method: "respond", dir: "respond", product: "respond/responses.jsonl" },
    { name: "judge", method: "judge", dir: "judge", product: "judge/judged.jsonl" },
    { name: "redteam", method: "rainbow", dir: "redteam", product: "redteam/archive.jsonl" },
  ].map((s) => ({ ...s, status: "complete" }));
  // The layout `selfalign run` writes (src/pipeline/state.ts).
  writeFileSync(join(dir, "pipeline.json"), `${JSON.stringify({ name: "demo-pipeline", steps }, null, 2)}\n`);
  return { dir, seeds, steps };
}

/** A scripted server and the run made against it in a temp dir, both cleaned up after the test file. */
export async function reportRunFixture(cleanups: Cleanup[]): Promise<ReportRun> {
  const dir = tempDir("selfalign-report-");
  cleanups.push(() => removeDir(dir));
  const server = await startScriptedServer({ reply: reportModel().reply });
  cleanups.push(() => server.close());
  return makeReportRun(join(dir, "pipeline"), server.baseUrl);
}
