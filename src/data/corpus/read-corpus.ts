/**
 * Corpus ingestion for the backtranslation methods: files of a directory (sorted) or one file, read as
 * plain text, Markdown, HTML (boilerplate removed) or records (JSONL/JSON/CSV/Parquet with a text
 * field); split into passages within token bounds; language detected (tinyld, cheap); exact or
 * MinHash near-duplicates removed across the whole corpus. Each passage keeps its file, line and
 * offsets. Binary and unreadable files are skipped with a reason in the report; nothing stops the run
 * but a missing corpus path or a malformed record file (an InputError naming file and line).
 */
import { readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import { detectLanguage } from "../../text/detect-language.js";
import { ExactDedup } from "../../text/exact-dup.js";
import { MinHashDedup } from "../../text/minhash.js";
import { contentId } from "../../util/canonical.js";
import { getField } from "../fields.js";
import { readRecords } from "../read-records.js";
import { type CorpusFile, listCorpusFiles } from "./corpus-files.js";
import { htmlBlocks } from "./html-blocks.js";
import {
  type CorpusOptions,
  type CorpusReport,
  newCorpusReport,
  type Passage,
  type PassageDropReason,
  type PassageSource,
} from "./passage.js";
import { type Segment, segment } from "./segment.js";
import { type TextBlock, textBlocks } from "./text-blocks.js";

/** Text files larger than this are skipped: one document should not need the whole memory. */
const MAX_TEXT_FILE_BYTES = 64 * 1024 * 1024;

interface Document {
  text: string;
  blocks: TextBlock[];
  exactOffsets: boolean;
  /** Offsets are UTF-8 byte offsets in this file (false: character offsets in a record field). */
  byteOffsets: boolean;
  source: Omit<PassageSource, "start" | "end" | "line" | "heading">;
  /** 1-based line of text position 0 (records: the record's line; text is then not line-counted). */
  firstLine: number;
  countLines: boolean;
  /** Bytes before text position 0 (a UTF-8 byte-order mark, which the decoder removes). */
  byteBase: number;
}

export async function* readCorpus(
  path: string,
  options: CorpusOptions = {},
  report: CorpusReport = newCorpusReport(),
): AsyncGenerator<Passage> {
  const unit = options.unit ?? "passage";
  const minTokens = options.minTokens ?? (unit === "passage" ? 30 : 100);
  const maxTokens = options.maxTokens ?? (unit === "passage" ? 600 : 2000);
  const languages = options.languages ? new Set(options.languages) : undefined;
  const dedup = options.dedup ?? "near";
  const exact = dedup === "none" ? undefined : new ExactDedup();
  const near = dedup === "near" ? new MinHashDedup({ threshold: 0.8 }) : undefined;
  const files = listCorpusFiles(path);
  const root = statSync(path).isDirectory() ? path : undefined;
  report.files += files.length;

  const drop = (passage: Passage, reason: PassageDropReason, detail: string) => {
    report.dropped[reason] = (report.dropped[reason] ?? 0) + 1;
    options.onDrop?.(passage, reason, detail);
  };

  for (const file of files) {
    if (!file.kind) {
      report.skipped.push({ file: file.path, reason: file.skip ?? "not read" });
      continue;
    }
    const name = root ? relative(root, file.path) : file.path;
    for await (const doc of documents(file, options.field ?? "text", report)) {
      report.documents++;
      const segments = segment(doc.blocks, { unit, maxTokens, exactOffsets: doc.exactOffsets });
      const locate = locator(doc);
      for (const [index, seg] of segments.entries()) {
        const passage = toPassage(doc, seg, index, name, locate);
        if (seg.tokens < minTokens) {
          drop(passage, "too-short", `${seg.tokens} tokens < ${minTokens}`);
          continue;
        }
        if (languages && !languages.has(passage.lang)) {
          drop(passage, "language", `detected "${passage.lang}"`);
          continue;
        }
        const same = exact?.seen(passage.text);
        if (same !== undefined) {
          drop(passage, "exact-duplicate", `same text as ${same}`);
          continue;
        }
        const similar = near?.query(passage.text);
        if (similar) {
          drop(passage, "near-duplicate", `Jaccard ${similar.jaccard.toFixed(2)} with ${similar.id}`);
          continue;
        }
        exact?.add(passage.id, passage.text);
        near?.insert(passage.id, near.signature(passage.text));
        report.passages++;
        report.languages[passage.lang] = (report.languages[passage.lang] ?? 0) + 1;
        yield passage;
      }
    }
  }
}

function toPassage(
  doc: Document,
  seg: Segment,
  index: number,
  name: string,
  locate: (offset: number) => { line: number; byte: number },
): Passage {
  const from = locate(seg.start);
  const to = doc.byteOffsets ? locate(seg.end).byte : seg.end;
  const source: PassageSource = {
    file: doc.source.file,
    line: from.line,
    start: doc.byteOffsets ? from.byte : seg.start,
    end: to,
    ...(doc.source.field !== undefined ? { field: doc.source.field } : {}),
    ...(doc.source.record !== undefined ? { record: doc.source.record } : {}),
    ...(doc.source.title !== undefined ? { title: doc.source.title } : {}),
    ...(seg.heading !== undefined ? { heading: seg.heading } : {}),
  };
  return {
    id: contentId([name, source.record ?? null, source.start, source.end, seg.text]),
    text: seg.text,
    tokens: seg.tokens,
    lang: language(seg.text),
    index,
    source,
  };
}

/** ISO 639-1 from tinyld, or "und" for text too short to tell. */
function language(text: string): string {
  if (text.length < 24) return "und";
  return detectLanguage(text.slice(0, 2000)) || "und";
}

/**
 * Line and UTF-8 byte offset of increasing character offsets in a document, in one forward pass
 * (segments come in order, so converting all of them costs one scan of the text).
 */
function locator(doc: Document): (offset: number) => { line: number; byte: number } {
  let at = 0;
  let line = doc.firstLine;
  let byte = doc.byteBase;
  return (offset) => {
    if (offset < at) {
      at = 0;
      line = doc.firstLine;
      byte = doc.byteBase;
    }
    const chunk = doc.text.slice(at, offset);
    if (doc.countLines) for (let i = chunk.indexOf("\n"); i !== -1; i = chunk.indexOf("\n", i + 1)) line++;
    if (doc.byteOffsets) byte += Buffer.byteLength(chunk, "utf8");
    at = offset;
    return { line, byte };
  };
}

async function* documents(file: CorpusFile, field: string, report: CorpusReport): AsyncGenerator<Document> {
  if (file.kind === "records") {
    for await (const record of readRecords(file.path)) {
      const value = getField(record.value, field);
      if (typeof value !== "string" || value.trim() === "") continue;
      const id = record.value.id;
      yield {
        text: value,
        blocks: textBlocks(value, true),
        exactOffsets: true,
        byteOffsets: false,
        source: {
          file: file.path,
          field,
          ...(typeof id === "string" || typeof id === "number" ? { record: String(id) } : {}),
        },
        firstLine: record.line,
        countLines: false,
        byteBase: 0,
      };
    }
    return;
  }
  const read = readText(file, report);
  if (read === undefined) return;
  const { text, byteBase } = read;
  if (file.kind === "html") {
    const html = htmlBlocks(text);
    const title = html.title ?? html.blocks.find((b) => b.heading === 1)?.text;
    yield {
      text,
      blocks: html.blocks,
      exactOffsets: false,
      byteOffsets: true,
      source: { file: file.path, ...(title ? { title } : {}) },
      firstLine: 1,
      countLines: true,
      byteBase,
    };
    return;
  }
  const blocks = textBlocks(text, file.kind === "markdown");
  const title = file.kind === "markdown" ? blocks.find((b) => b.heading !== undefined)?.text : undefined;
  yield {
    text,
    blocks,
    exactOffsets: true,
    byteOffsets: true,
    source: { file: file.path, ...(title ? { title } : {}) },
    firstLine: 1,
    countLines: true,
    byteBase,
  };
}

/** The file as UTF-8 text, or undefined (recorded as skipped) when it is binary, not UTF-8 or too big. */
function readText(file: CorpusFile, report: CorpusReport): { text: string; byteBase: number } | undefined {
  let bytes: Buffer;
  try {
    if (statSync(file.path).size > MAX_TEXT_FILE_BYTES) {
      report.skipped.push({
        file: file.path,
        reason: `larger than ${MAX_TEXT_FILE_BYTES / 1024 / 1024} MiB`,
      });
      return undefined;
    }
    bytes = readFileSync(file.path);
  } catch (error) {
    report.skipped.push({
      file: file.path,
      reason: `unreadable: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    });
    return undefined;
  }
  if (bytes.subarray(0, 8192).includes(0)) {
    report.skipped.push({ file: file.path, reason: "binary (contains NUL bytes)" });
    return undefined;
  }
  try {
    // The decoder drops a byte-order mark; offsets then start after its 3 bytes.
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    return { text, byteBase: bom ? 3 : 0 };
  } catch {
    report.skipped.push({ file: file.path, reason: "not UTF-8 text" });
    return undefined;
  }
}
