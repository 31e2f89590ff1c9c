/**
 * End-to-end tests of `selfalign longform` (LongForm reverse instructions) through the real CLI against
 * the scripted model of testkit/document-model.ts: each style, the mixed draw, the length hint in English
 * and Chinese, drops (ingestion, refusal, echo, invalid JSON), lineage back into txt/md/html/jsonl files,
 * resuming without a repeated request, a failed document, and the library call.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { longform, newLongformStats } from "../src/index.js";
import { runCli } from "../testkit/cli.js";
import { CHINESE, MOUNTAINS, RIVERS, TEA_1, TEA_2, TOMATOES } from "../testkit/corpus-files.js";
import {
  documentFixture,
  documentOf,
  documentServer,
  ECHO_DOC,
  ESSAY,
  GARBLE_DOC,
  REFUSE_DOC,
  requestedDocuments,
  STYLE_OF_LABEL,
  scriptedInstruction,
  styleOf,
  writeDocumentCorpus,
} from "../testkit/document-model.js";
import { libraryRun } from "../testkit/library-run.js";
import {
  chatRequests,
  cleanupsAfterEach,
  MODEL,
  readJson,
  readJsonlFile,
  userMessageOf,
} from "../testkit/respond-e2e.js";
import type { RecordedRequest } from "../testkit/scripted-server.js";

const cleanups = cleanupsAfterEach();

type Rec = Record<string, unknown> & {
  meta: Record<string, unknown>;
  source: { file: string; start: number; end: number; line: number; record?: string; field?: string };
};

const records = (out: string) => readJsonlFile(join(out, "instructions.jsonl")) as Rec[];
const drops = (out: string) => readJsonlFile(join(out, "dropped.jsonl"));

/** The documents kept from the test corpus, in corpus order. */
const KEPT_OUTPUTS = [
  `${RIVERS}\n\n${MOUNTAINS}`,
  `Tomatoes\n\n${TOMATOES}\n\nStake them early, before the stems grow heavy with green fruit in summer.`,
  ESSAY,
  CHINESE,
  "ADDFACT",
  "Apple trees",
  "Green tea",
];

/** The style each document's prompt asked for, by document text. */
function askedStyles(requests: readonly RecordedRequest[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of requests) {
    const message = userMessageOf(r.body) ?? "";
    if (message.includes("<document>")) out.set(documentOf(message), STYLE_OF_LABEL[styleOf(message)] ?? "?");
  }
  return out;
}

describe("longform: reverse instructions for documents", () => {
  it("writes one instruction per document in each fixed style, in corpus order, with lineage and drops", async () => {
    const server = await documentServer(cleanups);
    const styles = ["instruction", "chatbot", "query"] as const;
    const fixtures = styles.map(() => documentFixture(cleanups, server));
    const results = await Promise.all(
      styles.map((style, i) => runCli(fixtures[i]!.args("longform", ["--style", style]))),
    );
    for (const [i, style] of styles.entries()) {
      const f = fixtures[i]!;
      expect(results[i]?.stderr).toContain("longform: complete");
      expect(results[i]?.code).toBe(0);
      const kept = records(f.out);
      expect(kept).toHaveLength(KEPT_OUTPUTS.length);
      kept.forEach((r, k) => {
        expect(String(r.output).startsWith(KEPT_OUTPUTS[k] as string)).toBe(true);
        expect(r.style).toBe(style);
        expect(r.instruction).toBe(scriptedInstruction(r.output as string, style));
        expect(r).not.toHaveProperty("length_hint");
        expect(r.passage_id).toMatch(/^[0-9a-f]{16}$/);
        expect(r.meta).toMatchObject({
          method: "longform",
          model: MODEL,
          prompts: ["longform/instruction@v1"],
          style_mode: "fixed",
          structured: { repaired: false },
        });
        expect(r.meta.call).toMatch(/^[0-9a-f]{64}$/);
      });
      expect(new Set(kept.map((r) => r.id)).size).toBe(kept.length);
    }
    // Each run asked every document in its own style.
    const prompts = chatRequests(server).map((r) => userMessageOf(r.body) ?? "");
    for (const style of styles) {
      const label = Object.entries(STYLE_OF_LABEL).find(([, key]) => key === style)?.[0];
      // Ten documents reach the model in each run (the repair of the invalid reply has no style line).
      expect(prompts.filter((p) => styleOf(p) === label)).toHaveLength(10);
    }

    // Drops, in corpus order: the three bad replies and the two documents ingestion left out.
    const dropped = drops(fixtures[0]!.out);
    expect(dropped.map((d) => [d.stage, d.reason])).toEqual([
      ["longform", "refusal"],
      ["longform", "echo"],
      ["longform", "invalid"],
      ["ingest", "too-short"],
      ["ingest", expect.stringMatching(/duplicate$/)],
    ]);
    const [refusal, echo, invalid, short] = dropped;
    expect(refusal).toMatchObject({ instruction: "I'm sorry, but I can't do that.", style: "instruction" });
    expect(refusal?.source).toMatchObject({ record: "refuse", field: "text" });
    expect(echo).toMatchObject({ instruction: ECHO_DOC, detail: expect.stringContaining("ROUGE-L F 1.00") });
    expect(invalid).toMatchObject({
      raw: "Still no JSON, sorry.",
      detail: expect.stringContaining("not valid JSON"),
    });
    expect(short).toMatchObject({ text: "Too short to keep.", detail: "4 tokens < 20" });
    expect(short?.source).toMatchObject({ record: "short" });
    // The invalid reply got its one repair round.
    const garbled = chatRequests(server).filter(
      (r) => documentOf(userMessageOf(r.body) ?? "") === GARBLE_DOC,
    );
    expect(garbled.length).toBe(3); // once per style
    expect(requestedDocuments(server.requests)).not.toContain("Too short to keep.");
    expect(requestedDocuments(server.requests).filter((d) => d === REFUSE_DOC)).toHaveLength(3);

    const summary = readJson(join(fixtures[0]!.out, "summary.json"));
    expect(summary).toMatchObject({
      command: "longform",
      status: "complete",
      read: 10,
      kept: 7,
      written: 7,
      failed: 0,
      dropped: { refusal: 1, echo: 1, invalid: 1, "too-short": 1 },
      styles: { instruction: 10, chatbot: 0, query: 0 },
      ingest: { files: 5, documents: 12, passages: 10, languages: { en: 9, zh: 1 } },
    });
  });

  it("traces every record back to its bytes in the txt, md, html and jsonl files", async () => {
    const server = await documentServer(cleanups);
    const f = documentFixture(cleanups, server);
    expect((await runCli(f.args("longform", ["--style", "query"]))).code).toBe(0);
    const kept = records(f.out);
    const byFile = (name: string) => kept.filter((r) => r.source.file === join(f.corpus, name));
    const bytes = (r: Rec) =>
      readFileSync(r.source.file).subarray(r.source.start, r.source.end).toString("utf8");

    const [txt] = byFile("a-rivers.txt");
    expect(bytes(txt!)).toBe(txt?.output);
    expect(txt?.source.line).toBe(1);
    const [md] = byFile("b-garden.md");
    expect(bytes(md!)).toContain(`# Tomatoes\n\n${TOMATOES}`);
    expect(md?.source).toMatchObject({ title: "Tomatoes", line: 1 });
    const [html] = byFile(join("web", "tea.html"));
    expect(bytes(html!)).toContain(TEA_1);
    expect(bytes(html!)).toContain(TEA_2);
    expect(bytes(html!)).not.toContain("Copyright");
    expect(html?.source).toMatchObject({ title: "All about tea" });
    const jsonl = byFile("d-records.jsonl");
    expect(jsonl.map((r) => r.source.record)).toEqual(["zh", "addfact", "orchard"]);
    const lines = readFileSync(join(f.corpus, "d-records.jsonl"), "utf8").split("\n");
    for (const r of jsonl) {
      const record = JSON.parse(lines[r.source.line - 1] as string) as { text: string };
      expect(record.text.slice(r.source.start, r.source.end)).toBe(r.output);
    }
  });

  it("draws one style per document with --style mixed (the default), as the prompt asked", async () => {
    const server = await documentServer(cleanups);
    const f = documentFixture(cleanups, server);
    expect((await runCli(f.args("longform", ["--seed", "7"]))).code).toBe(0);
    const kept = records(f.out);
    const asked = askedStyles(server.requests);
    for (const r of kept) {
      expect(r.meta.style_mode).toBe("mixed");
      expect(r.style).toBe(asked.get(r.output as string));
      expect(r.instruction).toBe(scriptedInstruction(r.output as string, r.style as string));
    }
    expect(new Set(asked.values()).size).toBeGreaterThan(1);
    const summary = readJson(join(f.out, "summary.json"));
    const counts = summary.styles as Record<"instruction" | "chatbot" | "query", number>;
    expect(counts.instruction + counts.chatbot + counts.query).toBe(10);
  });

  it("appends a length hint from the document: words, paragraphs, and Chinese for Chinese text", async () => {
    const server = await documentServer(cleanups);
    const f = documentFixture(cleanups, server);
    expect((await runCli(f.args("longform", ["--style", "instruction", "--length-hint"]))).code).toBe(0);
    const kept = records(f.out);
    const hints = new Map(kept.map((r) => [r.output as string, r]));
    const rivers = hints.get(`${RIVERS}\n\n${MOUNTAINS}`)!;
    expect(rivers.length_hint).toBe("Respond in about 50 words.");
    expect(rivers.instruction).toBe(
      "Write a short text about rivers carve canyons. Respond in about 50 words.",
    );
    expect(rivers.meta.generated_instruction).toBe("Write a short text about rivers carve canyons");
    const essay = hints.get(ESSAY)!;
    expect(essay.length_hint).toBe("Respond in 4 paragraphs, about 70 words in all.");
    const chinese = hints.get(CHINESE)!;
    expect(chinese.length_hint).toBe("请用大约90字回答。");
    expect(chinese.instruction).toBe("Write a short text about 人工智能。请用大约90字回答。");
    for (const r of kept) expect(String(r.instruction).endsWith(r.length_hint as string)).toBe(true);
  });
});

describe("longform: resume, failures and library", () => {
  it("stopped by --max-calls, a re-run sends no request twice and writes what one run writes", async () => {
    const server = await documentServer(cleanups);
    const whole = documentFixture(cleanups, server);
    expect((await runCli(whole.args("longform", ["--concurrency", "1"]))).code).toBe(0);
    const f = documentFixture(cleanups, server);
    // The same records, the absolute paths in their sources aside.
    const expected = readFileSync(join(whole.out, "instructions.jsonl"), "utf8").replaceAll(
      whole.corpus,
      f.corpus,
    );
    const from = server.requests.length;
    const first = await runCli(f.args("longform", ["--concurrency", "1", "--max-calls", "4"]));
    expect(first.code).toBe(3);
    expect(readJson(join(f.out, "summary.json")).status).toBe("budget");
    const partial = readFileSync(join(f.out, "instructions.jsonl"), "utf8");
    expect(partial.split("\n").filter(Boolean)).toHaveLength(4);
    expect(expected.startsWith(partial)).toBe(true);

    const second = await runCli(f.args("longform", ["--concurrency", "1"]));
    expect(second.code).toBe(0);
    expect(readFileSync(join(f.out, "instructions.jsonl"), "utf8")).toBe(expected);
    const bodies = chatRequests(server, from).map((r) => JSON.stringify(r.body));
    expect(new Set(bodies).size).toBe(bodies.length);
    expect(readJson(join(f.out, "summary.json"))).toMatchObject({ status: "complete", alreadyWritten: 4 });
    // A third run has nothing to ask and nothing to write.
    const before = server.requests.length;
    expect((await runCli(f.args("longform", ["--concurrency", "1"]))).code).toBe(0);
    expect(server.requests.length).toBe(before);
    expect(readFileSync(join(f.out, "instructions.jsonl"), "utf8")).toBe(expected);
    expect(drops(f.out)).toHaveLength(5);
  });

  it("logs a document whose call fails, goes on, exits 2, and a re-run asks only that document", async () => {
    const server = await documentServer(cleanups, { broken: true });
    const f = documentFixture(cleanups, server, { withBreak: true });
    const first = await runCli(f.args("longform", ["--style", "query", "--retries", "0"]));
    expect(first.code).toBe(2);
    expect(records(f.out)).toHaveLength(7);
    const summary = readJson(join(f.out, "summary.json"));
    expect(summary).toMatchObject({ status: "partial", failed: 1 });
    const failures = summary.failures as Array<Record<string, unknown>>;
    expect(failures[0]).toMatchObject({ file: join(f.corpus, "d-records.jsonl"), line: 7 });
    expect(failures[0]?.error).toEqual(expect.stringContaining("500"));

    server.state.broken = false;
    const from = server.requests.length;
    const second = await runCli(f.args("longform", ["--style", "query", "--retries", "0"]));
    expect(second.code).toBe(0);
    expect(requestedDocuments(server.requests.slice(from))).toEqual([expect.stringMatching(/^BREAK notes/)]);
    const kept = records(f.out);
    expect(kept).toHaveLength(8);
    expect(kept.at(-1)?.instruction).toBe("break notes glaciers facts");
  });

  it("runs from the library API", async () => {
    const { dir, runDir, engine, model: llm } = await libraryRun(cleanups, await documentServer(cleanups), 1);
    const stats = newLongformStats();
    const result = await longform({
      engine,
      model: llm,
      corpus: writeDocumentCorpus(join(dir, "corpus")),
      corpusOptions: { minTokens: 20 },
      outDir: dir,
      style: "chatbot",
      lengthHint: true,
      stats,
    });
    runDir.close();
    expect(result).toBe(stats);
    expect(result).toMatchObject({ read: 10, kept: 7, written: 7, failed: 0 });
    expect(result.stoppedBy).toBeUndefined();
    const kept = records(dir);
    expect(kept[0]).toMatchObject({
      style: "chatbot",
      instruction: "hey, could you tell me about rivers carve canyons? Respond in about 50 words.",
      meta: { model: "m" },
    });
  });
});
