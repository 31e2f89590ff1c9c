/**
 * Which files a corpus path holds, in a fixed order, and what kind each is. Files are listed in sorted
 * path order so that a re-run reads passages in the same order (resuming depends on it). Hidden files
 * and directories (".git", ".DS_Store") are left out; anything else we cannot read is listed as skipped
 * with a reason, never silently ignored.
 */
import { readdirSync, statSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { InputError } from "../input-error.js";
import { formatFromPath } from "../read-records.js";

export type CorpusFileKind = "text" | "markdown" | "html" | "records";

export interface CorpusFile {
  path: string;
  kind: CorpusFileKind | undefined;
  /** Why the file is not read (kind undefined). */
  skip?: string;
}

const KIND_BY_EXTENSION: Readonly<Record<string, CorpusFileKind>> = {
  ".txt": "text",
  ".text": "text",
  ".md": "markdown",
  ".markdown": "markdown",
  ".html": "html",
  ".htm": "html",
  ".xhtml": "html",
};

export function kindOf(path: string): CorpusFileKind | undefined {
  const ext = extname(path).toLowerCase();
  return KIND_BY_EXTENSION[ext] ?? (formatFromPath(path) ? "records" : undefined);
}

/** The files of a corpus path (a file or a directory, walked recursively), sorted by path. */
export function listCorpusFiles(path: string): CorpusFile[] {
  const root = resolve(path);
  let info: ReturnType<typeof statSync>;
  try {
    info = statSync(root);
  } catch (error) {
    throw new InputError(
      root,
      undefined,
      `cannot read the corpus: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const paths = info.isDirectory() ? walk(root) : [root];
  return paths.map((file) => {
    const kind = kindOf(file);
    return kind
      ? { path: file, kind }
      : { path: file, kind, skip: `unsupported file type "${extname(file) || "(none)"}"` };
  });
}

function walk(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith("."))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
