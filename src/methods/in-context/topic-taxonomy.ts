/**
 * Topics for topic-guided generation, from either of two files:
 *  - plain text: one topic a line; blank lines and lines starting with "#" are skipped. A line may give
 *    the topic's place in a hierarchy with " > " ("Science > Physics > Optics");
 *  - a YAML taxonomy (.yaml, .yml) of nested mappings and lists whose leaves are the topics:
 *
 *      Science:
 *        Physics: [Optics, Mechanics]
 *        Biology:
 *          - Genetics
 *          - Ecology: [Coral reefs]
 *      History:            # a key with no children is a topic itself
 *
 * Every topic keeps its path from the root; the prompt shows it so that "Mechanics" under Physics is not
 * read as car repair. Two topics with the same path are an error (the second would only repeat the first).
 * Problems name the file and line, as all input errors do.
 */

import { extname } from "node:path";
import { type Document, isAlias, isMap, isScalar, isSeq, type Scalar } from "yaml";
import { InputError } from "../../data/input-error.js";
import { readLines } from "../../data/read-lines.js";
import { readYamlFile } from "../../data/yaml-file.js";
import { contentId } from "../../util/canonical.js";

export interface Topic {
  /** Stable id from the path (16 hex chars), so ids survive reordering or adding topics. */
  id: string;
  /** The leaf: what the instructions are about. */
  name: string;
  /** From the root to the leaf, inclusive; one element for a flat list. */
  path: string[];
  source: { file: string; line: number };
}

export const PATH_SEPARATOR = " > ";

/** "Science > Physics > Optics". */
export function topicPath(topic: Pick<Topic, "path">): string {
  return topic.path.join(PATH_SEPARATOR);
}

const MAX_DEPTH = 32;
const YAML_EXTENSIONS = new Set([".yaml", ".yml"]);

export async function readTopics(file: string): Promise<Topic[]> {
  const isYaml = YAML_EXTENSIONS.has(extname(file).toLowerCase());
  const topics = isYaml ? await readYamlTopics(file) : await readTextTopics(file);
  if (topics.length === 0) throw new InputError(file, undefined, "no topics in the file");
  const seen = new Map<string, number>();
  for (const topic of topics) {
    const key = topicPath(topic);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InputError(file, topic.source.line, `duplicate topic "${key}" (first on line ${first})`);
    }
    seen.set(key, topic.source.line);
  }
  return topics;
}

function makeTopic(path: string[], file: string, line: number): Topic {
  return { id: contentId(path), name: path.at(-1) as string, path, source: { file, line } };
}

async function readTextTopics(file: string): Promise<Topic[]> {
  const topics: Topic[] = [];
  for await (const { text, line } of readLines(file, 64 * 1024)) {
    const trimmed = text.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const path = trimmed.split(/\s+>\s+/u).map((part) => part.trim());
    if (path.some((part) => part === "")) throw new InputError(file, line, "empty level in the topic path");
    topics.push(makeTopic(path, file, line));
  }
  return topics;
}

async function readYamlTopics(file: string): Promise<Topic[]> {
  const { doc, lineAt } = await readYamlFile(file, "topic file");
  const walker = new TaxonomyWalker(doc, file, lineAt);
  if (doc.contents === null) return [];
  walker.walk(doc.contents, []);
  return walker.topics;
}

/** Collects the leaves of the YAML tree in document order. */
class TaxonomyWalker {
  readonly topics: Topic[] = [];

  constructor(
    private readonly doc: Document,
    private readonly file: string,
    private readonly lineOf: (offset: number | undefined) => number,
  ) {}

  /** `node` holds the children of `path` (or, at the root, the top level). */
  walk(node: unknown, path: string[], keyLine?: number): void {
    // An alias to an enclosing node would make the tree infinite; no real taxonomy is this deep.
    if (path.length > MAX_DEPTH) {
      throw new InputError(
        this.file,
        keyLine,
        `taxonomy deeper than ${MAX_DEPTH} levels (a recursive alias?)`,
      );
    }
    const resolved = isAlias(node) ? node.resolve(this.doc) : node;
    if (resolved === null || resolved === undefined || (isScalar(resolved) && resolved.value === null)) {
      // "History:" with nothing under it: the key is the topic.
      this.leaf(path, keyLine ?? this.lineAt(resolved));
    } else if (isScalar(resolved)) {
      this.leaf([...path, this.name(resolved)], this.lineAt(resolved));
    } else if (isSeq(resolved)) {
      if (resolved.items.length === 0) this.leaf(path, keyLine ?? this.lineAt(resolved));
      for (const item of resolved.items) this.walk(item, path);
    } else if (isMap(resolved)) {
      if (resolved.items.length === 0) this.leaf(path, keyLine ?? this.lineAt(resolved));
      for (const pair of resolved.items) {
        const key = isAlias(pair.key) ? pair.key.resolve(this.doc) : pair.key;
        if (!isScalar(key) || key.value === null) {
          throw new InputError(
            this.file,
            this.lineAt(key ?? pair.value),
            "a taxonomy key must be a topic name",
          );
        }
        const name = this.name(key);
        this.walk(pair.value, [...path, name], this.lineAt(key));
      }
    } else {
      throw new InputError(this.file, this.lineAt(resolved), "unsupported YAML node in the taxonomy");
    }
  }

  private leaf(path: string[], line: number): void {
    // An empty document, or a top-level key-less null: nothing to generate for.
    if (path.length === 0) return;
    this.topics.push(makeTopic(path, this.file, line));
  }

  private name(node: Scalar): string {
    const name = String(node.value).trim();
    if (name === "") throw new InputError(this.file, this.lineAt(node), "empty topic name");
    return name;
  }

  private lineAt(node: unknown): number {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    return this.lineOf(range?.[0]);
  }
}
