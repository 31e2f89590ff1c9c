/**
 * The run engine with an in-process model double: cache hits, sample splitting, short replies, single
 * flight, budgets, stop, and the journal that makes a finished call survive a killed process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { BudgetExhaustedError } from "../src/engine/budget.js";
import { RunEngine, RunInterruptedError } from "../src/engine/engine.js";
import { RunDirectory } from "../src/engine/run-dir.js";
import { generateObject } from "../src/engine/structured.js";
import type { GenerateRequest, GenerateResult, LanguageModel } from "../src/llm/language-model.js";

interface Double extends LanguageModel {
  calls: GenerateRequest[];
  /** Resolves pending calls when set to manual. */
  release(): void;
}

/** A model that answers `reply:<user message>#<k>` for each of min(n, cap) samples. */
function double(options: { cap?: number; manual?: boolean; replies?: string[] } = {}): Double {
  const calls: GenerateRequest[] = [];
  const waiting: Array<() => void> = [];
  const replies = options.replies ? [...options.replies] : undefined;
  return {
    id: "double:test",
    provider: "double",
    modelName: "double",
    maxSamplesPerCall: options.cap ?? 16,
    calls,
    release: () => {
      for (const wake of waiting.splice(0)) wake();
    },
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      calls.push(request);
      if (options.manual) await new Promise<void>((resolve) => waiting.push(resolve));
      const n = Math.min(request.n ?? 1, options.cap ?? 16);
      const user = request.messages?.at(-1)?.content ?? request.prompt ?? "";
      return {
        completions: Array.from({ length: n }, (_, k) => ({
          text: replies?.shift() ?? `reply:${user}#${calls.length}.${k}`,
          finishReason: "stop" as const,
        })),
        usage: { inputTokens: 10, outputTokens: 2 * n },
      };
    },
  };
}

const ask = (content: string): GenerateRequest => ({
  messages: [{ role: "user", content }],
  temperature: 0.5,
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup(
  model: LanguageModel,
  budget = {},
  path?: string,
): { engine: RunEngine; runDir: RunDirectory; path: string } {
  const dir = path ?? mkdtempSync(join(tmpdir(), "selfalign-engine-"));
  if (!path) dirs.push(dir);
  const runDir = RunDirectory.open(dir, { test: true });
  const engine = new RunEngine(runDir, { budget });
  engine.addModel(model, { concurrency: 2 });
  return { engine, runDir, path: dir };
}

describe("RunEngine", () => {
  it("answers a repeated request from the cache, across sessions", async () => {
    const model = double();
    const { engine, runDir, path } = setup(model);
    const first = await engine.generate(model, ask("a"), 2);
    runDir.close();
    const again = setup(model, {}, path);
    const second = await again.engine.generate(model, ask("a"), 2);
    again.runDir.close();
    expect(model.calls).toHaveLength(1);
    expect(second.map((s) => s.text)).toEqual(first.map((s) => s.text));
    expect(second.every((s) => s.cached)).toBe(true);
    expect(first.map((s) => s.sample)).toEqual([0, 1]);
  });

  it("splits samples by maxSamplesPerCall and asks again when a server returns fewer than n", async () => {
    const split = double({ cap: 2 });
    const a = setup(split);
    const five = await a.engine.generate(split, ask("x"), 5);
    expect(split.calls.map((c) => c.n ?? 1)).toEqual([2, 2, 1]);
    expect(new Set(five.map((s) => s.text)).size).toBe(5);
    a.runDir.close();

    // Reports 16 per call but returns one: every sample still arrives, each from its own call.
    const ignoresN = { ...double({ cap: 1 }), maxSamplesPerCall: 16 };
    const b = setup(ignoresN);
    const three = await b.engine.generate(ignoresN, ask("y"), 3);
    expect(three.map((s) => s.sample)).toEqual([0, 1, 2]);
    expect(three.every((s) => typeof s.text === "string")).toBe(true);
    expect(ignoresN.calls).toHaveLength(3);
    b.runDir.close();
  });

  it("makes one call for identical requests in flight at once", async () => {
    const model = double({ manual: true });
    const { engine, runDir } = setup(model);
    const both = Promise.all([engine.generate(model, ask("same")), engine.generate(model, ask("same"))]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    model.release();
    const [x, y] = await both;
    expect(model.calls).toHaveLength(1);
    expect(x[0]?.text).toBe(y[0]?.text);
    runDir.close();
  });

  it("holds --max-calls exactly, counting calls in flight, and raising it continues", async () => {
    const model = double();
    const { engine, runDir, path } = setup(model, { maxCalls: 2 });
    await engine.generate(model, ask("1"));
    await engine.generate(model, ask("2"));
    await expect(engine.generate(model, ask("3"))).rejects.toBeInstanceOf(BudgetExhaustedError);
    runDir.close();
    const again = setup(model, { maxCalls: 2 }, path);
    await expect(again.engine.generate(model, ask("3"))).rejects.toThrow(/maxCalls 2 of 2/);
    again.runDir.close();
    const raised = setup(model, { maxCalls: 3 }, path);
    await raised.engine.generate(model, ask("3"));
    raised.runDir.close();
    expect(model.calls).toHaveLength(3);
  });

  it("sends no queued call after stop(); calls in flight finish and are stored", async () => {
    const model = double({ manual: true });
    const { engine, runDir } = setup(model); // concurrency 2
    const results = [1, 2, 3, 4].map((i) =>
      engine.generate(model, ask(String(i))).then(
        (s) => s[0]?.text,
        (e: unknown) => e,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    engine.stop();
    model.release();
    const settled = await Promise.all(results);
    expect(model.calls).toHaveLength(2);
    expect(settled.filter((r) => r instanceof RunInterruptedError)).toHaveLength(2);
    expect(runDir.cache.totals().calls).toBe(2);
    runDir.close();
  });

  it("keeps run state across sessions", () => {
    const { runDir, path } = setup(double());
    runDir.setState("loop", { round: 3, pool: ["a"] });
    runDir.close();
    const again = RunDirectory.open(path, {});
    expect(again.getState("loop")).toEqual({ round: 3, pool: ["a"] });
    expect(again.getState("missing")).toBeUndefined();
    again.close();
  });

  it("replays the journal of a process that died before its batched commit", async () => {
    const model = double();
    const { engine, path } = setup(model);
    await engine.generate(model, ask("survives"));
    // No close(): as after SIGKILL, the row is only in cache.journal, not yet in SQLite.
    const reopened = RunDirectory.open(path, {});
    expect(reopened.cache.totals().calls).toBe(1);
    const engine2 = new RunEngine(reopened);
    engine2.addModel(model, { concurrency: 1 });
    const [sample] = await engine2.generate(model, ask("survives"));
    expect(sample?.cached).toBe(true);
    expect(model.calls).toHaveLength(1);
    reopened.close();
  });

  it("validates structured output, repairs once, and reports a failure without throwing", async () => {
    const schema = z.object({ answer: z.enum(["yes", "no"]) });
    const good = double({ replies: ['{"answer":"maybe"}', '```json\n{"answer":"yes"}\n```'] });
    const a = setup(good);
    const repaired = await generateObject(a.engine, good, { request: ask("q"), schema, name: "verdict" });
    expect(repaired).toMatchObject({ ok: true, value: { answer: "yes" }, repaired: true });
    expect(good.calls[0]?.jsonSchema?.name).toBe("verdict");
    expect(good.calls[1]?.messages?.at(-1)?.content).toMatch(/field "answer"/);
    a.runDir.close();

    const bad = double({ replies: ["no json", "still none"] });
    const b = setup(bad);
    const failed = await generateObject(b.engine, bad, { request: ask("q"), schema, name: "verdict" });
    expect(failed).toMatchObject({ ok: false, text: "still none" });
    expect(failed.ok ? "" : failed.error).toMatch(/no valid JSON after one repair/);
    b.runDir.close();
  });
});
