/**
 * Topic-guided generation end to end: `selfalign topics` in a child process against the scripted server
 * (testkit/topics-model.ts answers the topic prompt with numbered lists), plus the library API. Asserts
 * what was kept, dropped and why, what topics.json reports, and which requests the server saw.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createOpenAICompatibleModel,
  distinctN,
  diversity,
  pairwiseRougeL,
  RunDirectory,
  RunEngine,
  readTopics,
  type TopicReport,
  topicGuided,
} from "../src/index.js";
import { runCli, tempDir } from "../testkit/cli.js";
import {
  chatRequests,
  cleanupsAfterEach,
  finishedCalls,
  MODEL,
  readJson,
  readJsonlFile,
  removeDir,
  serverArgs,
  userMessageOf,
  writeJsonl,
} from "../testkit/respond-e2e.js";
import { startScriptedServer } from "../testkit/scripted-server.js";
import { type TopicScript, topicsModel, topicTask } from "../testkit/topics-model.js";

const cleanups = cleanupsAfterEach();

async function fixture(script: TopicScript = {}) {
  const dir = tempDir("selfalign-topics-");
  cleanups.push(() => removeDir(dir));
  const model = topicsModel(script);
  const server = await startScriptedServer({ reply: model.reply });
  cleanups.push(() => server.close());
  const out = join(dir, "out");
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const args = (topics: string, perTopic: number, extra: string[] = []) => [
    "topics",
    "--topics",
    topics,
    "--per-topic",
    String(perTopic),
    "--out",
    out,
    ...serverArgs(server.baseUrl),
    ...extra,
  ];
  const kept = () => readJsonlFile(join(out, "instructions.jsonl"));
  const dropped = () => readJsonlFile(join(out, "dropped.jsonl"));
  const report = () => readJson(join(out, "topics.json")) as unknown as { topics: TopicReport[] };
  return { dir, server, model, out, file, args, kept, dropped, report };
}

const byPath = (records: Record<string, unknown>[], path: string) =>
  records.filter((r) => r.topic_path === path);

describe("topics: inputs", () => {
  it("text topics: K kept per topic, in topic order, with lineage; the prompt names the topic and its path", async () => {
    const f = await fixture();
    const topics = f.file(
      "topics.txt",
      "# topics for the test\n\nOptics\n  Science > Physics > Mechanics  \n\nCooking\n",
    );
    const result = await runCli(f.args(topics, 4, ["--batch", "2"]));
    expect(result.stderr).toContain("topics: complete");
    expect(result.code).toBe(0);

    const records = f.kept();
    expect(records.map((r) => r.topic_path)).toEqual([
      ...Array(4).fill("Optics"),
      ...Array(4).fill("Science > Physics > Mechanics"),
      ...Array(4).fill("Cooking"),
    ]);
    expect(new Set(records.map((r) => r.id)).size).toBe(12);
    const first = records[4]!;
    expect(first.id).toMatch(/^[0-9a-f]{16}$/);
    expect(first.topic).toBe("Mechanics");
    expect(first.instruction).toMatch(/^Explain Mechanics with /);
    expect(first.meta).toMatchObject({
      method: "topics",
      step: "generate",
      draw: 0,
      item: 0,
      model: MODEL,
      prompts: ["topics/generate@v1"],
      examples: [],
    });
    expect(typeof (first.meta as Record<string, unknown>).call_key).toBe("string");
    expect(f.dropped()).toEqual([]);

    // Two calls of two instructions per topic; the path shows only when the topic has parents.
    const prompts = chatRequests(f.server).map((r) => userMessageOf(r.body) ?? "");
    expect(prompts).toHaveLength(6);
    const mechanics = prompts.filter((p) => p.includes('about the topic "Mechanics"'));
    expect(mechanics).toHaveLength(2);
    expect(mechanics[0]).toContain("The topic belongs to this area: Science > Physics > Mechanics.");
    expect(mechanics[0]).toContain("numbered list from 1 to 2");
    expect(prompts.find((p) => p.includes('"Optics"'))).not.toContain("belongs to this area");

    const report = f.report();
    expect(report.topics.map((t) => [t.path, t.status, t.kept, t.calls, t.line])).toEqual([
      ["Optics", "complete", 4, 2, 3],
      ["Science > Physics > Mechanics", "complete", 4, 2, 4],
      ["Cooking", "complete", 4, 2, 6],
    ]);
    const summary = readJson(join(f.out, "summary.json"));
    expect(summary).toMatchObject({
      command: "topics",
      status: "complete",
      topics: 3,
      complete: 3,
      kept: 12,
    });
  });

  it("a YAML taxonomy: leaves are the topics, each with its path", async () => {
    const f = await fixture();
    const taxonomy = f.file(
      "taxonomy.yaml",
      "Science:\n  Physics: [Optics, Mechanics]\n  Biology:\n    - Genetics\n    - Ecology: [Coral reefs]\nHistory:\n",
    );
    const result = await runCli(f.args(taxonomy, 2));
    expect(result.code).toBe(0);
    const paths = [
      "Science > Physics > Optics",
      "Science > Physics > Mechanics",
      "Science > Biology > Genetics",
      "Science > Biology > Ecology > Coral reefs",
      "History",
    ];
    expect(f.report().topics.map((t) => [t.path, t.line, t.kept])).toEqual(
      paths.map((p, i) => [p, [2, 2, 4, 5, 6][i], 2]),
    );
    const records = f.kept();
    expect([...new Set(records.map((r) => r.topic_path))]).toEqual(paths);
    expect(byPath(records, paths[3]!).every((r) => r.topic === "Coral reefs")).toBe(true);
    const reefs = f.model.calls.find((c) => c.topic === "Coral reefs");
    expect(reefs?.path).toBe("Science > Biology > Ecology > Coral reefs");
  });

  it("bad YAML and duplicate topics name the line; nothing is asked", async () => {
    const f = await fixture();
    const bad = f.file(
      "bad.yaml",
      "Science:\n  Physics: [Optics, Mechanics]\n  Biology: Genetics: Ecology\n",
    );
    const result = await runCli(f.args(bad, 2));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${bad}:3: invalid YAML`);

    const dup = f.file("dup.txt", "Optics\n# again\nOptics\n");
    const again = await runCli(f.args(dup, 2));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${dup}:3: duplicate topic "Optics" (first on line 1)`);
    expect(chatRequests(f.server)).toHaveLength(0);
    expect(existsSync(join(f.out, "run"))).toBe(false);
  });
});

describe("topics: filters and report", () => {
  const dupOfAlpha = "Explain Alpha with kolo mide rasu fena";
  const script: TopicScript = {
    tasks: (c) => {
      const varied = (n: number) =>
        Array.from({ length: n }, (_, i) => topicTask(c.topic, `${c.path}/${c.call}/${i}`));
      if (c.call === 0 && c.topic === "Alpha")
        return [dupOfAlpha, dupOfAlpha, "Describe this image of Alpha carefully", "Hi Alpha"];
      // Beta's first reply repeats Alpha's instruction: dropped against the whole output, then redrawn.
      if (c.call === 0 && c.topic === "Beta") return [dupOfAlpha, ...varied(2)];
      // Delta's replies are one instruction over and over: the topic ends short at its call cap.
      if (c.topic === "Delta") return Array(4).fill("Explain Delta with the very same words");
      if (c.topic === "Gamma" && c.call === 0) return varied(3);
      return varied(c.count);
    },
    // Gamma's first reply is cut by the token limit inside its last item.
    finishReason: (c) => (c.topic === "Gamma" && c.call === 0 ? "length" : "stop"),
  };

  it("drops near-duplicates (same topic and across topics), heuristic rejects, truncated and surplus items, with reasons", async () => {
    const f = await fixture(script);
    const topics = f.file("topics.txt", "Alpha\nBeta\nGamma\nDelta\n");
    const result = await runCli(f.args(topics, 3, ["--batch", "4", "--max-calls-per-topic", "2"]));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('1 topic ended short at its call cap: "Delta" (1 kept)');

    const kept = f.kept();
    const keptAlpha = byPath(kept, "Alpha");
    expect(keptAlpha.map((r) => r.instruction)[0]).toBe(dupOfAlpha);
    for (const path of ["Alpha", "Beta", "Gamma"]) expect(byPath(kept, path)).toHaveLength(3);
    expect(byPath(kept, "Delta")).toHaveLength(1);

    const dropped = f.dropped();
    const reasons = (path: string) => byPath(dropped, path).map((d) => d.reason);
    expect(reasons("Alpha")).toEqual(["near-duplicate", "blacklist", "too-short", "surplus", "surplus"]);
    expect(reasons("Beta")).toEqual(["near-duplicate", "surplus", "surplus", "surplus"]);
    expect(reasons("Gamma")).toEqual(["truncated", "surplus", "surplus", "surplus"]);
    expect(reasons("Delta")).toEqual(Array(7).fill("near-duplicate"));

    const alphaId = keptAlpha[0]!.id;
    const sameTopic = byPath(dropped, "Alpha")[0]!;
    expect(sameTopic).toMatchObject({ instruction: dupOfAlpha, nearest_id: alphaId, score: 1 });
    expect(sameTopic.detail).toBe(`ROUGE-L 1.000 > 0.7 with ${alphaId} (same topic)`);
    const crossTopic = byPath(dropped, "Beta")[0]!;
    expect(crossTopic).toMatchObject({ topic: "Beta", nearest_id: alphaId });
    expect(crossTopic.detail).toContain('(topic "Alpha")');
    expect(byPath(dropped, "Alpha")[1]!.detail).toBe('contains "image"');
    // Every drop carries the same lineage as a kept record.
    for (const d of dropped)
      expect(d.meta).toMatchObject({ method: "topics", prompts: ["topics/generate@v1"] });

    const report = f.report().topics;
    expect(report.map((t) => [t.path, t.status, t.kept, t.calls])).toEqual([
      ["Alpha", "complete", 3, 2],
      ["Beta", "complete", 3, 2],
      ["Gamma", "complete", 3, 2],
      ["Delta", "short", 1, 2],
    ]);
    expect(report[0]!.dropped).toEqual({ "near-duplicate": 1, blacklist: 1, "too-short": 1, surplus: 2 });
    expect(report[3]!.dropped).toEqual({ "near-duplicate": 7 });
    const summary = readJson(join(f.out, "summary.json"));
    expect(summary).toMatchObject({ status: "complete", complete: 3, kept: 10 });
    expect(summary.short).toEqual([{ path: "Delta", kept: 1, calls: 2 }]);
    expect(summary.dropped).toEqual({
      "near-duplicate": 9,
      blacklist: 1,
      "too-short": 1,
      truncated: 1,
      surplus: 8,
    });
    // Beta's redraw was asked only once its first reply had been judged against Alpha.
    expect(f.model.calls.filter((c) => c.topic === "Beta")).toHaveLength(2);
  });

  it("reports the diversity of each topic's instructions (pairwise ROUGE-L, distinct-1, distinct-2)", async () => {
    const texts = ["alpha beta gamma delta", "alpha beta epsilon zeta", "eta theta iota kappa"];
    const f = await fixture({ tasks: () => texts });
    const topics = f.file("topics.txt", "Zeta\n");
    // Through the completions endpoint this time: the list format needs no chat model.
    expect((await runCli(f.args(topics, 3, ["--endpoint", "completions"]))).code).toBe(0);
    expect(f.server.requests.map((r) => r.path)).toEqual(["/v1/completions"]);
    const [zeta] = f.report().topics;
    // Pairs: (1,2) share "alpha beta" of 4 + 4 tokens, F = 0.5; the others share nothing.
    // Unigrams: 10 distinct of 12. Bigrams: 8 distinct of 9 ("alpha beta" twice).
    expect(zeta!.diversity).toEqual({
      rouge_l_mean: 0.1667,
      rouge_l_max: 0.5,
      pairs: 3,
      distinct_1: 0.8333,
      distinct_2: 0.8889,
    });
    expect(readJson(join(f.out, "summary.json"))).toMatchObject({ distinct1: 0.8333, distinct2: 0.8889 });
  });

  it("Chinese topics: CJK-aware near-duplicates and per-character diversity", async () => {
    const replies = [
      "解释光的折射原理",
      "解释光的反射原理",
      "比较凸透镜和凹透镜的成像特点",
      "设计一个测量玻璃折射率的简单实验",
    ];
    const f = await fixture({ tasks: () => replies });
    const topics = f.file("topics.txt", "科学 > 物理 > 光学\n");
    expect((await runCli(f.args(topics, 3))).code).toBe(0);
    const kept = f.kept();
    expect(kept.map((r) => r.instruction)).toEqual([replies[0], replies[2], replies[3]]);
    expect(kept[0]).toMatchObject({ topic: "光学", topic_path: "科学 > 物理 > 光学" });
    const [dropped] = f.dropped();
    // 7 of 8 characters in order: F = 0.875 (rouge_score's tokenizer would see no tokens at all).
    expect(dropped).toMatchObject({ reason: "near-duplicate", instruction: replies[1], score: 0.875 });
    const prompt = userMessageOf(chatRequests(f.server)[0]!.body) ?? "";
    expect(prompt).toContain('about the topic "光学"');
    expect(prompt).toContain("科学 > 物理 > 光学");
    const chars = [replies[0], replies[2], replies[3]].flatMap((t) => Array.from(t!));
    const [report] = f.report().topics;
    expect(report!.diversity.distinct_1).toBeCloseTo(new Set(chars).size / chars.length, 4);
    expect(report!.diversity.rouge_l_max).toBeGreaterThan(0);
  });
});

describe("topics: examples, resume and library", () => {
  it("shows a few sampled examples per call and records their ids", async () => {
    const f = await fixture();
    const seeds = join(f.dir, "seeds.jsonl");
    writeJsonl(
      seeds,
      [
        "Write a haiku about rain.",
        "List three uses of salt.",
        "Explain how tides work.",
        "Plan a picnic menu.",
      ].map((instruction, i) => ({ id: `s${i}`, instruction, input: "", output: "ok" })),
    );
    const topics = f.file("topics.txt", "Optics\nCooking\n");
    const args = f.args(topics, 4, ["--batch", "2", "--examples", seeds, "--examples-per-call", "2"]);
    expect((await runCli(args)).code).toBe(0);
    const idOf = new Map(
      [
        "Write a haiku about rain.",
        "List three uses of salt.",
        "Explain how tides work.",
        "Plan a picnic menu.",
      ].map((t, i) => [t, `s${i}`]),
    );
    for (const call of f.model.calls) expect(call.examples).toHaveLength(2);
    for (const record of f.kept()) {
      const meta = record.meta as { examples: string[]; draw: number; call_key: string };
      expect(meta.examples).toHaveLength(2);
      const shown = f.model.calls
        .filter((c) => c.topic === record.topic)
        .map((c) => c.examples.map((e) => idOf.get(e)));
      expect(shown).toContainEqual(meta.examples);
    }
  });

  it("resumes after --max-calls with no call asked twice", async () => {
    const f = await fixture();
    const topics = f.file("topics.txt", "Optics\nCooking\nGardening\n");
    const stopped = await runCli(f.args(topics, 4, ["--batch", "2", "--max-calls", "3"]));
    expect(stopped.code).toBe(3);
    expect(readJson(join(f.out, "summary.json"))).toMatchObject({ status: "budget" });
    const firstRequests = chatRequests(f.server).length;
    expect(firstRequests).toBe(3);
    const partial = readFileSync(join(f.out, "instructions.jsonl"), "utf8");
    expect(f.report().topics.some((t) => t.status !== "complete")).toBe(true);

    const resumed = await runCli(f.args(topics, 4, ["--batch", "2"]));
    expect(resumed.code).toBe(0);
    // Every call was made exactly once across the two sessions (draws of one topic share a request body).
    expect(chatRequests(f.server)).toHaveLength(6);
    expect(finishedCalls(join(f.out, "run"))).toHaveLength(6);
    const records = f.kept();
    expect(readFileSync(join(f.out, "instructions.jsonl"), "utf8").startsWith(partial)).toBe(true);
    expect(new Set(records.map((r) => r.id)).size).toBe(12);
    for (const path of ["Optics", "Cooking", "Gardening"]) expect(byPath(records, path)).toHaveLength(4);
    expect(f.report().topics.every((t) => t.status === "complete")).toBe(true);

    // A third run changes nothing and asks nothing.
    expect((await runCli(f.args(topics, 4, ["--batch", "2"]))).code).toBe(0);
    expect(chatRequests(f.server)).toHaveLength(6);
    expect(f.kept()).toEqual(records);

    // Other settings would mix two runs' decisions in one file: refused, naming them, before any call.
    const changed = await runCli(f.args(topics, 5, ["--batch", "2"]));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain("made with other settings (maxCalls: 6 -> 9; perTopic: 4 -> 5)");
    expect(chatRequests(f.server)).toHaveLength(6);
  });

  it("a failed call stops before later topics are decided; the re-run asks only that call again", async () => {
    const f = await fixture();
    const topics = f.file("topics.txt", "Optics\nCooking\nGardening\n");
    f.server.injectFaults({ status: 400 });
    const args = f.args(topics, 2, ["--concurrency", "1"]);
    const failed = await runCli(args);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("re-run to retry");
    expect(f.report().topics.map((t) => t.status)).toEqual(["stopped", "pending", "pending"]);
    expect(f.kept()).toEqual([]);

    const resumed = await runCli(args);
    expect(resumed.code).toBe(0);
    const asked = chatRequests(f.server).map(
      (r) => /about the topic "(\w+)"/u.exec(userMessageOf(r.body) ?? "")?.[1],
    );
    // Cooking and Gardening were answered in the first session (kept in the cache), Optics failed once.
    expect(asked.sort()).toEqual(["Cooking", "Gardening", "Optics", "Optics"]);
    expect(f.kept().map((r) => r.topic)).toEqual([
      "Optics",
      "Optics",
      "Cooking",
      "Cooking",
      "Gardening",
      "Gardening",
    ]);
  });

  it("runs from the library API", async () => {
    const f = await fixture();
    const topicsFile = f.file("taxonomy.yml", "Arts:\n  - Poetry\n  - Sculpture\n");
    const runDir = RunDirectory.open(join(f.dir, "lib-run"), { purpose: "test" });
    try {
      const engine = new RunEngine(runDir, { seed: 7 });
      const model = createOpenAICompatibleModel({ baseUrl: f.server.baseUrl, model: MODEL });
      engine.addModel(model, { concurrency: 4 });
      const result = await topicGuided({
        engine,
        model,
        topics: await readTopics(topicsFile),
        perTopic: 3,
        outDir: f.dir,
      });
      expect(result).toMatchObject({ topics: 2, complete: 2, kept: 6, written: 6, short: [] });
      expect(result.stop).toBeUndefined();
      const records = readJsonlFile(join(f.dir, "instructions.jsonl"));
      expect(records.map((r) => r.topic_path)).toEqual([
        ...Array(3).fill("Arts > Poetry"),
        ...Array(3).fill("Arts > Sculpture"),
      ]);
    } finally {
      runDir.close();
    }
  });

  it("diversity functions: distinct-n and pairwise ROUGE-L", () => {
    expect(distinctN(["a b a b"], 1)).toBe(0.5);
    expect(distinctN(["a b a b"], 2)).toBeCloseTo(2 / 3);
    expect(distinctN(["a"], 2)).toBeNull();
    expect(pairwiseRougeL(["only one"])).toEqual({ mean: null, max: null, pairs: 0 });
    expect(pairwiseRougeL(["a b c d", "a b c d", "x y"])).toEqual({ mean: 1 / 3, max: 1, pairs: 3 });
    const figures = diversity(["猫在睡觉", "狗在睡觉"]);
    expect(figures.rougeL.max).toBe(0.75);
    expect(figures.distinct1).toBe(5 / 8);
  });
});
