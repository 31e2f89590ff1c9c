import { readFileSync } from "node:fs";

/** A blacklist file: one word or phrase a line; blank lines and "#" comments skipped. */
export function readBlacklist(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(
      `${path}: cannot read the blacklist: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return text
    .split(/\r?\n/u)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}
