/**
 * What corpus ingestion yields: passages of human-written text, each with the place it came from, so
 * every record a backtranslation method makes can be traced to a file and an offset.
 */

export interface PassageSource {
  /** Absolute path of the file. */
  file: string;
  /** 1-based line where the passage starts (JSONL: the record's line). */
  line: number;
  /**
   * Where the passage is: UTF-8 byte offsets [start, end) in the file for .txt, .md and .html (for HTML,
   * from the first to the last source byte of the text kept); for a JSONL record, character offsets
   * [start, end) in the field's text.
   */
  start: number;
  end: number;
  /** JSONL: the field read, and the record's `id` when it has one. */
  field?: string;
  record?: string;
  /** The document's title (HTML <title> or first <h1>, Markdown's first heading), when it has one. */
  title?: string;
  /** The nearest heading above the passage, when there is one. */
  heading?: string;
}

export interface Passage {
  /** Stable id from the source place and the text (16 hex characters). */
  id: string;
  text: string;
  /** Length in words, each CJK character counting as one (see `countWords`). */
  tokens: number;
  /** ISO 639-1 code from a cheap detector, or "und" when unsure (short text). */
  lang: string;
  /** 0-based position of the passage among those of its document. */
  index: number;
  source: PassageSource;
}

export type PassageDropReason = "too-short" | "exact-duplicate" | "near-duplicate" | "language";

export interface CorpusOptions {
  /**
   * "passage" (default): paragraphs under their headings, merged or split to fit the bounds (Humpback's
   * candidate responses). "document": each document whole, split at paragraph boundaries only when it
   * is longer than `maxTokens` (LongForm, DoG).
   */
  unit?: "passage" | "document";
  /** Fewest tokens a passage may have; shorter ones are dropped ("too-short"). Default 30 (documents: 100). */
  minTokens?: number;
  /** Most tokens a passage may have; longer text is split. Default 600 (documents: 2000). */
  maxTokens?: number;
  /** JSONL (and JSON/CSV/Parquet) inputs: the field holding the text. Default "text". */
  field?: string;
  /** Keep only passages detected as one of these languages (ISO 639-1); default: all. */
  languages?: string[];
  /** Duplicate removal across the whole corpus: "near" (MinHash, default), "exact", or "none". */
  dedup?: "near" | "exact" | "none";
  /** Called for every passage dropped, with why (for dropped.jsonl). */
  onDrop?: (passage: Passage, reason: PassageDropReason, detail: string) => void;
}

/** Counts of an ingestion run, filled in as passages are read. */
export interface CorpusReport {
  /** Files found (every file under the path, read or skipped). */
  files: number;
  /** Documents read (a text file is one; a JSONL file has one per record). */
  documents: number;
  /** Files not read, each with a reason (binary, unsupported extension, unreadable). */
  skipped: Array<{ file: string; reason: string }>;
  /** Passages yielded. */
  passages: number;
  /** Passages dropped, by reason. */
  dropped: Partial<Record<PassageDropReason, number>>;
  /** Passages yielded, by language. */
  languages: Record<string, number>;
}

export function newCorpusReport(): CorpusReport {
  return { files: 0, documents: 0, skipped: [], passages: 0, dropped: {}, languages: {} };
}
