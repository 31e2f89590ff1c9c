/**
 * Selective Reflection-Tuning: the student's choice rules, and `selfalign reflect` end to end with the
 * teacher on the scripted server and the student either the tiny local GGUF or the same server's prompt
 * log-probabilities; stopped and resumed; from the library.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createOpenAICompatibleModel } from "../src/llm/openai-compatible.js";
import { newReflectStats, reflect } from "../src/methods/feedback/reflect.js";
import { chooseInstruction, chooseResponse } from "../src/methods/feedback/reflection-choice.js";
import { runCli, tempDir } from "../testkit/cli.js";
import { libraryRun } from "../testkit/library-run.js";
import {
  cleanupsAfterEach,
  readJsonlFile,
  removeDir,
  serverArgs,
  writeJsonl,
} from "../testkit/respond-e2e.js";
import { type ReplyContext, startScriptedServer } from "../testkit/scripted-server.js";
import { tinyGgufPath } from "../testkit/tiny-gguf.js";

const cleanups = cleanupsAfterEach();

const PAIRS = [
  { instruction: "Name a primary colour.", output: "Red is a primary colour." },
  {
    instruction: "Explain why the sky is blue.",
    output: "Sunlight scatters off air molecules, blue the most.",
  },
  { instruction: "BROKEN teacher case: list two fruits.", output: "Apples and pears." },
];

/** The teacher: a longer instruction and answer at stage 1, a rewritten answer at stage 2, bad JSON for BROKEN. */
function teacher(ctx: ReplyContext): string {
  if (ctx.input.includes("BROKEN")) return "I would rather not answer in JSON.";
  if (ctx.input.includes("critique of the instruction")) {
    const instruction = /Instruction:\n(.*)\n/.exec(ctx.input)?.[1] ?? "";
    return JSON.stringify({
      critique: "Too vague.",
      instruction: `${instruction} Give two reasons and an example.`,
      answer: "First reason. Second reason. For example, this one.",
    });
  }
  return JSON.stringify({ critique: "Could be clearer.", answer: "A clearer, complete and correct answer." });
}

describe("the student's choices", () => {
  it("keeps the higher IFD at the instruction stage, among IFD < 1; ties keep the original", () => {
    expect(chooseInstruction({ ifd: 0.5, r_ifd: 1 }, { ifd: 0.7, r_ifd: 1 }).keep).toBe("reflected");
    expect(chooseInstruction({ ifd: 0.7, r_ifd: 1 }, { ifd: 0.5, r_ifd: 1 }).keep).toBe("original");
    expect(chooseInstruction({ ifd: 0.6, r_ifd: 1 }, { ifd: 0.6, r_ifd: 1 }).keep).toBe("original");
    expect(chooseInstruction({ ifd: 0.5, r_ifd: 1 }, { ifd: 1.3, r_ifd: 1 }).keep).toBe("original");
    expect(chooseInstruction({ ifd: 1.1, r_ifd: 1 }, { ifd: 0.4, r_ifd: 1 }).keep).toBe("reflected");
    const neither = chooseInstruction({ ifd: 1.1, r_ifd: 1 }, { ifd: 1.4, r_ifd: 1 });
    expect(neither.keep).toBeUndefined();
    expect(neither.reason).toContain("IFD >= 1 for both");
  });

  it("keeps the lower r-IFD at the response stage, among IFD < 1", () => {
    expect(chooseResponse({ ifd: 0.5, r_ifd: 0.9 }, { ifd: 0.6, r_ifd: 0.7 }).keep).toBe("reflected");
    expect(chooseResponse({ ifd: 0.5, r_ifd: 0.7 }, { ifd: 0.6, r_ifd: 0.9 }).keep).toBe("original");
    expect(chooseResponse({ ifd: 0.5, r_ifd: 0.9 }, { ifd: 1.2, r_ifd: 0.1 }).keep).toBe("original");
  });
});

describe("selfalign reflect", () => {
  it("reflects with the teacher and chooses with a local student's perplexities; resumes", async () => {
    const dir = tempDir("selfalign-reflect-");
    cleanups.push(() => removeDir(dir));
    const server = await startScriptedServer({ reply: teacher });
    cleanups.push(() => server.close());
    const input = writeJsonl(join(dir, "sft.jsonl"), PAIRS);
    const out = join(dir, "out");
    const args = [
      "reflect",
      "--in",
      input,
      "--out",
      out,
      ...serverArgs(server.baseUrl),
      "--student",
      await tinyGgufPath(),
      "--student-base-url",
      "local",
      "--concurrency",
      "1",
    ];
    const stopped = await runCli([...args, "--max-calls", "3"]);
    expect(stopped.code).toBe(3);
    const done = await runCli(args);
    expect(done.stderr).toContain("reflect: complete");
    expect(done.code).toBe(0);
    // Every teacher request went out once across both runs (the student's calls are local).
    const bodies = server.requests.map((r) => JSON.stringify(r.body));
    expect(new Set(bodies).size).toBe(bodies.length);

    const dropped = readJsonlFile(join(out, "dropped.jsonl"));
    expect(dropped).toEqual([expect.objectContaining({ reason: "teacher-invalid", stage: "instruction" })]);
    const records = readJsonlFile(join(out, "reflected.jsonl"));
    for (const r of records) {
      const original = r.original as { instruction: string; output: string; ifd: number; r_ifd: number };
      const reflected = r.reflected_instruction as typeof original & { critique: string };
      const response = r.reflected_response as { output: string; ifd: number; r_ifd: number };
      const choice = r.choice as { instruction: string; response: string };
      // The recorded choice is the rule applied to the recorded scores, and the output follows it.
      expect(choice.instruction).toBe(chooseInstruction(original, reflected).keep);
      const base = choice.instruction === "original" ? original : reflected;
      expect(choice.response).toBe(chooseResponse(base, response).keep);
      expect(r.instruction).toBe(base.instruction);
      expect(r.output).toBe(choice.response === "reflected" ? response.output : base.output);
      expect(reflected.critique).toBe("Too vague.");
      expect(reflected.instruction).toBe(`${original.instruction} Give two reasons and an example.`);
      expect(r.meta).toMatchObject({ method: "reflect", template: "model" });
    }
    // Two pairs reached the teacher's JSON; each ends kept or dropped for an unhelpful instruction.
    const unhelpful = readJsonlFile(join(out, "dropped.jsonl")).filter(
      (d) => d.reason === "no-helpful-instruction",
    );
    expect(records.length + unhelpful.length).toBe(2);
    expect(records.length).toBeGreaterThan(0);
  });

  it("runs from the library with a server student scoring through a named template", async () => {
    const { engine, model, dir, server } = await libraryRun(cleanups, teacher);
    const input = writeJsonl(join(dir, "sft.jsonl"), PAIRS.slice(0, 2));
    const student = createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: "student" });
    engine.addModel(student, { concurrency: 2 });
    cleanups.push(() => student.close());
    const stats = newReflectStats();
    await reflect({
      engine,
      teacher: model,
      student,
      inputPath: input,
      outDir: dir,
      template: "chatml",
      stats,
    });
    expect(stats.stop).toBeUndefined();
    expect(stats.written + (stats.dropped["no-helpful-instruction"] ?? 0)).toBe(2);
    const scoring = server.requests.filter((r) => r.path === "/v1/completions");
    expect(scoring.every((r) => (r.body as { model: string }).model === "student")).toBe(true);
    expect(scoring.some((r) => (r.body as { prompt: string }).prompt.startsWith("<|im_start|>user\n"))).toBe(
      true,
    );
  });
});
