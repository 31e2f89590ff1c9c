/**
 * Replacing a whole file so that a crash (or a reader) sees the old file or the new one, never half of
 * one: write a temp file beside it, then rename over it (atomic within a file system).
 */
import { renameSync, writeFileSync } from "node:fs";

export function replaceFile(path: string, content: string): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

/** `value` as indented JSON with a final newline, replacing `path` whole. */
export function replaceJsonFile(path: string, value: unknown): void {
  replaceFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
