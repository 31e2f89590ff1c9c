/**
 * Pipelines: `selfalign init` and `run --dry-run`; a six-method pipeline end to end through the scripted
 * server (two models answering, DPO and SFT exports checked against the trainers' formats), stopped by
 * Ctrl-C and resumed without repeating a request; bad pipeline files with line numbers; the library API.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPipeline } from "../src/pipeline/run.js";
import { cleanEnv, runCli, startCli, tempDir } from "../testkit/cli.js";
import { writeSelfInstructSeeds } from "../testkit/in-context-e2e.js";
import { reportModel } from "../testkit/report-model.js";
import {
  cleanupsAfterEach,
  readJson,
  readJsonlFile,
  removeDir,
  waitFor,
  writeJsonl,
} from "../testkit/respond-e2e.js";
import { startScriptedServer } from "../testkit/scripted-server.js";

const cleanups = cleanupsAfterEach();
const SECRET = "sk-pipeline-secret-0123456789";

function workDir(): string {
  const dir = tempDir("selfalign-pipeline-");
  cleanups.push(() => removeDir(dir));
  return dir;
}

/** One server for every role; the small model's answers differ from the big one's, so the judge tells them apart. */
async function server(latencyMs = 0) {
  const { reply } = reportModel();
  const s = await startScriptedServer({
    latencyMs,
    reply: (ctx) => {
      const text = reply(ctx);
      return ctx.body.model === "small-model" && typeof text === "string" ? `${text} (in short)` : text;
    },
  });
  cleanups.push(() => s.close());
  return s;
}

function pipelineYaml(baseUrl: string): string {
  return `name: full
out: runs/full
seed: 2
models:
  big:
    model: big-model
    base_url: ${baseUrl}
    api_key_env: PIPELINE_KEY
    concurrency: 2
    retries: 1
    price: {input: 1, output: 2}
  small:
    model: small-model
    base_url: ${baseUrl}
    api_key_env: PIPELINE_KEY
steps:
  - name: generate
    method: self-instruct
    with: {seeds: seeds.jsonl, count: 6}
  - name: evolve
    method: evol
    with: {rounds: 1}
  - name: responses
    method: respond
    models: [big, small]
  - name: judge
    method: judge
  - name: preferences
    method: preferences
    with: {margin: 1}
  - name: dpo
    method: export
    with: {format: dpo, conversational: true}
  - name: sft
    method: export
    input: responses
    with: {format: sharegpt}
`;
}

const env = () => cleanEnv({ PIPELINE_KEY: SECRET });

describe("selfalign init and run --dry-run", () => {
  it("writes an example that a dry run lists step by step, with estimates, calling nothing", async () => {
    const dir = workDir();
    const init = await runCli(["init", dir]);
    expect(init.code).toBe(0);
    expect(readJsonlFile(join(dir, "seeds.jsonl"))).toHaveLength(12);
    expect((await runCli(["init", dir])).stderr).toContain("--force");

    const dry = await runCli(["run", join(dir, "pipeline.yaml"), "--dry-run"]);
    expect(dry.code).toBe(0);
    for (const step of ["generate", "evolve", "responses", "judge", "preferences", "dpo", "sft"]) {
      expect(dry.stderr).toContain(`${step} (`);
    }
    expect(dry.stderr).toContain(`--seeds ${join(dir, "seeds.jsonl")} --count 20`);
    // 20 tasks, about 8 per request: at least 3 generation calls plus two per task; the local model is free.
    expect(dry.stderr).toMatch(
      /records out 20; calls 43-\d+; input tokens \d+-\d+; output tokens \d+-\d+; cost \$0\.0000-\$0\.0000/,
    );
    // The last line sums the steps: the calls of the four model steps, at least the first step's 43.
    const total =
      /total: calls (\d+)-(\d+); input tokens \d+-\d+; output tokens \d+-\d+; cost \$0\.0000-\$0\.0000/.exec(
        dry.stderr,
      );
    expect(Number(total?.[1])).toBeGreaterThan(43);
    expect(Number(total?.[1])).toBeLessThanOrEqual(Number(total?.[2]));
    expect(existsSync(join(dir, "runs"))).toBe(false);
  });
});

describe("selfalign run", () => {
  it("runs six methods end to end, resumes after Ctrl-C without repeating a request", async () => {
    const dir = workDir();
    const s = await server(20);
    writeSelfInstructSeeds(join(dir, "seeds.jsonl"));
    const file = join(dir, "pipeline.yaml");
    writeFileSync(file, pipelineYaml(s.baseUrl));
    const out = join(dir, "runs", "full");

    // Ctrl-C once the responses step is under way.
    const first = startCli(["run", file, "--progress", "none"], env());
    await waitFor(
      () => s.requests.some((r) => (r.body as { model?: string }).model === "small-model"),
      "responses step",
    );
    first.kill("SIGINT");
    const stopped = await first.result;
    expect(stopped.code, stopped.stderr).toBe(130);
    const state = readJson(join(out, "pipeline.json")) as { steps: Array<{ name: string; status: string }> };
    expect(state.steps.find((x) => x.name === "generate")?.status).toBe("complete");
    expect(["interrupted", "running"]).toContain(state.steps.find((x) => x.name === "responses")?.status);

    const done = await runCli(["run", file, "--progress", "none"], env());
    expect(done.stderr).toContain("pipeline complete");
    expect(done.code).toBe(0);
    expect(done.stderr).toContain("generate (self-instruct): complete (earlier run); skipped");
    const bodies = s.requests.map((r) => JSON.stringify(r.body));
    expect(new Set(bodies).size).toBe(bodies.length);

    const final = readJson(join(out, "pipeline.json")) as { steps: Array<{ status: string; dir: string }> };
    expect(final.steps.map((x) => x.status)).toEqual(Array(7).fill("complete"));
    expect(final.steps[0]?.dir).toBe("generate");

    // Both models answered every instruction.
    const pool = readJsonlFile(join(out, "evolve", "pool.jsonl"));
    const responses = readJsonlFile(join(out, "responses", "responses.jsonl"));
    expect(responses).toHaveLength(pool.length * 2);
    expect(new Set(responses.map((r) => r.model))).toEqual(new Set(["big-model", "small-model"]));

    // TRL conversational preference rows, and ShareGPT SFT rows, as the trainers document them.
    const dpo = readJsonlFile(join(out, "dpo", "data", "train-00000-of-00001.jsonl"));
    expect(dpo.length).toBeGreaterThan(0);
    for (const row of dpo) {
      expect(Object.keys(row).sort()).toEqual(["chosen", "prompt", "rejected"]);
      expect((row.prompt as Array<{ role: string }>).at(-1)?.role).toBe("user");
      expect((row.chosen as Array<{ role: string }>)[0]?.role).toBe("assistant");
    }
    const sft = readJsonlFile(join(out, "sft", "data", "train-00000-of-00001.jsonl"));
    expect(sft).toHaveLength(responses.length);
    for (const row of sft) {
      const turns = row.conversations as Array<{ from: string; value: string }>;
      expect(turns.map((t) => t.from)).toEqual(["human", "gpt"]);
    }
    const info = readJson(join(out, "sft", "dataset_info.json"));
    expect(Object.values(info)).toEqual([expect.objectContaining({ formatting: "sharegpt" })]);

    // The key reached the server and nothing on disk.
    expect(s.requests.every((r) => r.headers.authorization === `Bearer ${SECRET}`)).toBe(true);
    for (const path of [
      join(out, "pipeline.json"),
      join(out, "judge", "run", "config.json"),
      join(out, "dpo", "README.md"),
    ]) {
      expect(readFileSync(path, "utf8")).not.toContain(SECRET);
    }
  });

  it("names the file, line and field of a bad pipeline, before anything runs", async () => {
    const dir = workDir();
    const file = join(dir, "bad.yaml");
    const cases: Array<[string, RegExp]> = [
      [
        "models: {m: {model: x}}\nsteps:\n  - method: self-instruct\n    with: {seeds: s.jsonl, cuont: 3}\n",
        /bad\.yaml:4: field "steps\.0\.with\.cuont": "self-instruct" has no option --cuont/,
      ],
      [
        "models: {m: {model: x}}\nsteps:\n  - method: self-instruct\n  - method: sing\n",
        /bad\.yaml:4: field "steps\.1\.method": unknown method "sing"/,
      ],
      [
        "models: {m: {model: x}}\nsteps:\n  - method: evol\n    input: data.jsonl\n    model: other\n",
        /bad\.yaml:5: field "steps\.0\.model": no model named "other"/,
      ],
      [
        "models: {m: {model: x, concurency: 2}}\nsteps:\n  - method: evol\n",
        /bad\.yaml:1: field "models\.m": Unrecognized key/,
      ],
      [
        "models: {m: {model: x}}\nsteps:\n  - method: respond\n    input: a.jsonl\n    with: {model: y}\n",
        /bad\.yaml:5: field "steps\.0\.with\.model": model settings belong under "models:"/,
      ],
      ["models: {m: {model: x}\nsteps: []\n", /bad\.yaml:\d+: invalid YAML/],
    ];
    for (const [text, expected] of cases) {
      writeFileSync(file, text);
      const result = await runCli(["run", file]);
      expect(result.code, text).toBe(1);
      expect(result.stderr, text).toMatch(expected);
    }
    expect(existsSync(join(dir, "bad"))).toBe(false);
  });

  it("runs a pipeline given as a value from the library", async () => {
    const dir = workDir();
    const s = await server();
    const input = writeJsonl(join(dir, "questions.jsonl"), [
      { id: "q1", instruction: "Name a colour." },
      { id: "q2", instruction: "Name a fruit." },
    ]);
    const result = await runPipeline(
      {
        out: "lib",
        models: { m: { model: "lib-model", base_url: s.baseUrl } },
        steps: [
          { method: "respond", input, with: { samples: 2 } },
          { method: "judge" },
          { method: "preferences", with: { margin: 0 } },
        ],
      },
      { baseDir: dir, progress: "none", log: () => {} },
    );
    expect(result.exitCode).toBe(0);
    expect(result.steps.map((x) => x.status)).toEqual(["complete", "complete", "complete"]);
    expect(readJsonlFile(join(dir, "lib", "judge", "judged.jsonl"))).toHaveLength(4);
  });
});
