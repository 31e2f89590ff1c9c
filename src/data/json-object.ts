import { InputError } from "./input-error.js";
import { errorMessage } from "./read-chunks.js";

/** Parses one JSON text that must hold an object (a record); anything else is an InputError at `line`. */
export function parseJsonObject(
  text: string,
  file: string,
  line: number,
  hint = "",
): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(file, line, `invalid JSON: ${errorMessage(err)}${hint}`, { cause: err });
  }
  if (!isJsonObject(value)) {
    throw new InputError(file, line, `expected a JSON object, got ${describeValue(value)}`);
  }
  return value;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Names what a value is, for "expected X, got Y" messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "string") {
    if (value.length === 0) return "empty string";
    if (value.trim().length === 0) return "blank string";
  }
  return typeof value;
}
