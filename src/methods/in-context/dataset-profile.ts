/**
 * The metadata dataset-to-instruction shows the model (DYNOSAUR's "dataset name, description, data
 * fields, a few rows"), gathered in one streaming pass over a local file: the fields with a type guess
 * each, the row count, the first rows (cut short) to draw example rows from, and the few distinct
 * values of label-like fields. The pass also validates the whole file before any model call is paid for.
 * Memory is bounded by the number of fields, not rows.
 */
import { basename, extname } from "node:path";
import { InputError, readRecords } from "../../data/index.js";
import type { Rng } from "../../engine/rng.js";
import { exampleValue, renderValue } from "./dataset-values.js";

export type FieldType =
  | "text"
  | "integer"
  | "number"
  | "boolean"
  | "list"
  | "object"
  /** No row has a value. */
  | "empty"
  /** Values of several kinds. */
  | "mixed";

export interface FieldProfile {
  name: string;
  type: FieldType;
  /** Rows in which the field has a value (not missing, null or blank). */
  filled: number;
  /** Mean length in characters of the rendered values (tells a label from a document). */
  meanChars: number;
  /**
   * The distinct values, when there are few, they are short and they repeat (a label set such as
   * positive/negative or 0/1/2); undefined otherwise. In order of first appearance.
   */
  values?: string[];
}

export interface ExampleRow {
  /** 1-based row number. */
  row: number;
  value: Record<string, unknown>;
}

export interface DatasetProfile {
  file: string;
  /** Shown to the model as the dataset's name: `--name`, else the file name without its extension. */
  name: string;
  rows: number;
  fields: FieldProfile[];
  /** The first rows (at most `EXAMPLE_POOL_ROWS`), values cut to the example limit. */
  pool: ExampleRow[];
}

/** Example rows are drawn from this many first rows: enough for variety, bounded for memory. */
export const EXAMPLE_POOL_ROWS = 100;
/** The paper's label-space rule: at most 10 distinct labels of at most 15 characters. */
export const MAX_LABELS = 10;
export const MAX_LABEL_CHARS = 15;

export interface ProfileOptions {
  name?: string;
  /** Longest example value shown to the model, in characters. */
  maxValueChars: number;
}

export async function profileDataset(file: string, options: ProfileOptions): Promise<DatasetProfile> {
  const stats = new Map<string, FieldStats>();
  const pool: ExampleRow[] = [];
  let rows = 0;
  for await (const record of readRecords(file)) {
    rows += 1;
    for (const [key, value] of Object.entries(record.value)) {
      let field = stats.get(key);
      if (!field) {
        field = new FieldStats();
        stats.set(key, field);
      }
      field.add(value);
    }
    if (pool.length < EXAMPLE_POOL_ROWS) {
      const value: Record<string, unknown> = {};
      for (const [key, cell] of Object.entries(record.value))
        value[key] = exampleValue(cell, options.maxValueChars);
      pool.push({ row: record.index + 1, value });
    }
  }
  // Nothing to propose tasks about, and nothing to turn into instances: say so before any call.
  if (rows === 0) throw new InputError(file, undefined, "the dataset has no rows");
  const fields = [...stats].map(([name, field]) => field.profile(name));
  return { file, name: options.name ?? basename(file, extname(file)), rows, fields, pool };
}

/** `count` example rows drawn from the pool with `rng`, shown in file order. */
export function sampleExamples(profile: DatasetProfile, rng: Rng, count: number): ExampleRow[] {
  return rng.sample(profile.pool, count).sort((a, b) => a.row - b.row);
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

type Kind = "text" | "integer" | "number" | "boolean" | "list" | "object";

/** Running statistics of one field: counts by kind, total length, and distinct values while few. */
class FieldStats {
  private readonly kinds = new Map<Kind, number>();
  private filled = 0;
  private chars = 0;
  /** Distinct rendered values and their counts; undefined once they are too many or too long. */
  private labels: Map<string, number> | undefined = new Map();

  add(value: unknown): void {
    const text = renderValue(value);
    if (text === undefined) return;
    this.filled += 1;
    this.chars += text.length;
    const kind = kindOf(value, text);
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    if (!this.labels) return;
    if (kind === "list" || kind === "object" || text.length > MAX_LABEL_CHARS) {
      this.labels = undefined;
      return;
    }
    this.labels.set(text, (this.labels.get(text) ?? 0) + 1);
    if (this.labels.size > MAX_LABELS) this.labels = undefined;
  }

  profile(name: string): FieldProfile {
    const profile: FieldProfile = {
      name,
      type: this.type(),
      filled: this.filled,
      meanChars: this.filled > 0 ? Math.round(this.chars / this.filled) : 0,
    };
    // A label set repeats: ten distinct titles in ten rows are not labels.
    if (this.labels && this.labels.size >= 2 && this.labels.size * 2 <= this.filled) {
      profile.values = [...this.labels.keys()];
    }
    return profile;
  }

  private type(): FieldType {
    if (this.filled === 0) return "empty";
    const kinds = [...this.kinds.keys()];
    if (kinds.length === 1) return kinds[0] as FieldType;
    // Whole numbers and decimals in one column are numbers.
    if (kinds.length === 2 && this.kinds.has("integer") && this.kinds.has("number")) return "number";
    return "mixed";
  }
}

/** The kind of a filled value; numeric text (CSV has only text) counts as a number. */
function kindOf(value: unknown, text: string): Kind {
  if (typeof value === "boolean") return "boolean";
  if (Array.isArray(value)) return "list";
  if (typeof value === "object" && value !== null) return "object";
  if (typeof value === "number" || (typeof value === "string" && NUMERIC.test(text))) {
    return Number.isInteger(Number(text)) && !/[.eE]/.test(text) ? "integer" : "number";
  }
  return "text";
}
