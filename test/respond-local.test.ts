/**
 * End-to-end tests of `selfalign demo` and `selfalign respond` on the embedded local model, through the
 * real CLI in a child process: the tiny random-weight GGUF of the test helpers (it speaks gibberish, so
 * only shapes are checked), and the default model's fail-fast path when it cannot be downloaded. The
 * download endpoint is pointed at a loopback server, so no test can reach the real network.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, runCli, tempDir } from "../testkit/cli.js";
import { readJson, readJsonlFile, removeDir, writeJsonl } from "../testkit/respond-e2e.js";
import { tinyGgufPath } from "../testkit/tiny-gguf.js";

const cleanups: Array<() => Promise<void> | void> = [];
let gguf: string;

beforeAll(async () => {
  gguf = await tinyGgufPath();
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function dir(): string {
  const path = tempDir("selfalign-local-");
  cleanups.push(() => removeDir(path));
  return path;
}

describe("demo and pipelines on the local model", () => {
  it("runs the demo pipeline's first step on the local model and stops cleanly if it makes nothing", async () => {
    const model = await tinyGgufPath({ contextLength: 4096 });
    const demoDir = join(dir(), "demo");
    const result = await runCli([
      "demo",
      "--model",
      model,
      "--dir",
      demoDir,
      "--count",
      "2",
      "--max-output-tokens",
      "96",
      "--context-size",
      "4096",
      "--concurrency",
      "2",
      "--progress",
      "none",
    ]);
    expect(readJsonlFile(join(demoDir, "seeds.jsonl"))).toHaveLength(12);
    const run = join(demoDir, "generate", "run");
    for (const name of ["config.json", "summary.json", "events.jsonl", "cache.sqlite"]) {
      expect(existsSync(join(run, name)), name).toBe(true);
    }
    // Generation calls were made (and paid in tokens) even if the gibberish yields no usable task.
    expect((readJson(join(run, "summary.json")).session as { calls: number }).calls).toBeGreaterThan(0);
    const made = readJsonlFile(join(demoDir, "generate", "instructions.jsonl"));
    if (made.length === 0) {
      // Random weights rarely write a task with valid instances: the pipeline says so and stops.
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('step "generate" produced no records');
    } else {
      expect(result.stderr).toContain("demo: complete");
      expect(result.code).toBe(0);
    }
  });

  it("runs respond, judge, preferences and export as a pipeline on the local model", async () => {
    const work = dir();
    const questions = writeJsonl(join(work, "q.jsonl"), [
      { id: "a", instruction: "Name a colour." },
      { id: "b", instruction: "Name a fruit." },
    ]);
    writeFileSync(
      join(work, "p.yaml"),
      [
        "models:",
        `  tiny: {model: ${await tinyGgufPath({ contextLength: 4096 })}, context_size: 4096, concurrency: 2}`,
        "steps:",
        "  - method: respond",
        `    input: ${questions}`,
        "    with: {samples: 2, max-output-tokens: 48}",
        "  - method: judge",
        "    with: {max-output-tokens: 200, aspects: helpfulness}",
        "  - method: preferences",
        "    with: {margin: 0}",
        "  - method: export",
        "    input: respond",
        "    with: {format: openai}",
        "",
      ].join("\n"),
    );
    const result = await runCli(["run", join(work, "p.yaml"), "--progress", "none"]);
    expect(result.stderr).toContain("pipeline complete");
    expect(result.code).toBe(0);
    const out = join(work, "p");
    expect(readJsonlFile(join(out, "respond", "responses.jsonl"))).toHaveLength(4);
    // Under the JSON-schema grammar random weights give valid judgements (scores are an enum), unless a
    // reply runs into the token limit mid-JSON: that one is dropped with its reason.
    const judged = readJsonlFile(join(out, "judge", "judged.jsonl"));
    const dropped = readJsonlFile(join(out, "judge", "dropped.jsonl"));
    expect(judged.length + dropped.length).toBe(4);
    expect(judged.length).toBeGreaterThan(0);
    for (const r of judged) expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).toContain(r.score);
    const rows = readJsonlFile(join(out, "export", "data", "train-00000-of-00001.jsonl"));
    expect(rows.map((r) => (r.messages as Array<{ role: string }>).map((m) => m.role))).toEqual(
      Array(4).fill(["user", "assistant"]),
    );
  });

  it("fails fast with advice when the default model cannot be downloaded", async () => {
    // Stands in for Hugging Face and drops every connection: an offline machine, without the wait.
    const hits: string[] = [];
    const hub: Server = createServer((req) => {
      hits.push(`${req.method} ${req.url}`);
      req.socket.destroy();
    });
    await new Promise<void>((resolve) => hub.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => hub.close(() => resolve())));
    const endpoint = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/`;
    const models = dir();
    const demoDir = join(dir(), "demo");

    const result = await runCli(
      ["demo", "--dir", demoDir, "--progress", "none"],
      cleanEnv({ SELFALIGN_MODELS_DIR: models, HF_ENDPOINT: endpoint, MODEL_ENDPOINT: endpoint }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--model");
    expect(result.stderr).toContain("--base-url");
    expect(result.stderr).toMatch(/could not be downloaded/);
    // It asked our stand-in (so nothing went to the real network), and downloaded nothing.
    expect(hits.length).toBeGreaterThan(0);
    expect(readdirSync(models).filter((name) => name.endsWith(".gguf"))).toEqual([]);
    expect(existsSync(join(demoDir, "responses.jsonl"))).toBe(false);
  });
});

describe("respond on the local model", () => {
  it("returns parsed objects for --json-schema (grammar-constrained)", async () => {
    const work = dir();
    const input = writeJsonl(join(work, "in.jsonl"), [
      { id: "q1", instruction: "Is water wet?" },
      { id: "q2", instruction: "Is fire cold?" },
    ]);
    const schema = join(work, "schema.json");
    writeFileSync(
      schema,
      JSON.stringify({
        type: "object",
        properties: {
          verdict: { type: "string", enum: ["yes", "no", "unsure"] },
          confident: { type: "boolean" },
        },
        required: ["verdict", "confident"],
        additionalProperties: false,
      }),
    );
    const out = join(work, "out.jsonl");
    const result = await runCli([
      "respond",
      "--in",
      input,
      "--out",
      out,
      "--model",
      gguf,
      "--json-schema",
      schema,
      "--max-output-tokens",
      "96",
      "--concurrency",
      "2",
      "--progress",
      "none",
    ]);
    expect(result.code).toBe(0);
    const records = readJsonlFile(out);
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r).not.toHaveProperty("error");
      expect((r.meta as { structured?: unknown }).structured).toMatchObject({ mode: "native" });
      const response = r.response as { verdict: unknown; confident: unknown };
      expect(Object.keys(response).sort()).toEqual(["confident", "verdict"]);
      expect(["yes", "no", "unsure"]).toContain(response.verdict);
      expect(typeof response.confident).toBe("boolean");
    }
  });
});
