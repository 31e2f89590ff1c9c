/**
 * What the document-level backtranslation commands (longform, wrap) share: the corpus path check and the
 * summary figures and headline of a document loop.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { DocumentStats } from "../../methods/backtranslation/document-loop.js";

/** The corpus path, resolved; checked before the model loads (a typo should cost nothing). */
export function checkCorpus(path: string): string {
  const resolved = resolve(path);
  try {
    statSync(resolved);
  } catch (error) {
    throw new Error(
      `${resolved}: cannot read the corpus: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return resolved;
}

/** The summary's `result`: the figures (without the stop reason, which methodOutcome adds) and files. */
export function documentResult(stats: DocumentStats, outDir: string): Record<string, unknown> {
  const { stoppedBy: _stop, ...figures } = stats;
  return {
    ...figures,
    files: {
      instructions: resolve(outDir, "instructions.jsonl"),
      dropped: resolve(outDir, "dropped.jsonl"),
    },
  };
}

/** "5 of 7 documents kept as instructions; dropped: ...; 2 skipped files; ..." */
export function documentHeadline(stats: DocumentStats, what: string): string {
  const dropped = Object.entries(stats.dropped)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  let line = `${stats.kept} ${what} from ${stats.read} documents`;
  if (dropped) line += `; dropped: ${dropped}`;
  if (stats.alreadyWritten) line += `; ${stats.alreadyWritten} already written`;
  if (stats.failed) line += `; ${stats.failed} failed`;
  if (stats.ingest.skipped.length) line += `; ${stats.ingest.skipped.length} files skipped (see summary)`;
  return line;
}
