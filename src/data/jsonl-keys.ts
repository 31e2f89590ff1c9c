import { existsSync } from "node:fs";
import { readJsonl } from "./read-jsonl.js";

/**
 * Collects the keys of the records already in a JSONL output file, so that a resumed run can skip
 * them. A missing file means nothing was written yet. A torn last line (a crash mid-write) is ignored,
 * as JsonlWriter.open cuts it off; a whole last record lacking only its "\n" counts, as the writer keeps
 * it. Records for which `keyOf` returns undefined are skipped; any other bad line is an InputError.
 */
export async function readJsonlKeys<K>(
  file: string,
  keyOf: (value: Record<string, unknown>) => K | undefined,
): Promise<Set<K>> {
  const keys = new Set<K>();
  if (!existsSync(file)) return keys;
  for await (const record of readJsonl(file, { skipTornLastLine: true })) {
    const key = keyOf(record.value);
    if (key !== undefined) keys.add(key);
  }
  return keys;
}
