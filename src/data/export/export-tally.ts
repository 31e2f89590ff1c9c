/**
 * What an export counts as it streams, for the summary line and the dataset card: records read,
 * written and skipped (by reason), turns, lengths of prompts and replies, methods and models from the
 * records' meta, and a seeded sample of prompts to guess the language from.
 */
import { Rng } from "../../engine/rng.js";
import { detectLanguage } from "../../text/detect-language.js";
import { countInto, LengthTally, Reservoir, type TextLengths } from "../stats/summary.js";
import { type Canonical, lastUserText, type RecordKind, replyContent, type SkipReason } from "./canonical.js";
import type { Row } from "./exporter.js";

/** Prompts sampled for the language guess; tinyld needs a few dozen characters each to be reliable. */
const LANGUAGE_SAMPLE = 200;
const MIN_LANGUAGE_TEXT = 24;
/** A language is listed in the card when at least this share of the sampled prompts is in it. */
const MIN_LANGUAGE_SHARE = 0.1;

export interface ExportCounts {
  read: number;
  written: number;
  skipped: Partial<Record<SkipReason, number>>;
  kind: RecordKind | undefined;
  /** Records with more than one user turn. */
  multiTurn: number;
  withSystem: number;
  lengths: { prompt: TextLengths; response?: TextLengths; chosen?: TextLengths; rejected?: TextLengths };
  methods: Record<string, number>;
  models: Record<string, number>;
  /** ISO 639-1 codes, most frequent first; empty when no sampled prompt was long enough to tell. */
  languages: string[];
  /** Columns that occurred in the written rows. */
  keys: string[];
  /** The first written row, shown in the card. */
  example?: Row;
}

export class ExportTally {
  read = 0;
  written = 0;
  kind: RecordKind | undefined;
  readonly skipped: Partial<Record<SkipReason, number>> = {};
  readonly keys = new Set<string>();
  private multiTurn = 0;
  private withSystem = 0;
  private readonly prompt = new LengthTally();
  private readonly response = new LengthTally();
  private readonly chosen = new LengthTally();
  private readonly rejected = new LengthTally();
  private readonly methods: Record<string, number> = {};
  private readonly models: Record<string, number> = {};
  private readonly sample = new Reservoir<string>(
    LANGUAGE_SAMPLE,
    new Rng("selfalign").fork("export/language"),
  );
  private example: Row | undefined;

  skip(reason: SkipReason): void {
    countInto(this.skipped, reason);
  }

  add(c: Canonical, row: Row): void {
    this.written++;
    this.example ??= row;
    for (const key of Object.keys(row)) this.keys.add(key);
    const prompt = c.kind === "sft" ? c.messages.slice(0, -1) : c.prompt;
    if (prompt[0]?.role === "system") this.withSystem++;
    if (prompt.filter((m) => m.role === "user").length > 1) this.multiTurn++;
    const text = lastUserText(prompt) ?? "";
    this.prompt.add(text);
    this.sample.add(text);
    if (c.kind === "sft") this.response.add(c.messages.at(-1)!.content);
    else {
      this.chosen.add(replyContent(c.chosen));
      this.rejected.add(replyContent(c.rejected));
    }
    countInto(this.methods, c.origin.method ?? "(none)");
    if (c.origin.model) countInto(this.models, c.origin.model);
  }

  counts(): ExportCounts {
    const lengths: ExportCounts["lengths"] = { prompt: this.prompt.summary() };
    if (this.kind === "preference") {
      lengths.chosen = this.chosen.summary();
      lengths.rejected = this.rejected.summary();
    } else lengths.response = this.response.summary();
    const out: ExportCounts = {
      read: this.read,
      written: this.written,
      skipped: { ...this.skipped },
      kind: this.kind,
      multiTurn: this.multiTurn,
      withSystem: this.withSystem,
      lengths,
      methods: { ...this.methods },
      models: { ...this.models },
      languages: guessLanguages(this.sample.items),
      keys: [...this.keys],
    };
    if (this.example) out.example = this.example;
    return out;
  }
}

/** Languages of a sample of texts by tinyld, keeping those with a real share of the sample. */
export function guessLanguages(texts: readonly string[]): string[] {
  const counts: Record<string, number> = {};
  let detected = 0;
  for (const text of texts) {
    if (text.length < MIN_LANGUAGE_TEXT) continue;
    const lang = detectLanguage(text.slice(0, 2000));
    if (!lang) continue;
    countInto(counts, lang);
    detected++;
  }
  return Object.entries(counts)
    .filter(([, n]) => n / detected >= MIN_LANGUAGE_SHARE)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([lang]) => lang);
}
