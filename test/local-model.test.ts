/**
 * The local provider against the real node-llama-cpp binary and a tiny random-weight GGUF written by
 * the test itself. The model speaks gibberish, so these tests check behaviour (shapes, limits, grammar,
 * determinism, errors), never content.
 */

import { copyFile, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ModelCallError } from "../src/llm/errors.js";
import type { GenerateResult } from "../src/llm/language-model.js";
import {
  buildTinyLlamaGguf,
  createLocalModel,
  DEFAULT_LOCAL_MODEL_URI,
  type LocalModel,
} from "../src/llm/local/index.js";
import { tinyGgufPath } from "../testkit/tiny-gguf.js";

const SEQUENCES = 3;

async function rejection(promise: Promise<unknown>): Promise<ModelCallError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!ModelCallError.is(error)) throw new Error(`expected a ModelCallError, got ${String(error)}`);
  return error;
}

function expectWellFormed(result: GenerateResult, samples: number): void {
  expect(result.completions).toHaveLength(samples);
  for (const completion of result.completions) {
    expect(typeof completion.text).toBe("string");
    expect(["stop", "length"]).toContain(completion.finishReason);
  }
  expect(result.usage.inputTokens).toBeGreaterThan(0);
  expect(result.usage.outputTokens).toBeGreaterThan(0);
}

describe("tiny GGUF writer", () => {
  it("is deterministic and small", () => {
    const first = buildTinyLlamaGguf();
    const second = buildTinyLlamaGguf();
    expect(Buffer.from(first.subarray(0, 4)).toString("latin1")).toBe("GGUF");
    expect(first.length).toBeLessThan(1024 * 1024);
    expect(Buffer.compare(first, second)).toBe(0);
    expect(Buffer.compare(first, buildTinyLlamaGguf({ seed: 99 }))).not.toBe(0);
  });
});

describe("LocalModel on a tiny random GGUF", () => {
  let model: LocalModel;

  beforeAll(async () => {
    // One thread: with a 130k-parameter model, thread synchronisation costs more than it saves.
    model = await createLocalModel({ modelPath: await tinyGgufPath(), sequences: SEQUENCES, threads: 1 });
  });

  afterAll(async () => {
    await model?.close();
  });

  it("loads and describes itself without revealing local paths", () => {
    expect(model.provider).toBe("local");
    expect(model.modelName).toMatch(/^tiny-[0-9a-f]+\.gguf$/);
    expect(model.id).toMatch(/^local:tiny-[0-9a-f]+\.gguf#[0-9a-f]{16}$/);
    expect(model.id).not.toContain(tmpdir());
    expect(model.maxSamplesPerCall).toBe(SEQUENCES);
    expect(model.chatTemplateName).toBe("ChatML");
  });

  it("completes a raw prompt", async () => {
    const result = await model.generate({ prompt: "The world is", maxTokens: 8, temperature: 0.8, seed: 1 });
    expectWellFormed(result, 1);
    expect(result.structuredMode).toBeUndefined();
  });

  it("answers chat messages through the chat template, system message included", async () => {
    const result = await model.generate({
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Say hello." },
      ],
      maxTokens: 8,
      temperature: 0.8,
    });
    expectWellFormed(result, 1);
    // The template wraps both messages, so the model reads more tokens than the bare texts.
    expect(result.usage.inputTokens).toBeGreaterThan(model.countTokens("You are terse.Say hello."));
  });

  it("stops at maxTokens and reports finishReason length", async () => {
    const result = await model.generate({ prompt: "a", maxTokens: 4, temperature: 0 });
    const [completion] = result.completions;
    expect(result.usage.outputTokens).toBeLessThanOrEqual(4);
    if (completion?.finishReason === "length") expect(result.usage.outputTokens).toBe(4);
  });

  it("decodes n samples on separate sequences of one context", async () => {
    const result = await model.generate({ prompt: "Hello", maxTokens: 12, temperature: 1, n: 3 });
    expectWellFormed(result, 3);
    // Each sample gets its own seed; identical samples would mean the sequences shared one sampler state.
    expect(new Set(result.completions.map((c) => c.text)).size).toBeGreaterThan(1);
  });

  it("caps n at the pool size and queues calls beyond it", async () => {
    const request = { prompt: "Hello", maxTokens: 6, temperature: 1, n: 5 };
    const results = await Promise.all([
      model.generate(request),
      model.generate(request),
      model.generate(request),
    ]);
    for (const result of results) expectWellFormed(result, SEQUENCES);
  });

  it("reproduces a sample from its seed", async () => {
    const request = { prompt: "Seeded", maxTokens: 10, temperature: 1, seed: 42 };
    const first = await model.generate(request);
    const second = await model.generate(request);
    expect(second.completions).toEqual(first.completions);
  });

  it("ends the text before a stop string", async () => {
    const free = await model.generate({ prompt: "a", maxTokens: 24, temperature: 0 });
    const text = free.completions[0]?.text ?? "";
    const stop = [...text.slice(3)].find((char) => /[ -~]/.test(char));
    if (stop === undefined) return; // no printable character to stop on (never seen with this seed)
    const stopped = await model.generate({ prompt: "a", maxTokens: 24, temperature: 0, stop: [stop] });
    expect(stopped.completions[0]).toEqual({ text: text.slice(0, text.indexOf(stop)), finishReason: "stop" });
  });

  it("constrains output to a JSON schema with a grammar", async () => {
    const Verdict = z.object({
      label: z.enum(["yes", "no", "maybe"]),
      ok: z.boolean(),
      // nullable → "anyOf" in the JSON Schema, which the grammar builder only knows as "oneOf".
      // (No free string: random weights would rarely close it within the budget, and random byte
      // tokens make invalid UTF-8 that defeats a grammar's maxLength.)
      flag: z.boolean().nullable(),
    });
    const schema = z.toJSONSchema(Verdict) as Record<string, unknown>;
    const chat = await model.generate({
      messages: [{ role: "user", content: "Judge this." }],
      jsonSchema: { name: "verdict", schema },
      maxTokens: 96,
      temperature: 1,
      n: 2,
    });
    const raw = await model.generate({
      prompt: "JSON:",
      jsonSchema: { name: "verdict", schema },
      maxTokens: 96,
    });
    for (const result of [chat, raw]) {
      expect(result.structuredMode).toBe("native");
      for (const completion of result.completions) {
        expect(completion.finishReason).toBe("stop");
        expect(Verdict.parse(JSON.parse(completion.text))).toBeTruthy();
      }
    }
  });

  it("scores the tokens of a text after a context, deterministically", async () => {
    const text = " Paris, the world";
    const first = await model.logprobs("The capital of France is", text);
    const second = await model.logprobs("The capital of France is", text);
    expect(first.tokens.length).toBeGreaterThan(0);
    expect(first.tokens.map((t) => t.token).join("")).toBe(text);
    for (const { logprob } of first.tokens) {
      expect(Number.isFinite(logprob)).toBe(true);
      expect(logprob).toBeLessThanOrEqual(0);
    }
    expect(second).toEqual(first);
  });

  it("gives logprobs that agree with greedy decoding", async () => {
    // The greedy next token is the mode of the distribution, so its probability must be at least 1/vocab.
    const greedy = await model.generate({ prompt: "the", maxTokens: 1, temperature: 0 });
    const token = greedy.completions[0]?.text ?? "";
    if (!/^[ -~]+$/.test(token)) return; // a partial UTF-8 byte cannot be re-tokenized to itself
    const { tokens } = await model.logprobs("the", token);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]?.logprob).toBeGreaterThan(Math.log(1 / 400));
  });

  it("rejects a request with both or neither of messages and prompt", async () => {
    expect((await rejection(model.generate({ maxTokens: 1 }))).kind).toBe("bad-request");
  });
});

describe("createLocalModel errors", () => {
  it("says clearly that a model path does not exist", async () => {
    const error = await rejection(createLocalModel({ modelPath: "/nonexistent/selfalign/model.gguf" }));
    expect(error.kind).toBe("model-unavailable");
    expect(error.message).toContain("/nonexistent/selfalign/model.gguf");
    expect(error.message).toMatch(/not found/i);
  });

  it("says clearly that a file is not a GGUF", async () => {
    const dir = await mkdtemp(join(tmpdir(), "selfalign-notgguf-"));
    const path = join(dir, "model.gguf");
    await writeFile(path, "this is not a model\n");
    const error = await rejection(createLocalModel({ modelPath: path }));
    expect(error.kind).toBe("model-unavailable");
    expect(error.message).toMatch(/not a GGUF/i);
  });

  it("explains how to proceed when the default model cannot be downloaded", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "selfalign-models-"));
    // A closed local port stands in for "no network", so the test never downloads, online or not.
    const error = await rejection(createLocalModel({ cacheDir, huggingFaceEndpoint: "http://127.0.0.1:9/" }));
    expect(error.kind).toBe("model-unavailable");
    expect(error.message).toMatch(/default local model .* could not be downloaded/);
    expect(error.message).toContain("--model /path/to/model.gguf");
    expect(error.message).toContain("--base-url URL --model NAME");
    expect(error.message).toContain("OPENAI_BASE_URL");
  });

  it("reuses a default model already in the cache without touching the network", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "selfalign-models-"));
    // The file name node-llama-cpp gives DEFAULT_LOCAL_MODEL_URI when it downloads it.
    expect(DEFAULT_LOCAL_MODEL_URI).toBe("hf:bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M");
    const cachedName = "hf_bartowski_Qwen2.5-0.5B-Instruct.Q4_K_M.gguf";
    await copyFile(await tinyGgufPath(), join(cacheDir, cachedName));
    const cached = await createLocalModel({
      cacheDir,
      huggingFaceEndpoint: "http://127.0.0.1:9/",
      sequences: 1,
      threads: 1,
    });
    try {
      expect(cached.modelName).toBe(cachedName);
    } finally {
      await cached.close();
    }
  });

  it("refuses calls after close", async () => {
    const closed = await createLocalModel({ modelPath: await tinyGgufPath(), sequences: 1, threads: 1 });
    await closed.close();
    await closed.close(); // idempotent
    expect((await rejection(closed.generate({ prompt: "x", maxTokens: 1 }))).kind).toBe("model-unavailable");
  });
});
