/**
 * `selfalign self-instruct` end to end through the CLI against the scripted server: the loop's pool
 * growth and prompts, each filter on a case made for it, classification and instance generation, Chinese
 * seeds, the Alpaca style, base-model prompts, seed formats, resume, and the library entry point.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSeedTasks, rougeL, selfInstruct } from "../src/index.js";
import { runCli, startCli, tempDir } from "../testkit/cli.js";
import { CHINESE_SEEDS, ENGLISH_SEEDS, inContextFixture, writeText } from "../testkit/in-context-e2e.js";
import { inContextModel, variedTask } from "../testkit/in-context-model.js";
import { libraryRun } from "../testkit/library-run.js";
import {
  chatRequests,
  cleanupsAfterEach,
  readJson,
  readJsonlFile,
  userMessageOf,
  waitFor,
  writeJsonl,
} from "../testkit/respond-e2e.js";

const cleanups = cleanupsAfterEach();

type Rec = Record<string, unknown> & { meta: Record<string, unknown> };

function records(path: string): Rec[] {
  return readJsonlFile(path) as Rec[];
}

describe("self-instruct: the loop", () => {
  it("grows the pool to --count tasks that pairwise satisfy the ROUGE-L rule, seeds included", async () => {
    const f = await inContextFixture(cleanups);
    const result = await runCli(f.args("self-instruct", ["--count", "60"]));
    expect(result.stderr).toContain("self-instruct: complete");
    expect(result.code).toBe(0);

    const kept = records(join(f.out, "instructions.jsonl"));
    expect(kept).toHaveLength(60);
    const texts = [...ENGLISH_SEEDS.map((s) => s[0] as string), ...kept.map((r) => r.instruction as string)];
    for (let i = 0; i < texts.length; i++) {
      for (let j = 0; j < i; j++) expect(rougeL(texts[j]!, texts[i]!).f).toBeLessThanOrEqual(0.7);
    }
    for (const r of kept) {
      expect(r.id).toMatch(/^self-instruct-[0-9a-f]{16}$/);
      expect((r.instances as unknown[]).length).toBeGreaterThan(0);
      expect(typeof r.is_classification).toBe("boolean");
      expect(r.meta.method).toBe("self-instruct");
      expect(r.meta.prompts).toContain("self-instruct/generate@v1");
      expect((r.meta.shown as string[]).length).toBe(8);
    }
    // The scripted model repeats itself across prompts, so some tasks must have been near-duplicates.
    const dropped = records(join(f.out, "dropped.jsonl"));
    expect(dropped.length).toBeGreaterThan(0);
    for (const d of dropped) {
      expect(d.reason).toBe("rouge-similar");
      expect((d.rouge as { score: number }).score).toBeGreaterThan(0.7);
    }

    const summary = readJson(join(f.out, "summary.json"));
    expect(summary).toMatchObject({ status: "complete", kept: 60, seedFormat: "self-instruct" });
    expect(summary.dropped).toEqual({ "rouge-similar": dropped.length });
    expect((summary.session as { calls: number }).calls).toBe(f.server.requests.length);
    expect(summary.requests).toBe(f.counts.generate);
  });

  it("shows 8 tasks per prompt: seeds only at first, then 6 seeds and 2 machine tasks", async () => {
    const f = await inContextFixture(cleanups);
    expect((await runCli(f.args("self-instruct", ["--count", "40"]))).code).toBe(0);
    const prompts = chatRequests(f.server)
      .map((r) => userMessageOf(r.body) ?? "")
      .filter((m) => m.includes("Extend the list with new tasks"));
    expect(prompts.length).toBeGreaterThanOrEqual(10);
    const seedTexts = new Set(ENGLISH_SEEDS.map((s) => s[0] as string));
    const listed = (prompt: string) => [...prompt.matchAll(/^(\d+)\. (.*)$/gmu)].map((m) => m[2] as string);
    for (const [i, prompt] of prompts.entries()) {
      const items = listed(prompt);
      expect(items).toHaveLength(8);
      const fromSeeds = items.filter((t) => seedTexts.has(t)).length;
      // Round 0 (the first 5 prompts) has no machine tasks yet; later rounds show exactly 2.
      expect(fromSeeds).toBe(i < 5 ? 8 : 6);
    }
    const kept = records(join(f.out, "instructions.jsonl"));
    const later = kept.filter((r) => (r.meta.round as number) > 0);
    expect(later.length).toBeGreaterThan(0);
    for (const r of later)
      expect((r.meta.shown as string[]).filter((id) => id.startsWith("self-instruct-"))).toHaveLength(2);
  });

  it("drops each bad task with its reason", async () => {
    const bad = [
      "Draw a picture of a cat sleeping on a sofa.", // blacklist
      "Sing it.", // too short
      "- Summarize the news story in two lines for a newsletter.", // leading punctuation (not a list marker)
      "3 ways to save money on groceries each week.", // non-letter start
      "Give the antonym of the word.", // a seed, word for word
      "Give the antonym of this word.", // a near copy of a seed
      variedTask(1), // fine
      "Explain how tides are caused by the moon and the sun in a way a child understands", // cut by the limit
    ];
    const f = await inContextFixture(cleanups, {
      tasks: (call) => (call === 0 ? bad : [variedTask(100 + call)]),
      generationFinish: (call) => (call === 0 ? "length" : "stop"),
    });
    expect((await runCli(f.args("self-instruct", ["--count", "3", "--batch-size", "1"]))).code).toBe(0);
    const dropped = records(join(f.out, "dropped.jsonl"));
    const reasonOf = (text: string) => dropped.find((d) => d.instruction === text)?.reason;
    expect(reasonOf(bad[0]!)).toBe("blacklist");
    expect(reasonOf(bad[1]!)).toBe("too-short");
    expect(reasonOf(bad[2]!)).toBe("starts-with-punctuation");
    expect(reasonOf(bad[3]!)).toBe("starts-with-non-letter");
    expect(reasonOf(bad[4]!)).toBe("rouge-similar");
    expect(reasonOf(bad[5]!)).toBe("rouge-similar");
    expect(reasonOf(bad[7]!)).toBe("truncated");
    const nearSeed = dropped.find((d) => d.instruction === bad[4]) as Rec;
    expect(nearSeed.rouge).toMatchObject({ score: 1, nearest_id: "seed_task_1" });
    const kept = records(join(f.out, "instructions.jsonl")).map((r) => r.instruction);
    expect(kept[0]).toBe(variedTask(1));
  });

  it("asks classification tasks output-first and filters instances as the paper does", async () => {
    const tasks = [
      "Label the customer email as a complaint, a question or praise.",
      "Write a friendly reminder about the quarterly planning meeting.",
      "Translate the proverb into plain modern English for students.",
    ];
    const f = await inContextFixture(cleanups, {
      tasks: (call) => (call === 0 ? tasks : [variedTask(200 + call)]),
      instances: (task) => {
        if (task.startsWith("Label")) {
          return [
            { input: "My order arrived broken.", output: "complaint" },
            { input: "When do you open?", output: "question" },
          ];
        }
        if (task.startsWith("Write")) {
          return [
            { input: "", output: "Hi all, a reminder: planning is on Friday at 10." },
            { input: "same", output: "same" }, // input equals output
            { input: "x", output: "" }, // empty output
            { input: "Topic:", output: "Budget:" }, // unfinished
          ];
        }
        // One input, two outputs: both go; nothing valid is left.
        return [
          { input: "A stitch in time saves nine.", output: "Fix things early." },
          { input: "A stitch in time saves nine.", output: "Act promptly." },
        ];
      },
    });
    expect((await runCli(f.args("self-instruct", ["--count", "3", "--batch-size", "1"]))).code).toBe(0);
    const kept = records(join(f.out, "instructions.jsonl"));
    const label = kept.find((r) => (r.instruction as string).startsWith("Label")) as Rec;
    expect(label.is_classification).toBe(true);
    expect(label.meta.prompts).toContain("self-instruct/instances-output-first@v1");
    expect(label.instances).toEqual([
      { input: "My order arrived broken.", output: "complaint" },
      { input: "When do you open?", output: "question" },
    ]);
    const write = kept.find((r) => (r.instruction as string).startsWith("Write")) as Rec;
    expect(write.is_classification).toBe(false);
    expect(write.instances).toEqual([
      { input: "", output: "Hi all, a reminder: planning is on Friday at 10." },
    ]);
    expect((write.meta.dropped_instances as Array<{ reason: string }>).map((d) => d.reason).sort()).toEqual([
      "empty-output",
      "incomplete",
      "input-equals-output",
    ]);
    const dropped = records(join(f.out, "dropped.jsonl"));
    const proverb = dropped.find((d) => (d.instruction as string).startsWith("Translate")) as Rec;
    expect(proverb.reason).toBe("no-valid-instances");
    expect((proverb.meta.dropped_instances as Array<{ reason: string }>).map((d) => d.reason)).toEqual([
      "conflicting-outputs",
      "conflicting-outputs",
    ]);
    const outputFirst = chatRequests(f.server).filter((r) =>
      (userMessageOf(r.body) ?? "").includes("Class label"),
    );
    expect(outputFirst.length).toBeGreaterThan(0);
  });

  it("works with Chinese seeds: the CJK tokenizer catches near-duplicates", async () => {
    const chineseTasks = [
      "请用三句话解释光合作用的主要过程。", // near copy of a seed
      "设计一个周末家庭出游的详细计划，并说明预算。",
      "比较电动汽车和燃油汽车在城市通勤中的优缺点。",
      "为小学生写一段关于保护海洋的演讲开头。",
    ];
    const f = await inContextFixture(
      cleanups,
      { tasks: (call) => (call === 0 ? chineseTasks : [`请描述${variedTask(call)}`]) },
      (dir) => writeText(join(dir, "seeds.txt"), CHINESE_SEEDS),
    );
    expect((await runCli(f.args("self-instruct", ["--count", "3", "--batch-size", "1"]))).code).toBe(0);
    const kept = records(join(f.out, "instructions.jsonl"));
    expect(kept.map((r) => r.instruction)).toEqual(chineseTasks.slice(1));
    for (const r of kept) expect((r.meta.rouge as { tokenizer: string }).tokenizer).toBe("cjk");
    const [dropped] = records(join(f.out, "dropped.jsonl"));
    expect(dropped).toMatchObject({ reason: "rouge-similar", instruction: chineseTasks[0] });
    expect((dropped!.rouge as { nearest_id: string }).nearest_id).toBe("seed_task_0");
  });
});

describe("self-instruct: styles, endpoints and seed formats", () => {
  it("--style alpaca asks for 20 full triples per request from 3 seeds", async () => {
    const f = await inContextFixture(cleanups);
    const result = await runCli(f.args("self-instruct", ["--style", "alpaca", "--count", "30"]));
    expect(result.code).toBe(0);
    const kept = records(join(f.out, "instructions.jsonl"));
    expect(kept).toHaveLength(30);
    for (const r of kept) {
      expect(Object.keys(r)).toEqual(["id", "instruction", "input", "output", "meta"]);
      expect(r.output).toMatch(/^Answer \d+ to /);
      expect((r.meta.shown as string[]).length).toBe(3);
    }
    // "<noinput>" becomes an empty input.
    expect(kept.some((r) => r.input === "")).toBe(true);
    expect(kept.some((r) => (r.input as string).startsWith("Input "))).toBe(true);
    const prompt = userMessageOf(chatRequests(f.server)[0]!.body) ?? "";
    expect(prompt).toContain("Write 20 new, varied tasks");
    expect(f.counts.classify).toBe(0);
  });

  it("with --endpoint completions it prompts a raw list ending in the next number, as for a base model", async () => {
    const f = await inContextFixture(cleanups);
    expect((await runCli(f.args("self-instruct", ["--count", "8", "--endpoint", "completions"]))).code).toBe(
      0,
    );
    const completions = f.server.requests.filter((r) => r.path === "/v1/completions");
    const first = completions[0]!.body as { prompt: string; stop: string[] };
    expect(first.prompt).toMatch(/\n8\. [^\n]+\n9\.$/u);
    expect(first.stop).toContain("\n\n");
    const kept = records(join(f.out, "instructions.jsonl"));
    expect(kept).toHaveLength(8);
    for (const r of kept) expect((r.instances as unknown[]).length).toBeGreaterThan(0);
  });

  it("reads Alpaca JSON arrays and plain text seeds, and names file, line and field for bad seeds", async () => {
    const dir = tempDir();
    cleanups.push(() => {});
    const alpaca = join(dir, "seeds.json");
    writeFileSync(
      alpaca,
      JSON.stringify(
        [
          { instruction: "Name a color.", input: "", output: "Blue" },
          { instruction: "Add the numbers.", input: "2, 3", output: "5" },
        ],
        null,
        2,
      ),
    );
    const set = await readSeedTasks(alpaca);
    expect(set.format).toBe("alpaca");
    expect(set.tasks.map((t) => [t.id, t.instances])).toEqual([
      ["seed_task_0", [{ input: "", output: "Blue" }]],
      ["seed_task_1", [{ input: "2, 3", output: "5" }]],
    ]);
    const text = writeText(join(dir, "seeds.txt"), ["# comment", "Name a color.", "", "Add the numbers."]);
    expect((await readSeedTasks(text)).tasks.map((t) => [t.instruction, t.source.line])).toEqual([
      ["Name a color.", 2],
      ["Add the numbers.", 4],
    ]);

    const f = await inContextFixture(cleanups, {}, (d) =>
      writeJsonl(join(d, "bad.jsonl"), [
        { id: "a", instruction: "Name a color.", instances: [{ input: "", output: "Blue" }] },
        { id: "b", instruction: "Add.", instances: [{ input: "1", output: 2 }] },
      ]),
    );
    const result = await runCli(f.args("self-instruct", ["--count", "5"]));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${f.seeds}:2: field "instances.0.output": expected a string`);
    expect(f.server.requests).toHaveLength(0);

    const plain = await inContextFixture(cleanups, {}, (d) =>
      writeText(join(d, "seeds.txt"), ["Name a colour of the rainbow."]),
    );
    const alpacaRun = await runCli(plain.args("self-instruct", ["--count", "5", "--style", "alpaca"]));
    expect(alpacaRun.code).toBe(1);
    expect(alpacaRun.stderr).toContain(
      `${plain.seeds}:1: field "output": the alpaca style shows complete seed tasks`,
    );
  });
});

describe("self-instruct: resume and library", () => {
  it("stopped by --max-calls, a re-run finishes without re-sending a call and writes what one run writes", async () => {
    const f = await inContextFixture(cleanups);
    const first = await runCli(
      f.args("self-instruct", ["--count", "25", "--max-calls", "12", "--concurrency", "2"]),
    );
    expect(first.code).toBe(3);
    const partial = records(join(f.out, "instructions.jsonl"));
    expect(partial.length).toBeLessThan(25);
    const sentBefore = f.server.requests.length;

    const second = await runCli(f.args("self-instruct", ["--count", "25", "--concurrency", "2"]));
    expect(second.code).toBe(0);
    const bodies = f.server.requests.map((r) => JSON.stringify(r.body));
    expect(new Set(bodies).size).toBe(bodies.length);
    expect(f.server.requests.length).toBeGreaterThan(sentBefore);
    const resumed = records(join(f.out, "instructions.jsonl"));
    expect(resumed.slice(0, partial.length)).toEqual(partial);

    // The same command in a fresh directory, uninterrupted, makes the same records.
    const g = await inContextFixture(cleanups);
    expect((await runCli(g.args("self-instruct", ["--count", "25", "--concurrency", "2"]))).code).toBe(0);
    const strip = (r: Rec) => r.id;
    expect(resumed.map(strip)).toEqual(records(join(g.out, "instructions.jsonl")).map(strip));
    expect(readFileSync(join(f.out, "dropped.jsonl"), "utf8").split("\n").length).toBe(
      readFileSync(join(g.out, "dropped.jsonl"), "utf8").split("\n").length,
    );
  });

  it("Ctrl-C stops after the calls in flight (exit 130); the re-run resumes without re-sending a call", async () => {
    const f = await inContextFixture(cleanups, {}, undefined, 40);
    const child = startCli(f.args("self-instruct", ["--count", "30", "--concurrency", "4"]));
    await waitFor(() => f.server.requests.length >= 12, "a dozen requests");
    child.kill("SIGINT");
    const stopped = await child.result;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain("self-instruct: interrupted");
    const partial = records(join(f.out, "instructions.jsonl"));
    expect(partial.length).toBeLessThan(30);

    const resumed = await runCli(f.args("self-instruct", ["--count", "30", "--concurrency", "4"]));
    expect(resumed.code).toBe(0);
    const bodies = f.server.requests.map((r) => JSON.stringify(r.body));
    expect(new Set(bodies).size).toBe(bodies.length);
    const all = records(join(f.out, "instructions.jsonl"));
    expect(all).toHaveLength(30);
    expect(all.slice(0, partial.length)).toEqual(partial);
  });

  it("refuses to resume with settings that would change the rounds, and accepts a new --count", async () => {
    const f = await inContextFixture(cleanups);
    expect((await runCli(f.args("self-instruct", ["--count", "5"]))).code).toBe(0);
    const sent = f.server.requests.length;
    const changed = await runCli(
      f.args("self-instruct", ["--count", "5", "--batch-size", "3", "--threshold", "0.6"]),
    );
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain("made with other settings (batchSize: 5 -> 3; threshold: 0.7 -> 0.6)");
    expect(f.server.requests.length).toBe(sent);
    const more = await runCli(f.args("self-instruct", ["--count", "9"]));
    expect(more.code).toBe(0);
    expect(records(join(f.out, "instructions.jsonl"))).toHaveLength(9);
  });

  it("runs from the library API", async () => {
    const { dir, runDir, engine, model: llm } = await libraryRun(cleanups, inContextModel().reply, 7);
    const seeds = await readSeedTasks(
      writeText(
        join(dir, "seeds.txt"),
        ENGLISH_SEEDS.map((s) => s[0] as string),
      ),
    );
    const result = await selfInstruct({ engine, model: llm, seeds: seeds.tasks, count: 12, outDir: dir });
    runDir.close();
    expect(result.emitted).toBe(12);
    expect(result.stoppedBy).toBeUndefined();
    expect(records(result.instructionsPath)).toHaveLength(12);
  });
});
