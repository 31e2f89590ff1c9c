/**
 * How a dataset cell becomes text, for dataset-to-instruction: the same rendering feeds the model's view
 * of the dataset (example rows, answer choices) and the instances built from the rows, so what the model
 * saw is what the instances contain.
 */

/**
 * A cell as text, or undefined when it holds nothing: missing, null, a blank string, an empty list or
 * object. Strings are kept as they are (trimmed), numbers and booleans printed, lists and objects as
 * compact JSON (the paper dropped such rows; JSON keeps them and loses nothing).
 */
export function renderValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") {
    const text = value.trim();
    return text.length > 0 ? text : undefined;
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (Array.isArray(value)) return value.length > 0 ? JSON.stringify(value) : undefined;
  if (typeof value === "object") return Object.keys(value).length > 0 ? JSON.stringify(value) : undefined;
  return String(value);
}

/** Cuts text to `limit` characters (a trailing "…" marks the cut; surrogate pairs are not split). */
export function truncateText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = Math.max(0, limit - 1);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * A cell as shown to the model in an example row: numbers and booleans as they are (their type is
 * information), anything else rendered and cut to `limit` characters so one long document cannot fill
 * the prompt.
 */
export function exampleValue(value: unknown, limit: number): unknown {
  if (typeof value === "number" || typeof value === "boolean") return value;
  const text = renderValue(value);
  return text === undefined ? null : truncateText(text, limit);
}
