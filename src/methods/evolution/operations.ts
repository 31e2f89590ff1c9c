/**
 * Evolution operations: each is a directive telling the model how to rewrite one instruction. The
 * built-in sets follow the papers' operation lists (WizardLM: in-depth and in-breadth; WizardCoder: code;
 * WizardMath: upward and downward), written in our own words. Users add or replace operations with a
 * file (`--operations`), which is also what Auto Evol-Instruct writes as its final method.
 *
 * Operations file (YAML or JSON):
 *   replace: false            # true: use only these operations, not the built-in set of the domain
 *   operations:
 *     - id: add-persona
 *       kind: depth           # depth: rewrite the instruction harder; breadth: write a new one like it
 *       directive: Rewrite it so that it must be answered for a specific audience, named in the text.
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { InputError } from "../../data/input-error.js";

export type EvolDomain = "general" | "code" | "math";

export interface EvolOperation {
  /** Stable name, recorded on every evolved record. */
  id: string;
  /** depth: make this instruction harder; breadth: write a new, rarer instruction of the same domain. */
  kind: "depth" | "breadth";
  /** What to do, in a sentence or a few: inserted into the evolving prompt. */
  directive: string;
}

const general: EvolOperation[] = [
  {
    id: "add-constraints",
    kind: "depth",
    directive: "Add one more constraint or requirement that the answer must satisfy.",
  },
  {
    id: "deepen",
    kind: "depth",
    directive: "If the instruction asks about something, ask about it in more depth and breadth.",
  },
  {
    id: "concretize",
    kind: "depth",
    directive: "Replace a general concept in the instruction with a more specific one.",
  },
  {
    id: "increase-reasoning",
    kind: "depth",
    directive:
      "If the instruction can be solved in a few simple steps, rewrite it so that it explicitly needs several steps of reasoning.",
  },
  {
    id: "complicate-input",
    kind: "depth",
    directive:
      "Add a concrete input the answer must work with, such as a small table, a piece of code, a formula or a short text, written out in full.",
  },
  {
    id: "breadth",
    kind: "breadth",
    directive:
      "Write a brand-new instruction in the same domain as the given one, but about a rarer, more unusual topic, of similar length and difficulty.",
  },
];

const code: EvolOperation[] = [
  {
    id: "code-add-constraints",
    kind: "depth",
    directive: "Add one new constraint or requirement to the programming task, in about 10 more words.",
  },
  {
    id: "code-rarer-requirement",
    kind: "depth",
    directive:
      "Replace a common, well-known requirement of the programming task with a less common, more specific one.",
  },
  {
    id: "code-more-reasoning",
    kind: "depth",
    directive:
      "If the task can be solved with only a few logical steps, add requirements that need more reasoning steps.",
  },
  {
    id: "code-misdirection",
    kind: "depth",
    directive:
      "Add a short piece of erroneous code as a reference that looks plausible, to increase misdirection; the task must still be solvable.",
  },
  {
    id: "code-complexity",
    kind: "depth",
    directive:
      "Demand a stricter time or space complexity than the obvious solution has (do not do this often).",
  },
  {
    id: "code-breadth",
    kind: "breadth",
    directive:
      "Write a brand-new programming task of the same kind, about a rarer problem, of similar difficulty.",
  },
];

const math: EvolOperation[] = [
  {
    id: "math-upward",
    kind: "depth",
    directive:
      "Make the problem harder: add a condition, a step or a quantity so that solving it needs more reasoning, and keep it solvable with one exact answer.",
  },
  {
    id: "math-downward",
    kind: "depth",
    directive:
      "Make the problem easier: turn it into a simpler problem of the same kind, or one with fewer steps, still with one exact answer.",
  },
  {
    id: "math-concretize",
    kind: "depth",
    directive:
      "Replace abstract quantities with concrete numbers and a realistic situation, keeping one exact answer.",
  },
  {
    id: "math-breadth",
    kind: "breadth",
    directive:
      "Write a brand-new math problem about a different, less common topic, of similar difficulty, with one exact answer.",
  },
];

export const BUILT_IN_OPERATIONS: Readonly<Record<EvolDomain, readonly EvolOperation[]>> = {
  general,
  code,
  math,
};

const fileSchema = z.object({
  replace: z.boolean().default(false),
  operations: z
    .array(
      z.object({
        id: z.string().regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' and '-' only"),
        kind: z.enum(["depth", "breadth"]).default("depth"),
        directive: z.string().min(1),
      }),
    )
    .min(1),
});

export interface OperationSet {
  operations: EvolOperation[];
  replace: boolean;
}

/** An operations file (YAML or JSON, which YAML includes); errors name the file, line and field. */
export function readOperationsFile(path: string): OperationSet {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(
      path,
      undefined,
      `cannot read the operations file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem)
    throw new InputError(
      path,
      lines.linePos(problem.pos[0]).line,
      problem.message.split("\n")[0] ?? "invalid YAML",
    );
  const parsed = fileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const node = doc.getIn(issue.path as Array<string | number>, true) as
      | { range?: [number, number] }
      | undefined;
    const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
    throw new InputError(path, line, issue.message, { field: issue.path.join(".") || undefined });
  }
  const ids = new Set<string>();
  for (const op of parsed.data.operations) {
    if (ids.has(op.id))
      throw new InputError(path, undefined, `operation id "${op.id}" appears twice`, { field: "operations" });
    ids.add(op.id);
  }
  return { operations: parsed.data.operations, replace: parsed.data.replace };
}

/** The operations a run uses: the domain's built-ins, plus (or, with `replace`, only) the file's. */
export function resolveOperations(domain: EvolDomain, extra?: OperationSet): EvolOperation[] {
  const base = extra?.replace ? [] : [...BUILT_IN_OPERATIONS[domain]];
  const ids = new Set(base.map((op) => op.id));
  for (const op of extra?.operations ?? []) {
    if (ids.has(op.id))
      throw new Error(
        `operation "${op.id}" is already built in for the ${domain} domain; give it another id`,
      );
    base.push(op);
    ids.add(op.id);
  }
  return base;
}

/** An operations file's text for a list of operations (what Auto Evol-Instruct writes). */
export function operationsFileText(operations: readonly EvolOperation[], replace: boolean): string {
  return `${JSON.stringify({ replace, operations }, null, 2)}\n`;
}
