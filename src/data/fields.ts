import { basename } from "node:path";
import { InputError } from "./input-error.js";
import type { InputRecord } from "./input-record.js";
import { describeValue, isJsonObject } from "./json-object.js";

/**
 * Reads a field by a dotted path (`meta.prompt`). A key that itself contains the dots wins over
 * nesting, because CSV headers and flattened exports often use names like "meta.prompt" literally.
 */
export function getField(value: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(value, path)) return value[path];
  let current: unknown = value;
  for (const key of path.split(".")) {
    if (!isJsonObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** The field as a string with something in it, or an InputError naming file, line and field. */
export function requireString(record: InputRecord, field: string): string {
  const value = getField(record.value, field);
  if (typeof value === "string" && value.trim().length > 0) return value;
  throw fieldError(record, field, `expected a non-empty string, got ${describeValue(value)}`);
}

/**
 * The field as a string, or undefined when it is absent, null or blank (an empty CSV cell is how
 * CSV says "absent"). Any other type is an InputError: a number where text belongs is a mistake.
 */
export function optionalString(record: InputRecord, field: string): string | undefined {
  const value = getField(record.value, field);
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value.trim().length > 0 ? value : undefined;
  throw fieldError(record, field, `expected a string, got ${describeValue(value)}`);
}

/** An InputError about one field of a record, for validations beyond these helpers. */
export function fieldError(record: InputRecord, field: string, detail: string): InputError {
  return new InputError(record.file, record.line, detail, { field });
}

/** The record's own `id` (a string or number), else `<file name>:<line>`: how outputs cite their source. */
export function sourceIdOf(record: InputRecord): string {
  const id = record.value.id;
  return typeof id === "string" || typeof id === "number"
    ? String(id)
    : `${basename(record.file)}:${record.line}`;
}
