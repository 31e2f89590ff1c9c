/**
 * `run --dry-run` estimates: every model-calling method has one; for unnatural, llm2llm and autodetect
 * the calls a real run makes through the scripted server (in total and per model, with a student role
 * on its own model) fall inside the estimated range; rainbow counts the axes of its --axes file; calls of
 * a role are priced with that role's model.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Range, StepEstimate } from "../src/pipeline/estimate.js";
import { ESTIMATORS } from "../src/pipeline/estimators.js";
import { METHOD_WIRING, PIPELINE_METHODS } from "../src/pipeline/methods.js";
import { runPipeline } from "../src/pipeline/run.js";
import { autodetectReply, TASK } from "../testkit/autodetect-model.js";
import { tempDir } from "../testkit/cli.js";
import { writeDocumentCorpus } from "../testkit/document-model.js";
import { FEEDBACK_SEEDS, feedbackModel } from "../testkit/feedback-model.js";
import { TEST_AXES } from "../testkit/rainbow-model.js";
import { chatRequests, cleanupsAfterEach, removeDir, writeJsonl } from "../testkit/respond-e2e.js";
import { type ScriptedServerOptions, startScriptedServer } from "../testkit/scripted-server.js";
import { unnaturalModel, writeUnnaturalSeeds } from "../testkit/unnatural-model.js";

const cleanups = cleanupsAfterEach();
const quiet = { progress: "none", log: () => {} };

function workDir(): string {
  const dir = tempDir("selfalign-estimate-");
  cleanups.push(() => removeDir(dir));
  return dir;
}

async function server(reply: ScriptedServerOptions["reply"]) {
  const s = await startScriptedServer({ reply });
  cleanups.push(() => s.close());
  return s;
}

/** A pipeline file of one step; `models` and `step` are YAML flow mappings. */
function pipelineFile(dir: string, models: string, steps: string[]): string {
  const file = join(dir, "pipeline.yaml");
  writeFileSync(file, `out: runs\nmodels: ${models}\nsteps:\n${steps.map((s) => `  - ${s}\n`).join("")}`);
  return file;
}

async function dryRun(file: string): Promise<StepEstimate[]> {
  const result = await runPipeline(file, { ...quiet, dryRun: true });
  expect(result.exitCode).toBe(0);
  return result.estimates ?? [];
}

function expectWithin(actual: number, range: Range | undefined, what: string): void {
  expect(range, what).toBeDefined();
  expect(actual, `${what}: ${actual} calls, estimated ${range?.lo}-${range?.hi}`).toBeGreaterThanOrEqual(
    range?.lo ?? Number.NaN,
  );
  expect(actual, `${what}: ${actual} calls, estimated ${range?.lo}-${range?.hi}`).toBeLessThanOrEqual(
    range?.hi ?? Number.NaN,
  );
}

describe("dry-run estimates", () => {
  it("has an estimator for every method that calls a model, and a dry run of all of them estimates each", async () => {
    const modelMethods = PIPELINE_METHODS.filter((m) => METHOD_WIRING[m]?.model);
    expect(modelMethods.filter((m) => !ESTIMATORS[m])).toEqual([]);

    const dir = workDir();
    writeUnnaturalSeeds(join(dir, "seeds.jsonl"));
    writeFileSync(join(dir, "topics.txt"), "Science > Physics > Optics\nHistory\n");
    writeFileSync(join(dir, "data.csv"), "review,sentiment\nGreat kettle,positive\nBroke fast,negative\n");
    writeFileSync(join(dir, "axes.yaml"), TEST_AXES);
    writeJsonl(join(dir, "train.jsonl"), FEEDBACK_SEEDS);
    writeDocumentCorpus(join(dir, "corpus"));
    const withs: Record<string, string> = {
      "self-instruct": "{seeds: seeds.jsonl, count: 5}",
      unnatural: "{seeds: seeds.jsonl, count: 5}",
      topics: "{topics: topics.txt, per-topic: 3}",
      "from-dataset": "{data: data.csv, description: Reviews.}",
      backtranslate: "{corpus: corpus, seeds: seeds.jsonl, min-tokens: 20}",
      longform: "{corpus: corpus, min-tokens: 20}",
      wrap: "{corpus: corpus, min-tokens: 20}",
      autodetect: "{task: Add numbers.}",
      rainbow: "{iterations: 2, axes: axes.yaml}",
      evol: "{rounds: 1}",
      "auto-evol": "{steps: 1, dev: 2, batch: 2}",
      llm2llm: "{iterations: 2, per-error: 1}",
    };
    const inputs: Record<string, string> = { llm2llm: "train.jsonl", "learn-from-errors": "train.jsonl" };
    const steps = modelMethods.map((m) => {
      const input = inputs[m] ?? (METHOD_WIRING[m]?.chains ? "seeds.jsonl" : undefined);
      return `{name: s-${m}, method: ${m}${input ? `, input: ${input}` : ""}, with: ${withs[m] ?? "{}"}}`;
    });
    const file = pipelineFile(
      dir,
      "{m: {model: m, base_url: 'http://127.0.0.1:9/v1', price: {input: 1, output: 2}}}",
      steps,
    );
    const estimates = await dryRun(file);
    expect(estimates.map((e) => e.method)).toEqual(modelMethods);
    for (const e of estimates) {
      expect(e.note ?? "", e.method).not.toMatch(/not estimated/);
      expect(e.calls?.hi, e.method).toBeGreaterThan(0);
      expect(e.calls?.lo, e.method).toBeLessThanOrEqual(e.calls?.hi ?? 0);
      expect(e.cost?.hi, e.method).toBeGreaterThan(0);
    }
  });

  it("passes a role on another server, or in-process, to auto-evol and backtranslate, and prices it there", async () => {
    const dir = workDir();
    writeUnnaturalSeeds(join(dir, "seeds.jsonl"));
    writeDocumentCorpus(join(dir, "corpus"));
    const file = pipelineFile(
      dir,
      "{m: {model: m, base_url: 'http://127.0.0.1:9/v1', price: {input: 1, output: 2}}, big: {model: big, base_url: 'http://127.0.0.1:10/v1', api_key_env: BIG_KEY, price: {input: 5, output: 10}}, tiny: {model: ./tiny.gguf}}",
      [
        "{name: evolve, method: auto-evol, input: seeds.jsonl, roles: {optimizer: big}, with: {steps: 1, dev: 2, batch: 2}}",
        "{name: back, method: backtranslate, roles: {backward: tiny}, with: {corpus: corpus, seeds: seeds.jsonl, min-tokens: 20}}",
      ],
    );
    const [evolve, back] = await dryRun(file);
    expect(evolve?.command).toEqual(
      expect.arrayContaining(["--optimizer-model", "big", "--optimizer-base-url", "http://127.0.0.1:10/v1"]),
    );
    expect(back?.command).toEqual(
      expect.arrayContaining(["--backward-model", "./tiny.gguf", "--backward-base-url", "local"]),
    );
    const models = (e: StepEstimate | undefined) => (e?.byModel ?? []).map((m) => m.model).sort();
    expect(models(evolve)).toEqual(["big", "m"]);
    expect(models(back)).toEqual(["m", "tiny"]);
    // The in-process model costs nothing; the optimizer's calls cost at its own price.
    expect(back?.byModel?.find((m) => m.model === "tiny")?.cost).toEqual({ lo: 0, hi: 0 });
    expect(evolve?.byModel?.find((m) => m.model === "big")?.cost?.hi).toBeGreaterThan(0);
  });

  it("unnatural: the calls of a run with invalid replies, repairs and duplicates fall inside the estimate", async () => {
    const dir = workDir();
    const s = await server(unnaturalModel().reply);
    writeUnnaturalSeeds(join(dir, "seeds.jsonl"));
    const file = pipelineFile(dir, `{m: {model: test-model, base_url: '${s.baseUrl}'}}`, [
      "{method: unnatural, with: {seeds: seeds.jsonl, count: 6, reformulations: 2}}",
    ]);
    const [estimate] = await dryRun(file);
    expect(s.requests).toHaveLength(0);
    expect((await runPipeline(file, quiet)).exitCode).toBe(0);
    expectWithin(chatRequests(s).length, estimate?.calls, "unnatural");
  });

  it("llm2llm with a student role: the run's calls, and each model's, fall inside the estimate", async () => {
    const dir = workDir();
    const s = await server(feedbackModel().reply);
    writeJsonl(join(dir, "train.jsonl"), FEEDBACK_SEEDS);
    const models = `{teacher: {model: test-model, base_url: '${s.baseUrl}', price: {input: 1, output: 2}}, student: {model: student-model, base_url: '${s.baseUrl}', price: {input: 0, output: 0}}}`;
    const file = pipelineFile(dir, models, [
      "{method: llm2llm, input: train.jsonl, roles: {student: student}, with: {iterations: 2, per-error: 2}}",
    ]);
    const [estimate] = await dryRun(file);
    expect((await runPipeline(file, quiet)).exitCode).toBe(0);
    expectPerModel(estimate, chatRequests(s), { teacher: "test-model", student: "student-model" });
    // The student's calls cost nothing at its price; the total is the teacher's share alone.
    const student = estimate?.byModel?.find((m) => m.model === "student");
    expect(student?.roles).toEqual(["student"]);
    expect(student?.cost).toEqual({ lo: 0, hi: 0 });
    expect(estimate?.cost).toEqual(estimate?.byModel?.find((m) => m.model === "teacher")?.cost);
    expect(estimate?.cost?.hi).toBeGreaterThan(0);
  });

  it("autodetect over two rounds with a student role: calls inside the estimate, in total and per model", async () => {
    const dir = workDir();
    const s = await server(autodetectReply);
    const models = `{teacher: {model: test-model, base_url: '${s.baseUrl}'}, student: {model: student-model, base_url: '${s.baseUrl}'}}`;
    const settings =
      "categories: 2, points-per-category: 2, questions-per-point: 3, sub-points: 2, rounds: 2";
    const file = pipelineFile(dir, models, [
      `{method: autodetect, roles: {student: student}, with: {task: '${TASK}', ${settings}}}`,
    ]);
    const [estimate] = await dryRun(file);
    expect((await runPipeline(file, quiet)).exitCode).toBe(0);
    expectPerModel(estimate, chatRequests(s), { teacher: "test-model", student: "student-model" });
  });

  it("rainbow counts the axes of its --axes file: three axes estimate more calls than two", async () => {
    const dir = workDir();
    writeFileSync(join(dir, "two.yaml"), TEST_AXES);
    // A third axis of one value: the same 4 cells, so only the mutator calls differ.
    writeFileSync(join(dir, "three.yaml"), `${TEST_AXES}  - name: tone\n    values: [calm]\n`);
    const step = (axes: string) =>
      `{name: ${axes}, method: rainbow, with: {iterations: 3, axes: ${axes}.yaml}}`;
    const file = pipelineFile(dir, "{m: {model: m, base_url: 'http://127.0.0.1:9/v1'}}", [
      step("two"),
      step("three"),
    ]);
    const [two, three] = await dryRun(file);
    expect(two?.note).toBe("2 axes, 4 cells");
    expect(three?.note).toBe("3 axes, 4 cells");
    // 12 candidates, one mutator call per axis each (and a repair each at the high end).
    expect((three?.calls?.lo ?? 0) - (two?.calls?.lo ?? 0)).toBe(12);
    expect((three?.calls?.hi ?? 0) - (two?.calls?.hi ?? 0)).toBe(24);
  });
});

/** The run's calls in total and per model name, each inside the estimate's range for that model's alias. */
function expectPerModel(
  estimate: StepEstimate | undefined,
  requests: ReturnType<typeof chatRequests>,
  names: Record<string, string>,
): void {
  expectWithin(requests.length, estimate?.calls, "all calls");
  expect(estimate?.byModel?.map((m) => m.model).sort()).toEqual(Object.keys(names).sort());
  for (const share of estimate?.byModel ?? []) {
    const name = names[share.model ?? ""];
    const made = requests.filter((r) => (r.body as { model?: string }).model === name).length;
    expectWithin(made, share.calls, `${share.model} (${share.roles.join(", ")})`);
  }
}
