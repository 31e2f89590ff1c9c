/**
 * `selfalign udit` end to end in a child process (no model, no server): every task on English and
 * Chinese passages, each example checked against its passage; drops and their reasons; determinism
 * with --seed and re-runs; --tasks; mixed ingestion with broken HTML and a binary file; lineage offsets;
 * and the library call.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Passage, readCorpus, udit } from "../src/index.js";
import { isStopWord } from "../src/text/stopwords.js";
import { runCli, tempDir } from "../testkit/cli.js";
import { writeMixedCorpus } from "../testkit/corpus-files.js";
import { cleanupsAfterEach, readJson, readJsonlFile, removeDir } from "../testkit/respond-e2e.js";
import {
  BEES,
  LIGHTHOUSES,
  RIVERS_TITLE,
  TEA_TITLE,
  WALL,
  writeUditCorpus,
  ZH_TEA_TITLE,
} from "../testkit/udit-corpus.js";

interface UditRecordJson {
  id: string;
  task: string;
  instruction: string;
  input: string;
  output: string;
  template: string;
  passage_id: string;
  source: Passage["source"];
  meta: Record<string, unknown> & { method: string; task: string; template: string; lang: string };
}

const cleanups = cleanupsAfterEach();
const TASKS = ["summary", "cloze", "ordering", "next-sentence", "keywords"];

function workspace(write: (dir: string) => string = writeUditCorpus) {
  const dir = tempDir("selfalign-udit-");
  cleanups.push(() => removeDir(dir));
  const corpus = join(dir, "corpus");
  mkdirSync(corpus);
  write(corpus);
  const out = (name = "out") => join(dir, name);
  const args = (outDir: string, extra: string[] = []) => [
    "udit",
    "--corpus",
    corpus,
    "--out",
    outDir,
    ...extra,
  ];
  return { dir, corpus, out, args };
}

const records = (outDir: string) =>
  readJsonlFile(join(outDir, "instructions.jsonl")) as unknown as UditRecordJson[];
const drops = (outDir: string) => readJsonlFile(join(outDir, "dropped.jsonl"));

async function passagesOf(corpus: string, minTokens?: number): Promise<Map<string, Passage>> {
  const map = new Map<string, Passage>();
  for await (const p of readCorpus(corpus, minTokens ? { minTokens } : {})) map.set(p.id, p);
  return map;
}

const at = (text: string, range: unknown) => text.slice(...(range as [number, number]));
const HAN = /\p{Script=Han}/u;

/** The option lines of a choice input: "A. text" -> text. */
function optionsOf(input: string): string[] {
  return input
    .split("\n")
    .filter((line) => /^[A-D]\. /.test(line))
    .map((line) => line.slice(3));
}

/** Checks one example against the passage it came from. */
function checkAgainstPassage(r: UditRecordJson, passage: Passage): void {
  const text = passage.text;
  const meta = r.meta;
  expect(r.source).toEqual(passage.source);
  if (r.task === "summary") {
    if (meta.kind === "lead") {
      expect(r.output).toBe(at(text, (meta.offsets as Record<string, unknown>).summary));
      expect(r.input).toBe(at(text, (meta.offsets as Record<string, unknown>).input));
      expect(`${r.output} ${r.input}`.replace(/\s+/g, "")).toBe(text.replace(/\s+/g, ""));
    } else {
      expect(r.input).toBe(text);
      expect(r.output).toBe(meta.kind === "heading" ? passage.source.heading : passage.source.title);
    }
  } else if (r.task === "cloze") {
    const offsets = meta.offsets as Record<string, unknown>;
    const answer = at(text, offsets.answer);
    expect(at(text, offsets.sentence)).toContain(answer);
    const masked = `${text.slice(0, (offsets.answer as number[])[0])}____${text.slice((offsets.answer as number[])[1])}`;
    expect(r.input.split("____")).toHaveLength(2);
    expect(r.input).toContain(masked);
    if (meta.variant === "open") expect(r.output).toBe(answer);
    else {
      const options = optionsOf(r.input);
      expect(options[meta.answer as number]).toBe(answer);
      // No option contains another ("old bridge" next to "bridge" would make two right answers).
      for (const a of options) {
        for (const b of options) if (a !== b) expect(a.toLowerCase().includes(b.toLowerCase())).toBe(false);
      }
      expect([
        answer,
        String.fromCharCode(65 + (meta.answer as number)),
        `${String.fromCharCode(65 + (meta.answer as number))}. ${answer}`,
      ]).toContain(r.output);
    }
  } else if (r.task === "ordering") {
    const shown = r.input.split("\n").map((line) => line.replace(/^\d+\. /, ""));
    const order = r.output.split("\n")[0]!.split(/, |、/).map(Number);
    expect(order).toEqual(meta.answer);
    const original = (meta.offsets as Array<[number, number]>).map((range) => at(text, range));
    expect(order.map((n) => shown[n - 1])).toEqual(original);
    expect(shown).not.toEqual(original);
    expect(original.length).toBeGreaterThanOrEqual(3);
    expect(original.length).toBeLessThanOrEqual(6);
  } else if (r.task === "next-sentence") {
    const offsets = meta.offsets as Record<string, unknown>;
    const options = optionsOf(r.input);
    expect(options[meta.answer as number]).toBe(at(text, offsets.next));
    expect(r.input).toContain(at(text, offsets.context));
    expect(options.length).toBeGreaterThanOrEqual(2);
    expect(new Set(options).size).toBe(options.length);
    for (const [i, option] of options.entries()) if (i !== meta.answer) expect(text).not.toContain(option);
  } else {
    const keywords = meta.keywords as Array<{ term: string }>;
    expect(keywords.length).toBeGreaterThanOrEqual(3);
    for (const k of keywords) {
      expect(text.toLowerCase()).toContain(k.term);
      expect(isStopWord(k.term, r.meta.lang)).toBe(false);
    }
  }
}

describe("selfalign udit", () => {
  it("builds every task from English and Chinese passages, each answer true to its passage", async () => {
    const w = workspace();
    const result = await runCli(w.args(w.out(), ["--per-passage", "2"]));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^udit: \d+ examples \(summary \d+, cloze \d+/m);
    const passages = await passagesOf(w.corpus);
    const all = records(w.out());
    for (const task of TASKS) {
      for (const lang of ["en", "zh"]) {
        expect(
          all.filter((r) => r.task === task && r.meta.lang === lang).length,
          `${task}/${lang}`,
        ).toBeGreaterThan(0);
      }
    }
    for (const r of all) {
      expect(r.id).toMatch(/^udit-[0-9a-f]{16}$/);
      expect(r.meta).toMatchObject({ method: "udit", task: r.task, template: r.template });
      expect(r.template).toMatch(new RegExp(`^udit/[a-z-]+/${r.meta.lang}/[1-9]\\d*@v\\d+$`));
      // The template language follows the passage.
      expect(HAN.test(r.instruction)).toBe(r.meta.lang === "zh");
      checkAgainstPassage(r, passages.get(r.passage_id)!);
    }
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    // Titles and headings of two words or more are summaries; a one-word heading ("Deltas") is not.
    const titles = all.filter((r) => r.task === "summary" && r.meta.kind !== "lead").map((r) => r.output);
    expect(titles.sort()).toEqual([RIVERS_TITLE, TEA_TITLE, ZH_TEA_TITLE].sort());
    const deltas = all.find((r) => r.task === "summary" && r.source.heading === "Deltas");
    expect(deltas?.meta.kind).toBe("lead");
    // Several templates are used per task.
    for (const task of TASKS) {
      expect(new Set(all.filter((r) => r.task === task).map((r) => r.template)).size).toBeGreaterThan(1);
    }
    // Cloze comes in both variants.
    expect(new Set(all.filter((r) => r.task === "cloze").map((r) => r.meta.variant))).toEqual(
      new Set(["open", "choice"]),
    );
  });

  it("logs what it cannot build, with reasons, and counts everything in summary.json", async () => {
    const w = workspace();
    const result = await runCli(w.args(w.out()));
    expect(result.code, result.stderr).toBe(0);
    const dropped = drops(w.out());
    const brief = dropped.map((d) => [
      d.stage,
      d.task ?? null,
      d.reason,
      String((d.source as Passage["source"]).file).slice(w.corpus.length + 1),
    ]);
    expect(brief).toEqual(
      expect.arrayContaining([
        ["ingest", null, "too-short", "g-short.txt"],
        ["ingest", null, "exact-duplicate", "h-bees-copy.txt"],
        ["build", null, "language", "f-french.txt"],
        ["build", "summary", "too-few-sentences", "i-lighthouses.txt"],
        ["build", "ordering", "too-few-sentences", "i-lighthouses.txt"],
      ]),
    );
    expect(dropped).toHaveLength(5);
    for (const d of dropped) expect(d.detail).toEqual(expect.any(String));
    const summaryDrop = dropped.find((d) => d.task === "summary")!;
    expect(summaryDrop.detail).toBe("no title or heading; 2 sentence(s), a lead summary needs 3");
    // The lighthouse passage still gives the tasks that need only two sentences.
    const fromLighthouses = records(w.out()).filter((r) => r.source.file.endsWith("i-lighthouses.txt"));
    expect(new Set(fromLighthouses.map((r) => r.task))).toEqual(
      new Set(["cloze", "next-sentence", "keywords"]),
    );
    expect(records(w.out()).find((r) => r.task === "keywords" && r.input === LIGHTHOUSES)).toBeDefined();

    const summary = readJson(join(w.out(), "summary.json"));
    const all = records(w.out());
    const byTask: Record<string, number> = {};
    const byLanguage: Record<string, number> = {};
    for (const r of all) {
      byTask[r.task] = (byTask[r.task] ?? 0) + 1;
      byLanguage[r.meta.lang] = (byLanguage[r.meta.lang] ?? 0) + 1;
    }
    expect(summary).toMatchObject({
      method: "udit",
      seed: 0,
      tasks: TASKS,
      perPassage: 1,
      passages: { read: 10, used: 9 },
      examples: { total: all.length, byTask, byLanguage },
      dropped: {
        total: 5,
        ingest: { "too-short": 1, "exact-duplicate": 1 },
        language: 1,
        byTask: { summary: { "too-few-sentences": 1 }, ordering: { "too-few-sentences": 1 } },
      },
      skipped: [],
      ingest: { files: 9, passages: 10, dropped: { "too-short": 1, "exact-duplicate": 1 } },
    });
    expect(existsSync(join(w.out(), "instructions.jsonl.partial"))).toBe(false);
  });

  it("is deterministic: the same seed gives the same files, a re-run replaces them, another seed differs", async () => {
    const w = workspace();
    const [a, b, c] = await Promise.all([
      runCli(w.args(w.out("a"), ["--seed", "5", "--per-passage", "2"])),
      runCli(w.args(w.out("b"), ["--seed", "5", "--per-passage", "2"])),
      runCli(w.args(w.out("c"), ["--seed", "6", "--per-passage", "2"])),
    ]);
    for (const r of [a, b, c]) expect(r.code, r.stderr).toBe(0);
    const bytes = (dir: string, file: string) => readFileSync(join(dir, file), "utf8");
    expect(bytes(w.out("a"), "instructions.jsonl")).toBe(bytes(w.out("b"), "instructions.jsonl"));
    expect(bytes(w.out("a"), "dropped.jsonl")).toBe(bytes(w.out("b"), "dropped.jsonl"));
    expect(bytes(w.out("a"), "instructions.jsonl")).not.toBe(bytes(w.out("c"), "instructions.jsonl"));
    // Keywords and summaries do not depend on the seed, only their wording does.
    const labels = (dir: string) =>
      records(dir)
        .filter((r) => r.task === "keywords" || r.task === "summary")
        .map((r) => [r.passage_id, r.task, r.meta.keywords ?? r.meta.kind]);
    expect(labels(w.out("c"))).toEqual(labels(w.out("a")));

    const before = bytes(w.out("a"), "instructions.jsonl");
    const again = await runCli(w.args(w.out("a"), ["--seed", "5", "--per-passage", "2"]));
    expect(again.code).toBe(0);
    expect(bytes(w.out("a"), "instructions.jsonl")).toBe(before);
    expect(readJson(join(w.out("a"), "summary.json")).seed).toBe(5);
  });

  it("builds only the tasks asked for, the same examples as a full run, and rejects unknown tasks", async () => {
    const w = workspace();
    const [full, some, bad] = await Promise.all([
      runCli(w.args(w.out("full"))),
      runCli(w.args(w.out("some"), ["--tasks", "keywords,cloze"])),
      runCli(w.args(w.out("bad"), ["--tasks", "cloze,poems"])),
    ]);
    expect(full.code).toBe(0);
    expect(some.code).toBe(0);
    const chosen = records(w.out("some"));
    expect(new Set(chosen.map((r) => r.task))).toEqual(new Set(["cloze", "keywords"]));
    // Each task draws from its own seeded stream: selecting tasks changes no example.
    const fullLines = records(w.out("full")).filter((r) => r.task === "cloze" || r.task === "keywords");
    expect(chosen).toEqual(fullLines);
    expect(
      drops(w.out("some")).every((d) => d.task === undefined || d.task === "cloze" || d.task === "keywords"),
    ).toBe(true);
    expect(readJson(join(w.out("some"), "summary.json")).tasks).toEqual(["cloze", "keywords"]);

    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('unknown task "poems"');
    expect(existsSync(w.out("bad"))).toBe(false);
  });

  it("reads txt, md, html and jsonl; skips a binary file and an unknown type with reasons; broken HTML still gives examples", async () => {
    const w = workspace(writeMixedCorpus);
    const result = await runCli(w.args(w.out(), ["--min-tokens", "10"]));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("2 file(s) skipped");
    const summary = readJson(join(w.out(), "summary.json")) as {
      skipped: Array<{ file: string; reason: string }>;
    };
    expect(summary.skipped.map((s) => [s.file.slice(w.corpus.length + 1), s.reason])).toEqual([
      ["d-report.pdf", 'unsupported file type ".pdf"'],
      ["web/image.html", "binary (contains NUL bytes)"],
    ]);
    const passages = await passagesOf(w.corpus, 10);
    const all = records(w.out());
    const built = drops(w.out()).filter((d) => d.stage === "build");
    // Nothing else lost: every passage gave every task an example or a logged reason.
    for (const passage of passages.values()) {
      for (const task of TASKS) {
        const made = all.some((r) => r.passage_id === passage.id && r.task === task);
        const why = built.some((d) => d.passage_id === passage.id && d.task === task);
        expect(made || why, `${passage.source.file} ${task}`).toBe(true);
      }
    }
    const files = new Set(all.map((r) => r.source.file.slice(w.corpus.length + 1)));
    expect(files).toEqual(
      new Set(["a-notes.txt", "b-garden.md", "c-records.jsonl", "web/broken.html", "web/tea.html"]),
    );
    for (const r of all) checkAgainstPassage(r, passages.get(r.passage_id)!);
  });

  it("traces every example to its file and offsets", async () => {
    const w = workspace();
    const result = await runCli(w.args(w.out(), ["--tasks", "summary,cloze"]));
    expect(result.code).toBe(0);
    const all = records(w.out());
    const bees = all.find((r) => r.source.file.endsWith("b-bees.txt"))!;
    const bytes = readFileSync(bees.source.file);
    expect(bytes.subarray(bees.source.start, bees.source.end).toString("utf8")).toBe(BEES);
    expect(bees.source.line).toBe(1);
    const wall = all.find((r) => r.source.record === "wall")!;
    expect(wall.source).toMatchObject({ field: "text", line: 2, start: 0, end: WALL.length });
    const rivers = all.find((r) => r.source.heading === RIVERS_TITLE)!;
    expect(rivers.source).toMatchObject({ line: 3, title: RIVERS_TITLE });
    // Offsets in meta point into the passage text; the passage is at source.start..end in the file.
    const cloze = all.find((r) => r.task === "cloze" && r.source.file.endsWith("b-bees.txt"))!;
    const [start, end] = (cloze.meta.offsets as { answer: [number, number] }).answer;
    const answerBytes = bytes.subarray(
      bees.source.start + Buffer.byteLength(BEES.slice(0, start)),
      bees.source.start + Buffer.byteLength(BEES.slice(0, end)),
    );
    expect(answerBytes.toString("utf8")).toBe(BEES.slice(start, end));
    expect(cloze.input).toContain("____");
  });

  it("runs as a library call", async () => {
    const w = workspace();
    const summary = await udit({
      corpus: w.corpus,
      outDir: w.out(),
      tasks: ["keywords", "summary"],
      seed: 3,
    });
    expect(summary.tasks).toEqual(["summary", "keywords"]);
    expect(summary.examples.byTask).toEqual({ summary: 8, keywords: 9 });
    expect(summary.examples.byLanguage).toEqual({ en: 11, zh: 6 });
    expect(records(w.out())).toHaveLength(17);
    await expect(udit({ corpus: w.corpus, outDir: w.out("x"), perPassage: 0 })).rejects.toThrow(/perPassage/);
  });
});
