/**
 * A YAML (or JSON) file read for configuration, keeping positions: errors about a value name the line it
 * is on. Syntax errors and unreadable files are InputErrors already.
 */
import { readFile } from "node:fs/promises";
import { type Document, LineCounter, type Node, parseDocument } from "yaml";
import { InputError } from "./input-error.js";

export interface YamlFile {
  file: string;
  doc: Document;
  /** 1-based line of a character offset (1 when undefined). */
  lineAt(offset: number | undefined): number;
  /** 1-based line of a node (1 when it has no position). */
  lineOfNode(node: unknown): number;
  /** 1-based line of the value at `path`, or of its nearest ancestor that exists. */
  lineOf(path: readonly PropertyKey[]): number;
}

export async function readYamlFile(file: string, what = "file"): Promise<YamlFile> {
  let source: string;
  try {
    source = await readFile(file, "utf8");
  } catch (error) {
    throw new InputError(
      file,
      undefined,
      `cannot read the ${what}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  return parseYaml(file, source);
}

export function parseYaml(file: string, source: string): YamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const message = problem.message.split("\n")[0] ?? "invalid YAML";
    throw new InputError(file, lines.linePos(problem.pos[0]).line, `invalid YAML or JSON: ${message}`);
  }
  const lineAt = (offset: number | undefined): number =>
    offset === undefined ? 1 : lines.linePos(offset).line;
  const lineOfNode = (node: unknown): number => lineAt((node as Node | null | undefined)?.range?.[0]);
  const lineOf = (path: readonly PropertyKey[]): number => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true);
      if (node !== undefined && node !== null) return lineOfNode(node);
    }
    return 1;
  };
  return { file, doc, lineAt, lineOfNode, lineOf };
}
