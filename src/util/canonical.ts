import { hash } from "node:crypto";

/**
 * JSON with object keys sorted at every depth and `undefined` members dropped, so that two requests
 * that mean the same thing serialize (and therefore hash) the same way.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) out[key] = sortKeys(member);
  }
  return out;
}

/** Hex SHA-256 of a string. */
export function sha256(text: string): string {
  return hash("sha256", text, "hex");
}

/** A short, stable id for anything JSON-serializable (first 16 hex chars of the canonical hash). */
export function contentId(value: unknown): string {
  return sha256(canonicalJson(value)).slice(0, 16);
}
