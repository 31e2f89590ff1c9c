/**
 * Blocks into passages within token bounds. Passage unit: the paragraphs under one heading are packed
 * in order into passages of at most `maxTokens` (a heading always starts a new passage, so a passage
 * never spans sections); a paragraph longer than that is split at sentence ends. Document unit: the
 * whole document, split at paragraph boundaries only when it exceeds `maxTokens`. Too-short passages
 * are returned too, marked, for the caller to report.
 */
import { countWords } from "../../text/filters.js";
import { splitSentences } from "../../text/sentences.js";
import type { TextBlock } from "./text-blocks.js";

export interface Segment {
  text: string;
  start: number;
  end: number;
  tokens: number;
  heading?: string;
}

export interface SegmentOptions {
  unit: "passage" | "document";
  maxTokens: number;
  /**
   * Whether a block's text is its source slice (text, Markdown, records). For HTML it is not (tags
   * removed, spaces collapsed), so the pieces of a split paragraph all point at the whole paragraph.
   */
  exactOffsets: boolean;
}

export function segment(blocks: readonly TextBlock[], options: SegmentOptions): Segment[] {
  const out: Segment[] = [];
  let pack: Array<{ text: string; start: number; end: number; tokens: number }> = [];
  let packTokens = 0;
  let heading: string | undefined;
  let packHeading: string | undefined;
  const flush = () => {
    if (pack.length === 0) return;
    const text = pack.map((p) => p.text).join("\n\n");
    const seg: Segment = { text, start: pack[0]!.start, end: pack.at(-1)!.end, tokens: packTokens };
    if (packHeading !== undefined) seg.heading = packHeading;
    out.push(seg);
    pack = [];
    packTokens = 0;
  };
  const add = (piece: { text: string; start: number; end: number; tokens: number }) => {
    if (packTokens + piece.tokens > options.maxTokens) flush();
    if (pack.length === 0) packHeading = heading;
    pack.push(piece);
    packTokens += piece.tokens;
  };
  for (const block of blocks) {
    if (block.heading !== undefined) {
      heading = block.text;
      // Passages stay within a section; a document keeps its headings as lines of its text.
      if (options.unit === "passage") {
        flush();
        continue;
      }
    }
    const tokens = countWords(block.text);
    if (tokens <= options.maxTokens) add({ text: block.text, start: block.start, end: block.end, tokens });
    else {
      for (const piece of splitAtSentences(block, options.maxTokens)) {
        add(options.exactOffsets ? piece : { ...piece, start: block.start, end: block.end });
      }
    }
  }
  flush();
  return out;
}

/** A long block cut at sentence ends into pieces of at most `max` tokens (a longer sentence stays whole). */
function splitAtSentences(block: TextBlock, max: number) {
  const pieces: Array<{ text: string; start: number; end: number; tokens: number }> = [];
  let first = -1;
  let last = -1;
  let tokens = 0;
  const push = () => {
    if (first < 0) return;
    const text = block.text.slice(first, last);
    pieces.push({ text, start: block.start + first, end: block.start + last, tokens });
    first = -1;
    tokens = 0;
  };
  for (const sentence of splitSentences(block.text)) {
    const n = countWords(sentence.text);
    if (tokens > 0 && tokens + n > max) push();
    if (first < 0) first = sentence.start;
    last = sentence.end;
    tokens += n;
  }
  push();
  return pieces;
}
