/**
 * The aspects a judge rates: names from `--aspects` (the four UltraFeedback names by default), each
 * with a description the judge is shown. Defaults come with ours (prompts/judge-aspects.ts); an
 * aspect file (YAML `{name: description}`) adds or overrides; any other name is described by itself.
 */
import { readFileSync } from "node:fs";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { InputError } from "../../data/input-error.js";
import { aspectFromName, DEFAULT_ASPECT_TEXTS } from "../../prompts/judge-aspects.js";

export interface Aspect {
  name: string;
  description: string;
}

export const DEFAULT_ASPECTS: readonly string[] = [
  "helpfulness",
  "honesty",
  "instruction-following",
  "truthfulness",
];

/** Aspect names become keys of the reply's JSON schema: keep them to what every server accepts. */
const ASPECT_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/u;

/** The aspects to rate, in the order given; `described` (an aspect file) wins over the defaults. */
export function resolveAspects(
  names: readonly string[] = DEFAULT_ASPECTS,
  described: Readonly<Record<string, string>> = {},
): Aspect[] {
  if (names.length === 0) throw new Error("no aspects to judge");
  const seen = new Set<string>();
  return names.map((raw) => {
    const name = raw.trim();
    if (!ASPECT_NAME.test(name)) {
      throw new Error(
        `aspect "${raw}": use a letter, then letters, digits, "-" or "_" (at most 64 characters)`,
      );
    }
    if (seen.has(name)) throw new Error(`aspect "${name}" is listed twice`);
    seen.add(name);
    const description = described[name] ?? DEFAULT_ASPECT_TEXTS[name] ?? aspectFromName(name);
    return { name, description };
  });
}

/** Splits a comma-separated `--aspects` value. */
export function parseAspectList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Reads a YAML mapping `{aspect name: description}`; errors name the file and line. */
export function readAspectFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputError(path, undefined, `cannot read the aspect file: ${code}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const line = lines.linePos(problem.pos[0]).line;
    throw new InputError(path, line, problem.message.split("\n")[0] ?? "invalid YAML");
  }
  if (!isMap(doc.contents)) {
    throw new InputError(path, undefined, "expected a mapping of aspect names to descriptions");
  }
  const out: Record<string, string> = {};
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    const at = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    const line = at === undefined ? undefined : lines.linePos(at).line;
    if (typeof key !== "string" || !ASPECT_NAME.test(key)) {
      throw new InputError(
        path,
        line,
        `aspect name ${JSON.stringify(key)}: use a letter, then letters, digits, "-" or "_"`,
      );
    }
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (typeof value !== "string" || value.trim().length === 0) {
      throw new InputError(path, line, "expected a non-empty description", { field: key });
    }
    out[key] = value.trim();
  }
  return out;
}
