/**
 * End-to-end tests of `selfalign respond` through the real CLI in a child process, against the scripted
 * OpenAI-compatible server on loopback: records and run directory, input formats, malformed input,
 * structured output, secrets, environment configuration and --help. Each test has its own temp dir and
 * server; assertions are on what the CLI wrote and what the server received, never on speed.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanEnv, runCli } from "../testkit/cli.js";
import {
  chatRequests,
  cleanupsAfterEach,
  filesUnder,
  instructions,
  MODEL,
  type RespondFixture,
  readEvents,
  readJson,
  readJsonlFile,
  respondFixture,
  sourceSample,
  userMessageOf,
  writeJsonl,
} from "../testkit/respond-e2e.js";
import type { ScriptedServerOptions } from "../testkit/scripted-server.js";

const cleanups = cleanupsAfterEach();

function fixture(
  options: ScriptedServerOptions = {},
  inputName = "instructions.jsonl",
): Promise<RespondFixture> {
  return respondFixture(cleanups, options, inputName);
}

describe("respond: records and run directory", () => {
  it("writes one complete record per (instruction, sample) and a full run directory", async () => {
    const f = await fixture();
    const source = [
      { id: "a", instruction: "Name a colour." },
      { id: "b", instruction: "Translate into English.", input: "Bonjour tout le monde" },
      { id: "c", instruction: "Count to three." },
      { id: 4, instruction: "Say hello." },
      { instruction: "No id here." },
    ];
    writeJsonl(f.input, source);
    const result = await runCli(f.args(["--samples", "2"]));
    expect(result.stderr).toContain("respond: complete");
    expect(result.code).toBe(0);

    const records = readJsonlFile(f.out);
    expect(records).toHaveLength(10);
    expect(new Set(records.map((r) => r.id)).size).toBe(10);
    const expectedSources = [
      "a",
      "a",
      "b",
      "b",
      "c",
      "c",
      "4",
      "4",
      "instructions.jsonl:5",
      "instructions.jsonl:5",
    ];
    // Written in input order, sample 0 then sample 1.
    expect(records.map((r) => (r.lineage as { source_id: string }).source_id)).toEqual(expectedSources);
    records.forEach((record, i) => {
      const line = Math.floor(i / 2) + 1;
      const src = source[line - 1]!;
      const sample = i % 2;
      const user = src.input ? `${src.instruction}\n\n${src.input}` : (src.instruction as string);
      const answer = sample === 0 ? `Answer: ${user}` : `Answer: ${user} [1]`;
      expect(record.id).toMatch(/^[0-9a-f]{16}$/);
      expect(record.instruction).toBe(src.instruction);
      if (src.input) expect(record.input).toBe(src.input);
      else expect(record).not.toHaveProperty("input");
      expect(record.response).toBe(answer);
      expect(record.messages).toEqual([
        { role: "user", content: user },
        { role: "assistant", content: answer },
      ]);
      expect(record.model).toBe(MODEL);
      expect(record.sample).toBe(sample);
      expect(record.finish_reason).toBe("stop");
      const usage = record.usage as { input_tokens: number; output_tokens: number };
      expect(usage.output_tokens).toBeGreaterThan(0);
      // A call's input tokens go to its first sample.
      if (sample === 0) expect(usage.input_tokens).toBeGreaterThan(0);
      expect(record.lineage).toEqual({
        source_id: expectedSources[i],
        source_file: f.input,
        source_line: line,
      });
    });

    // Two samples of one instruction are one call with n = 2.
    const requests = chatRequests(f.server);
    expect(requests).toHaveLength(5);
    for (const r of requests) {
      const body = r.body as Record<string, unknown>;
      expect(body.model).toBe(MODEL);
      expect(body.n).toBe(2);
    }

    for (const name of ["config.json", "summary.json", "events.jsonl", "cache.sqlite"]) {
      expect(existsSync(join(f.runDir, name)), name).toBe(true);
    }
    expect(existsSync(join(f.runDir, "lock")), "lock released").toBe(false);
    const config = readJson(join(f.runDir, "config.json"));
    expect(config.command).toBe("respond");
    expect(config.samples).toBe(2);
    const summary = readJson(join(f.runDir, "summary.json"));
    expect(summary).toMatchObject({
      command: "respond",
      status: "complete",
      read: 5,
      written: 10,
      failed: 0,
    });
    const types = readEvents(f.runDir).map((e) => e.type);
    expect(types[0]).toBe("session-start");
    expect(types.at(-1)).toBe("session-end");
  });

  it("resumes a finished run without asking again or writing duplicates", async () => {
    const f = await fixture();
    writeJsonl(f.input, instructions(4));
    expect((await runCli(f.args())).code).toBe(0);
    const second = await runCli(f.args());
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("4 already there");
    expect(readJsonlFile(f.out)).toHaveLength(4);
    expect(chatRequests(f.server)).toHaveLength(4);
  });

  it("reads a JSON array input", async () => {
    const f = await fixture({}, "instructions.json");
    writeFileSync(
      f.input,
      JSON.stringify([
        { id: "x", instruction: "First from an array." },
        { id: "y", instruction: "Second from an array.", input: "extra" },
      ]),
    );
    const result = await runCli(f.args());
    expect(result.code).toBe(0);
    const records = readJsonlFile(f.out);
    expect(records.map((r) => r.response)).toEqual([
      "Answer: First from an array.",
      "Answer: Second from an array.\n\nextra",
    ]);
    expect(records.map((r) => (r.lineage as { source_id: string }).source_id)).toEqual(["x", "y"]);
  });

  it("reads a CSV input, an empty cell meaning no input", async () => {
    const f = await fixture({}, "instructions.csv");
    writeFileSync(
      f.input,
      'id,instruction,input\nc1,"Summarize, briefly.",\nc2,Fix the grammar.,me and him goes\n',
    );
    const result = await runCli(f.args());
    expect(result.code).toBe(0);
    const records = readJsonlFile(f.out);
    expect(records.map((r) => r.response)).toEqual([
      "Answer: Summarize, briefly.",
      "Answer: Fix the grammar.\n\nme and him goes",
    ]);
    expect(records[0]).not.toHaveProperty("input");
    expect(records.map((r) => (r.lineage as { source_line: number }).source_line)).toEqual([2, 3]);
  });

  it("takes the instruction from --field", async () => {
    const f = await fixture();
    writeJsonl(f.input, [
      { id: "p1", prompt: "Prompt one", instruction: "not this one" },
      { id: "p2", prompt: "Prompt two" },
    ]);
    const result = await runCli(f.args(["--field", "prompt"]));
    expect(result.code).toBe(0);
    const records = readJsonlFile(f.out);
    expect(records.map((r) => r.instruction)).toEqual(["Prompt one", "Prompt two"]);
    expect(chatRequests(f.server).map((r) => userMessageOf(r.body))).toEqual(["Prompt one", "Prompt two"]);
  });
});

describe("respond: several models (--models)", () => {
  const argv = (f: RespondFixture, extra: string[] = []) => [
    "respond",
    "--in",
    f.input,
    "--out",
    f.out,
    "--base-url",
    f.server.baseUrl,
    "--progress",
    "none",
    ...extra,
  ];

  it("asks every model every instruction, writes them in model order, and resumes without a call", async () => {
    const f = await fixture();
    writeJsonl(f.input, [
      { id: "a", instruction: "Name a colour." },
      { id: "b", instruction: "Count to three." },
    ]);
    const result = await runCli(argv(f, ["--models", "alpha, beta", "--samples", "2"]));
    expect(result.stderr).toContain("respond: complete");
    expect(result.code).toBe(0);

    const records = readJsonlFile(f.out);
    expect(records.map((r) => [(r.lineage as { source_id: string }).source_id, r.model, r.sample])).toEqual([
      ["a", "alpha", 0],
      ["a", "alpha", 1],
      ["a", "beta", 0],
      ["a", "beta", 1],
      ["b", "alpha", 0],
      ["b", "alpha", 1],
      ["b", "beta", 0],
      ["b", "beta", 1],
    ]);
    expect(new Set(records.map((r) => r.id)).size).toBe(8);
    const asked = chatRequests(f.server).map((r) => {
      const body = r.body as { model: string };
      return `${body.model}:${userMessageOf(r.body)}`;
    });
    expect(asked.sort()).toEqual(
      ["alpha:Count to three.", "alpha:Name a colour.", "beta:Count to three.", "beta:Name a colour."].sort(),
    );
    const config = readJson(join(f.runDir, "config.json")) as { models: Array<{ model: string }> };
    expect(config.models.map((m) => m.model)).toEqual(["alpha", "beta"]);

    const before = f.server.requests.length;
    const again = await runCli(argv(f, ["--models", "alpha,beta", "--samples", "2"]));
    expect(again.code).toBe(0);
    expect(readJsonlFile(f.out)).toHaveLength(8);
    expect(chatRequests(f.server, before)).toHaveLength(0);

    // A model added to the list is the only one asked.
    const grown = await runCli(argv(f, ["--models", "alpha,beta,gamma", "--samples", "2"]));
    expect(grown.code).toBe(0);
    const added = chatRequests(f.server, before);
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((r) => (r.body as { model: string }).model === "gamma")).toBe(true);
    expect(readJsonlFile(f.out).filter((r) => r.model === "gamma")).toHaveLength(4);
  });

  it("refuses --model together with --models, and a model named twice", async () => {
    const f = await fixture();
    writeJsonl(f.input, [{ id: "a", instruction: "Name a colour." }]);
    const both = await runCli(argv(f, ["--model", "alpha", "--models", "beta"]));
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("give --model or --models, not both");
    const twice = await runCli(argv(f, ["--models", "alpha,alpha"]));
    expect(twice.code).not.toBe(0);
    expect(twice.stderr).toContain("a model is named twice");
    expect(chatRequests(f.server)).toHaveLength(0);
    expect(existsSync(f.out)).toBe(false);
  });
});

describe("respond: malformed input", () => {
  it("stops at a broken JSONL line, naming file:line, and keeps the records before it", async () => {
    const f = await fixture();
    writeFileSync(
      f.input,
      `${JSON.stringify({ id: "l1", instruction: "Line one" })}\n${JSON.stringify({ id: "l2", instruction: "Line two" })}\n{"id": "l3", "instruction": "Line thr\n${JSON.stringify({ id: "l4", instruction: "Line four" })}\n`,
    );
    const result = await runCli(f.args());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${f.input}:3`);
    const records = readJsonlFile(f.out);
    expect(records.map((r) => (r.lineage as { source_line: number }).source_line).sort()).toEqual([1, 2]);
    expect(readJson(join(f.runDir, "summary.json")).status).toBe("error");
  });

  it("names the line and field of an instruction that is not a string", async () => {
    const f = await fixture();
    writeJsonl(f.input, [
      { id: "ok", instruction: "Fine" },
      { id: "bad", instruction: 42 },
    ]);
    const result = await runCli(f.args());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${f.input}:2: field "instruction"`);
    expect(result.stderr).toMatch(/got number/);
    expect(readJsonlFile(f.out).map((r) => r.instruction)).toEqual(["Fine"]);
  });
});

const SCHEMA = {
  type: "object",
  properties: {
    title: { type: "string" },
    label: { type: "string", enum: ["good", "bad"] },
  },
  required: ["title", "label"],
  additionalProperties: false,
};

describe("respond: structured output (--json-schema)", () => {
  async function structuredFixture(options: ScriptedServerOptions = {}) {
    const f = await fixture(options);
    writeJsonl(f.input, instructions(3, "Classify item"));
    const schema = join(f.dir, "schema.json");
    writeFileSync(schema, JSON.stringify(SCHEMA));
    return { ...f, schema };
  }

  it("parses natively enforced JSON into the response", async () => {
    const f = await structuredFixture();
    const result = await runCli(f.args(["--json-schema", f.schema]));
    expect(result.code).toBe(0);
    const records = readJsonlFile(f.out);
    expect(records).toHaveLength(3);
    for (const r of records) {
      expect(r.response).toEqual({ title: "x", label: "good" });
      expect(r).not.toHaveProperty("error");
      expect((r.meta as Record<string, unknown>).structured).toEqual({ mode: "native", repaired: false });
    }
    for (const r of chatRequests(f.server)) {
      const format = (r.body as { response_format?: { type: string } }).response_format;
      expect(format?.type).toBe("json_schema");
    }
  });

  it("falls back to prompt mode when the server rejects response_format", async () => {
    const f = await structuredFixture({ rejectResponseFormat: true });
    const result = await runCli(f.args(["--json-schema", f.schema, "--concurrency", "1"]));
    expect(result.code).toBe(0);
    const records = readJsonlFile(f.out);
    expect(records).toHaveLength(3);
    for (const r of records) {
      expect(r.response).toEqual({ title: "x", label: "good" });
      expect((r.meta as Record<string, unknown>).structured).toEqual({ mode: "prompt", repaired: false });
    }
    const requests = chatRequests(f.server);
    // One rejected native attempt, then prompt mode for good.
    expect(
      requests.filter((r) => (r.body as Record<string, unknown>).response_format !== undefined),
    ).toHaveLength(1);
    expect(requests).toHaveLength(4);
  });

  it("repairs a reply that fails validation the first time", async () => {
    const f = await structuredFixture({
      reply: (ctx) =>
        ctx.messages.some((m) => m.role === "assistant")
          ? JSON.stringify({ title: "fixed", label: "bad" })
          : JSON.stringify({ title: "wrong", label: "maybe" }),
    });
    const result = await runCli(f.args(["--json-schema", f.schema]));
    expect(result.code).toBe(0);
    const records = readJsonlFile(f.out);
    expect(records).toHaveLength(3);
    for (const r of records) {
      expect(r.response).toEqual({ title: "fixed", label: "bad" });
      expect((r.meta as Record<string, unknown>).structured).toEqual({ mode: "native", repaired: true });
    }
    expect(chatRequests(f.server)).toHaveLength(6);
  });

  it("records a reply that stays invalid as response null with the error and the raw text", async () => {
    const f = await structuredFixture({ reply: () => "this is not JSON at all" });
    const result = await runCli(f.args(["--json-schema", f.schema]));
    expect(result.code).toBe(0);
    const records = readJsonlFile(f.out);
    expect(records).toHaveLength(3);
    for (const r of records) {
      expect(r.response).toBeNull();
      expect(String(r.error)).toMatch(/^structured output/);
      expect(r.raw_response).toBe("this is not JSON at all");
    }
    expect(readJson(join(f.runDir, "summary.json")).invalidStructured).toBe(3);
  });
});

describe("respond: secrets", () => {
  it("sends the API key only as the Authorization header and never writes it anywhere", async () => {
    const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const key = `sk-test-${Array.from({ length: 24 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join("")}`;
    const f = await fixture();
    writeJsonl(f.input, instructions(3));
    f.server.injectFaults(
      {
        status: 400,
        body: { error: { message: `Incorrect API key provided: ${key}`, type: "invalid_request_error" } },
      },
      {
        status: 500,
        body: { error: { message: `internal error while checking ${key}`, type: "server_error" } },
      },
    );
    const result = await runCli(f.args(["--concurrency", "1"]), cleanEnv({ OPENAI_API_KEY: key }));
    // The 400 fails one record (exit 2); the 500 is retried.
    expect(result.code).toBe(2);
    const requests = chatRequests(f.server);
    expect(requests.length).toBe(4);
    for (const r of requests) expect(r.headers.authorization).toBe(`Bearer ${key}`);

    const events = readEvents(f.runDir);
    expect(events.some((e) => e.type === "record-failed" && String(e.error).includes("[REDACTED]"))).toBe(
      true,
    );
    expect(events.some((e) => e.type === "retry" && e.kind === "server")).toBe(true);

    const needle = Buffer.from(key);
    const files = [...filesUnder(f.runDir), f.out, f.input];
    expect(files.length).toBeGreaterThan(4);
    for (const file of files) expect(readFileSync(file).includes(needle), file).toBe(false);
    expect(result.stdout).not.toContain(key);
    expect(result.stderr).not.toContain(key);
    // And the run directory and output were produced at all (the check above is not vacuous).
    expect(readJsonlFile(f.out)).toHaveLength(2);
  });
});

describe("respond: environment", () => {
  it("takes the server and model from OPENAI_BASE_URL and SELFALIGN_MODEL", async () => {
    const f = await fixture();
    writeJsonl(f.input, instructions(2));
    // No --progress: stderr is not a terminal, so progress comes as JSON lines.
    const args = ["respond", "--in", f.input, "--out", f.out];
    const result = await runCli(
      args,
      cleanEnv({ OPENAI_BASE_URL: f.server.baseUrl, SELFALIGN_MODEL: "env-model" }),
    );
    expect(result.code).toBe(0);
    const progress = result.stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.type === "progress");
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ step: "respond", done: 2, total: 2, calls: 2, failed: 0 });
    const records = readJsonlFile(f.out);
    expect(records.map((r) => r.response)).toEqual([
      "Answer: Instruction number 1",
      "Answer: Instruction number 2",
    ]);
    expect(records.every((r) => r.model === "env-model")).toBe(true);
    expect(chatRequests(f.server).map((r) => (r.body as Record<string, unknown>).model)).toEqual([
      "env-model",
      "env-model",
    ]);
    expect(records.map(sourceSample)).toEqual(["r1#0", "r2#0"]);
  });
});

describe("respond: invalid invocations", () => {
  it("rejects --samples below 1", async () => {
    const f = await fixture();
    writeJsonl(f.input, instructions(2));
    for (const samples of ["0", "-1"]) {
      const result = await runCli(f.args(["--samples", samples]));
      expect(result.code, `--samples ${samples}`).toBe(1);
      expect(result.stderr).toMatch(/--samples.*positive integer/);
    }
    expect(chatRequests(f.server)).toHaveLength(0);
    expect(existsSync(f.runDir)).toBe(false);
  });

  it("fails on a missing or unknown input file before creating the run directory", async () => {
    const f = await fixture();
    const missing = await runCli(f.args([], join(f.dir, "nope.jsonl")));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${join(f.dir, "nope.jsonl")}: cannot read the input file: ENOENT`);
    const text = join(f.dir, "instructions.txt");
    writeFileSync(text, "hello\n");
    const unknown = await runCli(f.args([], text));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/cannot tell the input format/);
    expect(existsSync(f.runDir)).toBe(false);
    expect(existsSync(f.out)).toBe(false);
  });
});

describe("respond --help", () => {
  it("lists the options", async () => {
    const result = await runCli(["respond", "--help"]);
    expect(result.code).toBe(0);
    for (const option of [
      "--in",
      "--out",
      "--field",
      "--input-field",
      "--samples",
      "--json-schema",
      "--base-url",
      "--model",
      "--api-key-env",
      "--temperature",
      "--max-output-tokens",
      "--concurrency",
      "--rpm",
      "--tpm",
      "--retries",
      "--retry-base-ms",
      "--run-dir",
      "--max-calls",
      "--max-tokens",
      "--max-cost",
      "--price-input",
      "--price-output",
      "--progress",
    ]) {
      expect(result.stdout, option).toMatch(new RegExp(`${option}[ ,<=\\n]`));
    }
    expect(result.stdout).toContain("Exit codes");
  });
});
