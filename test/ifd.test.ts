/**
 * IFD and r-IFD: the scores against a direct computation from the same log-probabilities of the tiny
 * generated GGUF, the selection rules, and `selfalign ifd` end to end on the local model and on an
 * OpenAI-compatible server with prompt log-probabilities (scripted), stopped and resumed.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunEngine } from "../src/engine/engine.js";
import { RunDirectory } from "../src/engine/run-dir.js";
import { renderChat } from "../src/llm/chat-templates.js";
import type { TokenLogprob } from "../src/llm/language-model.js";
import { createLocalModel, type LocalModel } from "../src/llm/local/index.js";
import { perplexity, scoreIfd } from "../src/methods/feedback/ifd.js";
import { selectByIfd } from "../src/methods/feedback/ifd-selection.js";
import { reverseInstructionPrompt } from "../src/prompts/reflection.js";
import { runCli, tempDir } from "../testkit/cli.js";
import {
  cleanupsAfterEach,
  readJson,
  readJsonlFile,
  removeDir,
  serverArgs,
  writeJsonl,
} from "../testkit/respond-e2e.js";
import { startScriptedServer } from "../testkit/scripted-server.js";
import { tinyGgufPath } from "../testkit/tiny-gguf.js";

const cleanups = cleanupsAfterEach();

function dir(): string {
  const path = tempDir("selfalign-ifd-");
  cleanups.push(() => removeDir(path));
  return path;
}

const PAIRS = [
  { instruction: "Name a primary colour.", output: "Red is a primary colour." },
  { instruction: "Add two and three.", output: "Two plus three is five." },
  { instruction: "Say hello in French.", output: "Bonjour, tout le monde." },
  { instruction: "Give an antonym of hot.", output: "Cold is the opposite of hot." },
];

const sum = (tokens: TokenLogprob[]) => tokens.reduce((s, t) => s + t.logprob, 0);

describe("IFD on the tiny GGUF", () => {
  let model: LocalModel;
  let runDir: RunDirectory;
  let scratch: string;

  beforeAll(async () => {
    // One sequence: llama.cpp's batched evaluation of parallel sequences moves the last float digits,
    // and this test compares to 10 digits.
    model = await createLocalModel({ modelPath: await tinyGgufPath(), sequences: 1, threads: 1 });
    scratch = tempDir("selfalign-ifd-lib-");
    runDir = RunDirectory.open(join(scratch, "run"), { test: true });
  });
  afterAll(async () => {
    runDir.close();
    await model.close();
    removeDir(scratch);
  });

  it("equals the ratio of perplexities computed directly from the model's log-probabilities", async () => {
    const engine = new RunEngine(runDir, { seed: 1 });
    engine.addModel(model, { concurrency: 1 });
    const { instruction, output: answer } = PAIRS[0]!;
    const scores = await scoreIfd({ engine, model, template: "model" }, { instruction, answer });

    const user = (content: string) => ({ messages: [{ role: "user" as const, content }] });
    const answerGiven = (await model.logprobs(user(instruction), answer)).tokens;
    const answerAlone = (await model.logprobs("", answer)).tokens;
    const instructionGiven = (await model.logprobs(user(reverseInstructionPrompt(answer)), instruction))
      .tokens;
    const instructionAlone = (await model.logprobs("", instruction)).tokens;
    const ppl = (tokens: TokenLogprob[]) => Math.exp(-sum(tokens) / tokens.length);

    expect(scores.ppl_answer_given_instruction).toBeCloseTo(ppl(answerGiven), 10);
    expect(scores.ppl_answer).toBeCloseTo(ppl(answerAlone), 10);
    expect(scores.ppl_instruction_given_answer).toBeCloseTo(ppl(instructionGiven), 10);
    expect(scores.ppl_instruction).toBeCloseTo(ppl(instructionAlone), 10);
    expect(scores.ifd).toBeCloseTo(ppl(answerGiven) / ppl(answerAlone), 10);
    expect(scores.r_ifd).toBeCloseTo(ppl(instructionGiven) / ppl(instructionAlone), 10);
    expect(scores.answer_tokens).toBe(answerGiven.length);
    expect(answerGiven.map((t) => t.token).join("")).toBe(answer);
    // The conditioned context really is the chat: scoring after the bare instruction gives other numbers.
    expect(sum((await model.logprobs(instruction, answer)).tokens)).not.toBeCloseTo(sum(answerGiven), 6);
  });

  it("applies the GGUF's own chat template, which for this model is ChatML", async () => {
    const { instruction, output: answer } = PAIRS[1]!;
    const messages = [{ role: "user" as const, content: instruction }];
    const own = await model.logprobs({ messages }, answer);
    const rendered = await model.logprobs(renderChat("chatml", messages), answer);
    expect(own.tokens).toEqual(rendered.tokens);
  });

  it("computes perplexity as exp of the mean negative log-probability", () => {
    expect(perplexity([])).toBeUndefined();
    expect(
      perplexity([
        { token: "a", logprob: Math.log(0.5) },
        { token: "b", logprob: Math.log(0.5) },
      ]),
    ).toBeCloseTo(2, 12);
  });
});

describe("selection by IFD", () => {
  const entries = [
    { ifd: 0.9, r_ifd: 0.5 },
    { ifd: 1.2, r_ifd: 0.5 },
    { ifd: 0.4, r_ifd: 0.9 },
    { ifd: 0.7, r_ifd: 1.5 },
    { ifd: 0.9, r_ifd: 0.2 },
  ];

  it("drops IFD >= 1 and keeps the rest ranked by IFD, ties in input order", () => {
    const verdicts = selectByIfd(entries, {});
    expect(verdicts[1]).toMatchObject({ keep: false, reason: "ifd-at-least-max" });
    expect(verdicts.map((v) => (v.keep ? v.rank : 0))).toEqual([1, 0, 4, 3, 2]);
  });

  it("keeps a top share of all records, and applies thresholds first", () => {
    // 40% of 5 records = 2: the two highest IFDs below 1.
    const top = selectByIfd(entries, { topShare: 0.4 });
    expect(top.map((v) => v.keep)).toEqual([true, false, false, false, true]);
    expect(top[3]).toMatchObject({ keep: false, reason: "outside-top" });
    const thresholds = selectByIfd(entries, { minIfd: 0.5, maxRIfd: 1 });
    expect(thresholds.map((v) => (v.keep ? "keep" : v.reason))).toEqual([
      "keep",
      "ifd-at-least-max",
      "ifd-below-min",
      "r-ifd-above-max",
      "keep",
    ]);
    expect(selectByIfd(entries, { topCount: 1 }).filter((v) => v.keep)).toHaveLength(1);
  });
});

describe("selfalign ifd", () => {
  it("scores and selects on the local model, and re-selects without new calls", async () => {
    const work = dir();
    // One answer longer than the tiny model's 512-token context cannot be scored: dropped, not fatal.
    const long = { instruction: "Repeat a word.", output: "word ".repeat(700) };
    const input = writeJsonl(join(work, "sft.jsonl"), [...PAIRS, long]);
    const out = join(work, "out");
    const base = ["ifd", "--in", input, "--out", out, "--model", await tinyGgufPath(), "--progress", "none"];
    const first = await runCli([...base, "--top", "50%"]);
    expect(first.stderr).toContain("ifd: complete");
    expect(first.code).toBe(0);

    const scored = readJsonlFile(join(out, "scored.jsonl"));
    expect(scored.map((r) => r.instruction)).toEqual(PAIRS.map((p) => p.instruction));
    for (const r of scored) {
      const s = r.ifd_scores as Record<string, number>;
      expect(r.ifd).toBeCloseTo(s.ppl_answer_given_instruction! / s.ppl_answer!, 10);
      expect(r.r_ifd).toBeCloseTo(s.ppl_instruction_given_answer! / s.ppl_instruction!, 10);
      expect(r.ifd_scores).toMatchObject({ template: "model", prompt: "ifd/reverse-instruction@v1" });
    }
    expect(readJsonlFile(join(out, "dropped.jsonl"))).toEqual([
      expect.objectContaining({ reason: "unscorable", instruction: "Repeat a word." }),
    ]);

    // 50% of 4 scored = 2, taken from those with IFD < 1, highest first.
    const eligible = scored
      .filter((r) => (r.ifd as number) < 1)
      .sort((a, b) => (b.ifd as number) - (a.ifd as number));
    const selected = readJsonlFile(join(out, "selected.jsonl"));
    expect(selected.map((r) => r.id).sort()).toEqual(
      eligible
        .slice(0, 2)
        .map((r) => r.id)
        .sort(),
    );
    const rejected = readJsonlFile(join(out, "not-selected.jsonl"));
    expect(selected.length + rejected.length).toBe(4);
    for (const r of rejected) expect(["ifd-at-least-max", "outside-top"]).toContain(r.reason);

    const again = await runCli([...base, "--top-count", "1"]);
    expect(again.code).toBe(0);
    const summary = readJson(join(out, "run", "summary.json"));
    expect((summary.session as { calls: number }).calls).toBe(0);
    expect(readJsonlFile(join(out, "selected.jsonl")).map((r) => r.id)).toEqual(
      eligible.length > 0 ? [eligible[0]!.id] : [],
    );
  });

  it("scores through a server's prompt log-probabilities with a named template, stopped and resumed", async () => {
    const work = dir();
    const server = await startScriptedServer({});
    cleanups.push(() => server.close());
    const input = writeJsonl(join(work, "sft.jsonl"), PAIRS);
    const out = join(work, "out");
    const args = ["ifd", "--in", input, "--out", out, ...serverArgs(server.baseUrl), "--concurrency", "1"];

    const refused = await runCli(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--template chatml|llama3");
    expect(server.requests).toHaveLength(0);

    const stopped = await runCli([...args, "--template", "chatml", "--max-calls", "6"]);
    expect(stopped.code).toBe(3);
    const resumed = await runCli([...args, "--template", "chatml"]);
    expect(resumed.stderr).toContain("ifd: complete");
    expect(resumed.code).toBe(0);

    // 4 calls per pair (2 in a chat, 2 bare), each sent once across both runs.
    const bodies = server.requests.map((r) => JSON.stringify(r.body));
    expect(bodies).toHaveLength(PAIRS.length * 4);
    expect(new Set(bodies).size).toBe(bodies.length);
    const prompts = server.requests.map((r) => (r.body as { prompt: string }).prompt);
    const first = PAIRS[0]!;
    expect(prompts).toContain(
      `<|im_start|>user\n${first.instruction}<|im_end|>\n<|im_start|>assistant\n${first.output}`,
    );
    expect(prompts).toContain(first.output);
    expect(readJsonlFile(join(out, "scored.jsonl")).map((r) => r.instruction)).toEqual(
      PAIRS.map((p) => p.instruction),
    );
  });

  it("names the file, line and field of a record without an answer", async () => {
    const work = dir();
    const input = writeJsonl(join(work, "sft.jsonl"), [PAIRS[0], { instruction: "No answer here." }]);
    const result = await runCli([
      "ifd",
      "--in",
      input,
      "--out",
      join(work, "out"),
      "--model",
      await tinyGgufPath(),
      "--progress",
      "none",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('sft.jsonl:2: field "output"');
    // The record before the bad one is scored and kept.
    expect(readJsonlFile(join(work, "out", "scored.jsonl"))).toHaveLength(1);
  });
});
