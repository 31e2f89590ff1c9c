/**
 * Corpus ingestion: each file type, broken HTML and binary files, passage bounds, offsets back into the
 * files, duplicates and languages, and the order that makes re-runs deterministic.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  newCorpusReport,
  type Passage,
  type PassageDropReason,
  readCorpus,
} from "../src/data/corpus/index.js";
import { tempDir } from "../testkit/cli.js";
import {
  APHIDS,
  BROKEN_TEXT,
  CHINESE,
  MOUNTAINS,
  RIVERS,
  TEA_1,
  TEA_2,
  TOMATOES,
  writeMixedCorpus,
} from "../testkit/corpus-files.js";
import { removeDir } from "../testkit/respond-e2e.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function corpusDir(): string {
  const dir = tempDir("selfalign-corpus-");
  dirs.push(dir);
  return dir;
}

async function read(path: string, options: Parameters<typeof readCorpus>[1] = {}) {
  const report = newCorpusReport();
  const drops: Array<{ text: string; reason: PassageDropReason; detail: string }> = [];
  const passages: Passage[] = [];
  for await (const p of readCorpus(
    path,
    { ...options, onDrop: (q, reason, detail) => drops.push({ text: q.text, reason, detail }) },
    report,
  )) {
    passages.push(p);
  }
  return { passages, report, drops };
}

/** The bytes a passage's source points at, as text. */
function sourceBytes(p: Passage): string {
  return readFileSync(p.source.file).subarray(p.source.start, p.source.end).toString("utf8");
}

describe("corpus ingestion", () => {
  it("reads text, Markdown, HTML and JSONL; skips binary and unknown files with a reason", async () => {
    const dir = writeMixedCorpus(corpusDir());
    const { passages, report } = await read(dir, { minTokens: 10 });
    expect(passages.map((p) => p.text)).toEqual([
      `${RIVERS}\n\n${MOUNTAINS}`,
      TOMATOES,
      APHIDS,
      CHINESE,
      BROKEN_TEXT,
      `${TEA_1}\n\n${TEA_2}`,
    ]);
    expect(report).toMatchObject({ files: 7, documents: 5, passages: 6, languages: { en: 5, zh: 1 } });
    expect(report.skipped.map((s) => [s.file.slice(dir.length + 1), s.reason])).toEqual([
      ["d-report.pdf", 'unsupported file type ".pdf"'],
      ["web/image.html", "binary (contains NUL bytes)"],
    ]);
    expect(report.dropped).toEqual({});
  });

  it("points every passage back to its file, line and byte offsets", async () => {
    const dir = writeMixedCorpus(corpusDir());
    const { passages } = await read(dir, { minTokens: 10 });
    const [notes, tomatoes, aphids, chinese, broken, tea] = passages as Passage[] as [
      Passage,
      Passage,
      Passage,
      Passage,
      Passage,
      Passage,
    ];
    // The text file starts with a byte-order mark: offsets count its 3 bytes.
    expect(notes.source).toMatchObject({ line: 1, start: 3 });
    expect(sourceBytes(notes)).toBe(notes.text);
    expect(tomatoes.source).toMatchObject({
      line: 6,
      title: "Gardening basics",
      heading: "Gardening basics",
    });
    expect(sourceBytes(tomatoes)).toBe(TOMATOES);
    expect(aphids.source).toMatchObject({ line: 10, heading: "Pests" });
    expect(sourceBytes(aphids)).toBe(APHIDS);
    expect(chinese.source).toMatchObject({
      line: 1,
      field: "text",
      record: "zh-1",
      start: 0,
      end: CHINESE.length,
    });
    expect(chinese.lang).toBe("zh");
    // HTML: from the first to the last source byte of the kept text; title from <title>.
    expect(tea.source).toMatchObject({ title: "All about tea", heading: "Green tea", line: 3 });
    expect(sourceBytes(tea).startsWith(TEA_1)).toBe(true);
    expect(sourceBytes(tea).trimEnd().endsWith(TEA_2)).toBe(true);
    expect(tea.text).not.toMatch(/Home|Related|Copyright|not text/);
    expect(broken.source).toMatchObject({ line: 1, start: "<div><p>".length });
  });

  it("packs paragraphs under one heading within the bounds and splits long ones at sentence ends", async () => {
    const dir = corpusDir();
    const sentences = Array.from(
      { length: 30 },
      (_, i) => `Sentence number ${i} says something about topic ${i}.`,
    );
    writeFileSync(
      join(dir, "long.md"),
      `# One\n\n${sentences.slice(0, 20).join(" ")}\n\nShort tail paragraph here.\n\n# Two\n\n${sentences.slice(20).join(" ")}\n`,
    );
    const { passages, drops } = await read(dir, { minTokens: 5, maxTokens: 40 });
    // 8 words a sentence: 5 sentences a passage; the 4-word tail paragraph fits nowhere and is too short.
    expect(passages.map((p) => [p.source.heading, p.tokens])).toEqual([
      ["One", 40],
      ["One", 40],
      ["One", 40],
      ["One", 40],
      ["Two", 40],
      ["Two", 40],
    ]);
    for (const p of passages) expect(sourceBytes(p)).toBe(p.text);
    expect(
      passages
        .filter((p) => p.source.heading === "Two")
        .map((p) => p.text)
        .join(" "),
    ).toBe(sentences.slice(20).join(" "));
    expect(drops).toEqual([
      { text: "Short tail paragraph here.", reason: "too-short", detail: "4 tokens < 5" },
    ]);
    const whole = await read(dir, { unit: "document", minTokens: 5, maxTokens: 10_000 });
    expect(whole.passages).toHaveLength(1);
    expect(whole.passages[0]!.text).toContain("One\n\nSentence number 0");
  });

  it("drops short passages, exact and near duplicates, and other languages, each with a reason", async () => {
    const dir = corpusDir();
    writeFileSync(join(dir, "a.txt"), `${RIVERS}\n\nToo short.\n\n${TOMATOES}\n`);
    writeFileSync(
      join(dir, "b.txt"),
      `${RIVERS}\n\n${TOMATOES.replace("fruit.", "fruits.")}\n\n${CHINESE}\n`,
    );
    const { passages, drops } = await read(dir, {
      unit: "passage",
      minTokens: 5,
      maxTokens: 28,
      languages: ["en"],
    });
    expect(passages.map((p) => p.text)).toEqual([RIVERS, TOMATOES]);
    // The Chinese paragraph is longer than 28 tokens: its two sentences are two passages, both dropped.
    expect(drops.map((d) => d.reason)).toEqual([
      "too-short",
      "exact-duplicate",
      "near-duplicate",
      "language",
      "language",
    ]);
    const none = await read(dir, { minTokens: 1, maxTokens: 28, dedup: "none" });
    expect(none.passages.map((p) => p.text)).toContain(TOMATOES.replace("fruit.", "fruits."));
  });

  it("gives the same passages and ids on every read", async () => {
    const dir = writeMixedCorpus(corpusDir());
    const a = await read(dir, { minTokens: 10 });
    const b = await read(dir, { minTokens: 10 });
    expect(b.passages).toEqual(a.passages);
    expect(new Set(a.passages.map((p) => p.id)).size).toBe(a.passages.length);
  });

  it("names the file and line of a malformed JSONL record", async () => {
    const dir = corpusDir();
    writeFileSync(
      join(dir, "bad.jsonl"),
      '{"text": "fine enough text for a passage of several words here"}\n{"text": oops}\n',
    );
    await expect(read(dir, { minTokens: 1 })).rejects.toThrow(/bad\.jsonl:2:/);
  });
});
