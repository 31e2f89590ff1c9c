/**
 * Tests of `selfalign wrap` (DoG-style wrapping) through the real CLI against the scripted model of
 * testkit/document-model.ts, and of the grounding check on crafted texts: a response that adds facts is
 * dropped with its score and the words the document lacks; grounded ones are kept with their document.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contentWords, grounding, newDocumentStats, wrapDocuments } from "../src/index.js";
import { runCli } from "../testkit/cli.js";
import { CHINESE } from "../testkit/corpus-files.js";
import {
  ADDED_FACT,
  ADDFACT_DOC,
  documentFixture,
  documentServer,
  GARBLE_DOC,
  requestedDocuments,
  scriptedPair,
  writeDocumentCorpus,
} from "../testkit/document-model.js";
import { libraryRun } from "../testkit/library-run.js";
import { chatRequests, cleanupsAfterEach, MODEL, readJson, readJsonlFile } from "../testkit/respond-e2e.js";

const cleanups = cleanupsAfterEach();

type Rec = Record<string, unknown> & {
  meta: Record<string, unknown>;
  grounding: Record<string, unknown> | null;
  source: Record<string, unknown>;
};

const records = (out: string) => readJsonlFile(join(out, "instructions.jsonl")) as Rec[];
const drops = (out: string) => readJsonlFile(join(out, "dropped.jsonl")) as Rec[];

/** The unsupported words of the ADDFACT response, in the order they appear. */
const ADDED_WORDS = ["first", "stones", "laid", "1887", "gustave", "moreau", "lyon"];

describe("wrap: grounded instruction-response pairs from documents", () => {
  it("keeps grounded pairs with their document, and drops added facts, refusals and invalid replies with their grounding", async () => {
    const server = await documentServer(cleanups);
    const f = documentFixture(cleanups, server);
    const result = await runCli(f.args("wrap"));
    expect(result.stderr).toContain("wrap: complete");
    expect(result.code).toBe(0);

    const kept = records(f.out);
    expect(kept.map((r) => r.source.record ?? String(r.source.file).split("/").at(-1))).toEqual([
      "a-rivers.txt",
      "b-garden.md",
      "c-essay.txt",
      "zh",
      "echo",
      "orchard",
      "tea.html",
    ]);
    for (const r of kept) {
      const document = r.document as string;
      const pair = scriptedPair(document);
      expect(r.instruction).toBe(pair.instruction);
      expect(r.output).toBe(pair.response);
      expect(r.grounding).toMatchObject({ score: 1, threshold: 0.8, unsupported: [] });
      expect(r.grounding?.content_words).toBeGreaterThan(5);
      expect(r.passage_id).toMatch(/^[0-9a-f]{16}$/);
      expect(r.meta).toMatchObject({
        method: "wrap",
        model: MODEL,
        prompts: ["wrap/pair@v1"],
        structured: { repaired: false },
      });
      expect(r.meta.call).toMatch(/^[0-9a-f]{64}$/);
    }
    // The full document is on the record; for JSONL, the source offsets point at it in the field.
    const zh = kept.find((r) => r.source.record === "zh");
    expect(zh?.document).toBe(CHINESE);
    expect(zh?.meta.lang).toBe("zh");
    expect(zh?.source).toMatchObject({ field: "text", line: 1, start: 0, end: CHINESE.length });

    const dropped = drops(f.out);
    expect(dropped.map((d) => [d.stage, d.reason, d.source.record])).toEqual([
      ["wrap", "refusal", "refuse"],
      ["wrap", "invalid", "garble"],
      ["ingest", "too-short", "short"],
      ["wrap", "ungrounded", "addfact"],
      ["ingest", expect.stringMatching(/duplicate$/), "copy"],
    ]);
    const [refusal, invalid, , ungrounded] = dropped;
    expect(refusal?.detail).toContain("response: refused");
    expect(refusal?.grounding).toMatchObject({ score: 0, unsupported: ["sorry", "help", "request"] });
    expect(invalid).toMatchObject({ raw: "Still no JSON, sorry.", grounding: null });
    // Seven of the 24 content words are facts the document does not hold: 17/24.
    expect(ungrounded?.output).toBe(`${scriptedPair(ADDFACT_DOC).response} ${ADDED_FACT}`);
    expect(ungrounded?.grounding).toEqual({
      score: 0.7083,
      threshold: 0.8,
      content_words: 24,
      supported: 17,
      unsupported: ADDED_WORDS,
    });
    expect(ungrounded?.detail).toBe(`grounding 0.71 < 0.8; not in the document: ${ADDED_WORDS.join(", ")}`);

    // One request per document ingestion kept, plus the repair of the invalid reply.
    const documents = requestedDocuments(server.requests);
    expect(documents).toHaveLength(10);
    expect(chatRequests(server)).toHaveLength(11);
    expect(documents).toContain(GARBLE_DOC);
    for (const r of chatRequests(server)) {
      const body = r.body as { max_tokens?: number; response_format?: { json_schema?: { name?: string } } };
      expect(body.max_tokens).toBe(2048);
      expect(body.response_format?.json_schema?.name).toBe("wrap_pair");
    }
    expect(readJson(join(f.out, "summary.json"))).toMatchObject({
      command: "wrap",
      status: "complete",
      read: 10,
      kept: 7,
      dropped: { refusal: 1, invalid: 1, ungrounded: 1, "too-short": 1 },
      ingest: { files: 5, passages: 10 },
    });
  });

  it("keeps every response with --grounding-threshold 0, still scored; refuses a changed threshold on resume", async () => {
    const server = await documentServer(cleanups);
    const f = documentFixture(cleanups, server);
    expect((await runCli(f.args("wrap", ["--grounding-threshold", "0"]))).code).toBe(0);
    const addfact = records(f.out).find((r) => r.source.record === "addfact");
    expect(addfact?.grounding).toMatchObject({ score: 0.7083, threshold: 0, unsupported: ADDED_WORDS });
    expect(drops(f.out).map((d) => d.reason)).not.toContain("ungrounded");

    const before = server.requests.length;
    const changed = await runCli(f.args("wrap", ["--grounding-threshold", "0.9"]));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain("groundingThreshold: 0 -> 0.9");
    const bad = await runCli(f.args("wrap", ["--grounding-threshold", "1.5"]));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("expected a number from 0 to 1");
    expect(server.requests.length).toBe(before);
  });

  it("stopped by --max-calls, a re-run sends no request twice and writes what one run writes", async () => {
    const server = await documentServer(cleanups);
    const whole = documentFixture(cleanups, server);
    expect((await runCli(whole.args("wrap", ["--concurrency", "2"]))).code).toBe(0);
    const f = documentFixture(cleanups, server);
    const expected = readFileSync(join(whole.out, "instructions.jsonl"), "utf8").replaceAll(
      whole.corpus,
      f.corpus,
    );
    const from = server.requests.length;
    const first = await runCli(f.args("wrap", ["--concurrency", "2", "--max-calls", "5"]));
    expect(first.code).toBe(3);
    expect(chatRequests(server, from)).toHaveLength(5);
    const second = await runCli(f.args("wrap", ["--concurrency", "2"]));
    expect(second.code).toBe(0);
    const bodies = chatRequests(server, from).map((r) => JSON.stringify(r.body));
    expect(bodies).toHaveLength(11);
    expect(new Set(bodies).size).toBe(bodies.length);
    // Same records; a document the first session finished late may come later in the file.
    const sorted = (text: string) => text.split("\n").filter(Boolean).sort();
    expect(sorted(readFileSync(join(f.out, "instructions.jsonl"), "utf8"))).toEqual(sorted(expected));
    expect(drops(f.out)).toHaveLength(5);
  });

  it("runs from the library API", async () => {
    const { dir, runDir, engine, model: llm } = await libraryRun(cleanups, await documentServer(cleanups), 1);
    const stats = await wrapDocuments({
      engine,
      model: llm,
      corpus: writeDocumentCorpus(join(dir, "corpus")),
      corpusOptions: { minTokens: 20 },
      outDir: dir,
      groundingThreshold: 0.5,
      stats: newDocumentStats(),
    });
    runDir.close();
    // At 0.5 the added facts pass.
    expect(stats).toMatchObject({ read: 10, kept: 8, failed: 0, dropped: { refusal: 1, invalid: 1 } });
    expect(records(dir).find((r) => r.source.record === "addfact")?.grounding).toMatchObject({
      threshold: 0.5,
      score: 0.7083,
    });
  });
});

describe("grounding check", () => {
  const DOC =
    "The Eiffel Tower was built for the 1889 World's Fair in Paris. Gustave Eiffel's company designed it, and it stood as the tallest structure in the world for forty years.";

  it("scores a faithful rephrasing at 1, inflections and stop words aside", () => {
    const g = grounding(
      "Built for Paris's World Fair of 1889, the tower was designed by Eiffel's company. It stood for forty years as the world's tallest structure.",
      DOC,
    );
    expect(g).toEqual({ score: 1, contentWords: 15, supported: 15, unsupported: [] });
  });

  it("lowers the score by every added fact and lists the words the document lacks", () => {
    const g = grounding(
      "The Eiffel Tower was built for the 1889 World's Fair in Paris. It is 330 metres tall and was repainted in 2019 by Italian workers.",
      DOC,
    );
    // Listed as written; "tall" is not "tallest" to the light stemmer.
    expect(g.unsupported).toEqual(["330", "metres", "tall", "repainted", "2019", "italian", "workers"]);
    expect(g.supported).toBe(7);
    expect(g.score).toBeCloseTo(7 / 14, 10);
    expect(g.score).toBeLessThan(0.8);
  });

  it("lists at most maxUnsupported words, each once", () => {
    const g = grounding("Rome Rome Rome Madrid Lisbon Vienna Prague", DOC, { maxUnsupported: 2 });
    expect(g).toEqual({ score: 0, contentWords: 7, supported: 0, unsupported: ["rome", "madrid"] });
  });

  it("compares Chinese character by character, without function characters", () => {
    expect(grounding("人工智能研究包括机器人和自然语言处理。", CHINESE).score).toBe(1);
    const added = grounding("人工智能于1956年在达特茅斯会议上诞生。", CHINESE);
    // 于 and 会 are function characters; 生 occurs in the document (生产).
    expect(added.unsupported).toEqual(["1956", "年", "达", "特", "茅", "斯", "议", "诞"]);
    expect(added.score).toBeLessThan(0.5);
    expect(contentWords("我们的机器")).toEqual(["机", "器"]);
  });

  it("gives no score to a text without content words, and expands contractions", () => {
    expect(grounding("It is what it is, and that's that.", DOC)).toMatchObject({
      score: null,
      contentWords: 0,
    });
    expect(contentWords("Don't stop: it's the tower's height.")).toEqual(["stop", "tower", "height"]);
  });
});
