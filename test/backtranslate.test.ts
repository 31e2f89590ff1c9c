/**
 * End-to-end tests of `selfalign backtranslate` (Humpback) through the real CLI against the scripted
 * model of testkit/humpback-model.ts: which passages are kept and dropped (and why) in each round, what
 * the prompts of later rounds show, the backward model's own server, lineage back into the corpus files,
 * resuming after a budget stop, and the library call.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { humpback, readSeedTasks } from "../src/index.js";
import { cleanEnv, runCli } from "../testkit/cli.js";
import {
  augmentParts,
  firstInstruction,
  humpbackFixture,
  humpbackModel,
  humpbackServer,
  isRating,
  laterInstruction,
  NOTE,
  ratedParts,
  TOPICS,
  type Topic,
  topicIn,
  writeHumpbackCorpus,
  writeHumpbackSeeds,
} from "../testkit/humpback-model.js";
import { libraryRun } from "../testkit/library-run.js";
import {
  chatRequests,
  cleanupsAfterEach,
  MODEL,
  readJson,
  readJsonlFile,
  userMessageOf,
  writeJsonl,
} from "../testkit/respond-e2e.js";

const cleanups = cleanupsAfterEach();

type Rec = Record<string, unknown> & { meta: Record<string, unknown>; source: Record<string, unknown> };

const curated = (out: string) => readJsonlFile(join(out, "curated.jsonl")) as Rec[];
const rated = (out: string) => readJsonlFile(join(out, "rated.jsonl")) as Rec[];
const dropped = (out: string) => readJsonlFile(join(out, "dropped.jsonl"));
const topicOf = (r: Record<string, unknown>) => topicIn(String(r.output ?? r.text));
const scores = (rows: Rec[], round: number) =>
  Object.fromEntries(rows.filter((r) => r.round === round).map((r) => [topicOf(r), r.score]));
const distribution = (counts: Partial<Record<string, number>>) => ({
  "1": 0,
  "2": 0,
  "3": 0,
  "4": 0,
  "5": 0,
  invalid: 0,
  ...counts,
});
const sourceText = (r: Rec) =>
  readFileSync(r.source.file as string)
    .subarray(r.source.start as number, r.source.end as number)
    .toString("utf8");

describe("backtranslate: augmentation, curation and rounds", () => {
  it("keeps pairs rated at the threshold, re-augments and re-rates them in round 2, and logs every drop", async () => {
    const server = await humpbackServer(cleanups);
    const f = humpbackFixture(cleanups, server);
    // All examples shown, so that every round-2 prompt holds the other curated pairs.
    const result = await runCli(f.args(["--in-context", "10"]));
    expect(result.stderr).toContain("backtranslate: complete");
    expect(result.code).toBe(0);

    // Round 1 rates every passage that got an instruction, in corpus order (txt, md, jsonl, html).
    const all = rated(f.out);
    expect(all.filter((r) => r.round === 1).map(topicOf)).toEqual([
      "rivers",
      "mountains",
      "tomatoes",
      "aphids",
      "tea",
    ]);
    expect(scores(all, 1)).toEqual({ rivers: 5, mountains: 5, tomatoes: 4, aphids: 2, tea: 5 });
    // Round 2 takes the kept set only, with new instructions, and rates it again.
    expect(scores(all, 2)).toEqual({ rivers: 5, mountains: 5, tea: 3 });
    for (const r of all) {
      const topic = topicOf(r) as Topic;
      expect(r.instruction).toBe(r.round === 1 ? firstInstruction(topic) : laterInstruction(topic));
      expect(r.output).toBe(TOPICS[topic]);
      expect(r.kept).toBe((r.score as number) >= 5);
    }

    const final = curated(f.out);
    expect(final.map(topicOf)).toEqual(["rivers", "mountains"]);
    const roundOne = new Map(all.filter((r) => r.round === 1).map((r) => [topicOf(r), r]));
    const keptOne = ["rivers", "mountains", "tea"].map((t) => roundOne.get(t as Topic) as Rec);
    for (const r of final) {
      const parent = roundOne.get(topicOf(r)) as Rec;
      expect(r).toMatchObject({ round: 2, score: 5, reason: `The answer about ${topicOf(r)} scores 5.` });
      expect(r).not.toHaveProperty("kept");
      expect(all).toContainEqual({ ...r, kept: true });
      expect(r.meta).toMatchObject({
        method: "humpback",
        model: MODEL,
        backward_model: MODEL,
        prompts: ["humpback/augment@v1", "humpback/curate@v1"],
        parent_id: parent.id,
      });
      // Examples: the three seeds with an output and the other curated pairs, never the passage's own.
      const others = keptOne.filter((k) => k.id !== parent.id).map((k) => k.id);
      expect([...(r.meta.examples as string[])].sort()).toEqual(
        [...others, "seed:s1", "seed:s2", "seed:s3"].sort(),
      );
      expect([...(r.meta.calibration as string[])].sort()).toEqual([...others].sort());
      const calls = r.meta.calls as Record<string, string>;
      expect(calls.augment).toMatch(/^[0-9a-f]{64}$/);
      expect(calls.curate).toMatch(/^[0-9a-f]{64}$/);
    }

    // Every drop with its stage and reason, in corpus order within round 1, then round 2's.
    const drops = dropped(f.out);
    expect(drops.map((d) => [d.stage, d.round, d.reason, topicOf(d) ?? d.text])).toEqual([
      ["curate", 1, "below-threshold", "tomatoes"],
      ["ingest", undefined, "too-short", NOTE],
      ["curate", 1, "below-threshold", "aphids"],
      ["augment", 1, "empty-instruction", "silence"],
      ["curate", 1, "invalid-rating", "static"],
      ["ingest", undefined, "exact-duplicate", "rivers"],
      ["curate", 2, "below-threshold", "tea"],
    ]);
    const bySilence = drops.find((d) => d.reason === "empty-instruction") as Rec;
    expect(bySilence.source).toMatchObject({ record: "silence-1", field: "text" });
    const invalid = drops.find((d) => d.reason === "invalid-rating") as Rec;
    expect(invalid).toMatchObject({ instruction: firstInstruction("static"), raw: "Still no JSON, sorry." });
    expect(invalid.source).toMatchObject({ record: "static-1" });
    const teaDrop = drops.at(-1) as Rec;
    expect(teaDrop).toMatchObject({
      score: 3,
      detail: "score 3 < threshold 5",
      parent_id: roundOne.get("tea")?.id,
    });
    expect(teaDrop.pair_id).toBe(all.find((r) => r.round === 2 && topicOf(r) === "tea")?.id);

    // Requests: round 2 shows the round-1 curated pairs as examples and as the rater's calibration.
    const requests = chatRequests(server);
    expect(requests).toHaveLength(7 + 6 + 1 + 3 + 3); // augment, rate, one repair, round 2 augment + rate
    const augments = requests
      .filter((r) => !isRating(r.body))
      .map((r) => augmentParts(userMessageOf(r.body) ?? ""));
    const later = augments.filter((a) => topicIn(a.examples) !== undefined);
    expect(later.map((a) => topicIn(a.passage)).sort()).toEqual(["mountains", "rivers", "tea"]);
    for (const a of later) {
      const own = topicIn(a.passage) as Topic;
      for (const t of ["rivers", "mountains", "tea"] as Topic[]) {
        expect(a.examples.includes(`Request:\n${firstInstruction(t)}`)).toBe(t !== own);
      }
      expect(a.examples).not.toContain(TOPICS.tomatoes); // not kept: not an example
    }
    const ratings = requests
      .filter((r) => isRating(r.body) && (r.body as { messages: unknown[] }).messages.length === 1)
      .map((r) => ratedParts(userMessageOf(r.body) ?? ""));
    expect(ratings).toHaveLength(9);
    for (const r of ratings) {
      const laterRound = r.instruction.startsWith("Explain");
      expect(r.before.includes("### Reference 1")).toBe(laterRound);
      if (laterRound) expect(r.before).toContain("rated 5 (answers shortened)");
    }

    const summary = readJson(join(f.out, "summary.json"));
    expect(summary).toMatchObject({
      command: "backtranslate",
      status: "complete",
      rounds: 2,
      completedRounds: 2,
      seeds: 4,
      seedExamples: 3,
      curated: 2,
      ingest: { files: 5, passages: 7, dropped: { "too-short": 1, "exact-duplicate": 1 } },
      written: { rated: 8, curated: 2, dropped: 7 },
    });
    const perRound = summary.perRound as Array<Record<string, unknown>>;
    expect(perRound).toHaveLength(2);
    expect(perRound[0]).toMatchObject({
      round: 1,
      candidates: 7,
      pool: 3,
      instructions: 6,
      rated: 5,
      kept: 3,
      distribution: distribution({ "5": 3, "4": 1, "2": 1, invalid: 1 }),
      requests: { augment: 7, curate: 6 },
    });
    expect(perRound[1]).toMatchObject({
      round: 2,
      candidates: 3,
      pool: 6,
      kept: 2,
      distribution: distribution({ "5": 2, "3": 1 }),
    });
    const skipped = (summary.ingest as { skipped: Array<{ file: string }> }).skipped;
    expect(skipped.map((s) => s.file)).toEqual([join(f.corpus, "d-report.pdf")]);
  });

  it("traces every pair to its file and offsets, keeps at --threshold 4 and stops after --rounds 1", async () => {
    const server = await humpbackServer(cleanups);
    const f = humpbackFixture(cleanups, server);
    const result = await runCli(f.args(["--rounds", "1", "--threshold", "4"]));
    expect(result.code).toBe(0);
    const final = curated(f.out);
    expect(final.map(topicOf)).toEqual(["rivers", "mountains", "tomatoes", "tea"]);
    for (const r of final) {
      expect(r.round).toBe(1);
      expect(r.meta).not.toHaveProperty("parent_id");
      expect(r.meta.calibration).toEqual([]);
    }
    const file = (r: Rec) => String(r.source.file).slice(f.corpus.length + 1);
    expect(final.map(file)).toEqual(["a-nature.txt", "a-nature.txt", "b-garden.md", "web/tea.html"]);
    // Byte offsets into text, Markdown and HTML files point at exactly the passage.
    for (const r of final) expect(sourceText(r)).toBe(r.output);
    expect(final[2]?.source).toMatchObject({ line: 3, heading: "Growing tomatoes" });
    expect(final[3]?.source).toMatchObject({ title: "All about tea", heading: "Green tea" });
    // A JSONL record: its line, field and id, and character offsets in the field.
    const aphids = rated(f.out).find((r) => topicOf(r) === "aphids") as Rec;
    expect(aphids.source).toMatchObject({ line: 1, field: "text", record: "aphids-1", start: 0 });
    expect(aphids.source.end).toBe(TOPICS.aphids.length);
    expect(aphids.passage_id).toMatch(/^[0-9a-f]{16}$/);
    const ingestDrop = dropped(f.out).find((d) => d.reason === "exact-duplicate") as Rec;
    expect(ingestDrop.source).toMatchObject({ line: 4, record: "rivers-again" });
    expect(ingestDrop.text).toBe(TOPICS.rivers);

    const summary = readJson(join(f.out, "summary.json"));
    expect(summary.perRound).toHaveLength(1);
    expect(summary).toMatchObject({ curated: 4, completedRounds: 1 });
    expect(chatRequests(server)).toHaveLength(7 + 6 + 1);
  });

  it("sends augmentation to --backward-model on its own server with its own key, or the passage alone with --backward-raw", async () => {
    const server = await humpbackServer(cleanups);
    const back = await humpbackServer(cleanups);
    const f = humpbackFixture(cleanups, server);
    const backward = ["--backward-model", "back-model", "--backward-base-url", back.baseUrl];
    const env = cleanEnv({ BACK_KEY: "secret-back" });
    const keyed = [...backward, "--backward-api-key-env", "BACK_KEY", "--rounds", "1"];
    const result = await runCli(f.args(keyed), env);
    expect(result.code).toBe(0);
    const backRequests = chatRequests(back);
    expect(backRequests).toHaveLength(7);
    for (const r of backRequests) {
      expect((r.body as Record<string, unknown>).model).toBe("back-model");
      expect(isRating(r.body)).toBe(false);
      expect(r.headers.authorization).toBe("Bearer secret-back");
    }
    const main = chatRequests(server);
    expect(main).toHaveLength(7); // six ratings and one repair
    for (const r of main) {
      expect((r.body as Record<string, unknown>).model).toBe(MODEL);
      expect(isRating(r.body)).toBe(true);
      expect(r.headers.authorization).toBeUndefined();
    }
    expect(curated(f.out)[0]?.meta).toMatchObject({ model: MODEL, backward_model: "back-model" });
    const config = readJson(join(f.out, "run", "config.json"));
    expect(config.models).toMatchObject([
      { model: MODEL },
      { model: "back-model", baseUrl: back.baseUrl, apiKeyEnv: "BACK_KEY" },
    ]);
    expect(JSON.stringify(config)).not.toContain("secret-back");

    // Raw, on the main server (no --backward-base-url): the backward model (fine-tuned on output ->
    // instruction) gets the passage and nothing else, under its own name.
    const raw = humpbackFixture(cleanups, server);
    const from = server.requests.length;
    expect(
      (await runCli(raw.args(["--backward-model", "back-model", "--backward-raw", "--rounds", "1"]))).code,
    ).toBe(0);
    const augments = chatRequests(server, from).filter((r) => !isRating(r.body));
    for (const r of augments) expect((r.body as Record<string, unknown>).model).toBe("back-model");
    const sent = augments.map((r) => userMessageOf(r.body));
    expect(sent.sort()).toEqual(Object.values(TOPICS).sort());
    const record = curated(raw.out)[0] as Rec;
    expect(record.meta).toMatchObject({
      examples: [],
      prompts: ["humpback/augment-raw@v1", "humpback/curate@v1"],
    });
  });
});

describe("backtranslate: resume, input errors and library", () => {
  it("stopped by --max-calls in round 1 or round 2, a re-run sends no request twice and writes what one run writes", async () => {
    const server = await humpbackServer(cleanups);
    const args = ["--in-context", "10", "--concurrency", "3"];
    const whole = humpbackFixture(cleanups, server);
    expect((await runCli(whole.args(args))).code).toBe(0);
    const total = chatRequests(server).length;
    // The files of a run, with its temp dir (in every source path) written as "<dir>".
    const files = (f: { dir: string; out: string }) =>
      ["curated.jsonl", "rated.jsonl", "dropped.jsonl"].map((name) =>
        readFileSync(join(f.out, name), "utf8").replaceAll(f.dir, "<dir>"),
      );
    const expected = files(whole);

    for (const stopAt of [5, total - 2]) {
      const f = humpbackFixture(cleanups, server);
      const from = server.requests.length;
      const first = await runCli(f.args([...args, "--max-calls", String(stopAt)]));
      expect(first.code).toBe(3);
      expect(first.stderr).toContain("budget reached");
      expect(chatRequests(server, from)).toHaveLength(stopAt);
      const summary = readJson(join(f.out, "summary.json"));
      expect(summary.status).toBe("budget");
      expect(summary.completedRounds).toBe(stopAt === 5 ? 0 : 1);
      const partial = files(f);
      for (const [i, text] of partial.entries()) expect(expected[i]?.startsWith(text)).toBe(true);
      expect(partial.join("").length).toBeLessThan(expected.join("").length);

      const second = await runCli(f.args(args));
      expect(second.code).toBe(0);
      const sent = chatRequests(server, from).map((r) => JSON.stringify(r.body));
      expect(sent).toHaveLength(total);
      expect(new Set(sent).size).toBe(total);
      expect(files(f)).toEqual(expected);
    }
  });

  it("rejects bad input before any call, and a resume with settings that change what the run makes", async () => {
    const server = await humpbackServer(cleanups);
    const f = humpbackFixture(cleanups, server);
    const missing = await runCli([...f.args(), "--corpus", join(f.dir, "nowhere")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cannot read the corpus");
    const bare = writeJsonl(join(f.dir, "bare.jsonl"), [{ instruction: "Say hi." }]);
    const noOutputs = await runCli([...f.args(), "--seeds", bare]);
    expect(noOutputs.code).toBe(1);
    expect(noOutputs.stderr).toContain(`${bare}: field "output": no seed has an output`);
    const rawAlone = await runCli(f.args(["--backward-raw"]));
    expect(rawAlone.code).toBe(1);
    expect(rawAlone.stderr).toContain("--backward-raw needs --backward-model");
    expect(server.requests).toHaveLength(0);

    expect((await runCli(f.args(["--rounds", "1"]))).code).toBe(0);
    const sent = server.requests.length;
    const changed = await runCli(f.args(["--rounds", "1", "--threshold", "4"]));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain("threshold: 5 -> 4");
    expect(server.requests).toHaveLength(sent);
  });

  it("runs from the library API", async () => {
    const { dir, runDir, engine, model: llm } = await libraryRun(cleanups, humpbackModel().reply, 3);
    const seeds = await readSeedTasks(writeHumpbackSeeds(join(dir, "seeds.jsonl")));
    const stats = await humpback({
      engine,
      model: llm,
      corpus: writeHumpbackCorpus(join(dir, "corpus")),
      corpusOptions: { minTokens: 10, maxTokens: 40 },
      seeds: seeds.tasks,
      outDir: dir,
      inContext: 10,
    });
    runDir.close();
    expect(stats.stoppedBy).toBeUndefined();
    expect(stats).toMatchObject({ rounds: 2, completedRounds: 2, curated: 2 });
    expect(stats.perRound.map((r) => r.kept)).toEqual([3, 2]);
    expect(curated(dir).map(topicOf)).toEqual(["rivers", "mountains"]);
  });
});
