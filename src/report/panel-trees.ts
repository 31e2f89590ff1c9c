/**
 * Evolution trees from records carrying `parent_id` and `root_id` (Evol-Instruct's generations.jsonl:
 * every attempt, kept or eliminated, with its operation). Trees are kept whole: the first roots are
 * taken until the step's node cap is reached, so a tree is never shown cut.
 */
import { clip, type PanelBuilder, type RecordVisit, type StepVisit } from "./builder.js";
import { idOf, instructionOf } from "./record-fields.js";
import type { TreeNode, TreeStep } from "./types.js";

interface Flat {
  node: TreeNode;
  parent: string | null;
  root: string;
}

export class TreesBuilder implements PanelBuilder {
  readonly steps: TreeStep[] = [];
  private flat: Flat[] = [];
  private roots = new Set<string>();
  private nodesPerRoot = new Map<string, number>();
  private totalNodes = 0;
  private operations = new Map<string, { kept: number; eliminated: number }>();
  private textChars = 0;

  startStep({ limits }: StepVisit): void {
    this.flat = [];
    this.roots = new Set();
    this.nodesPerRoot = new Map();
    this.totalNodes = 0;
    this.operations = new Map();
    this.textChars = Math.min(limits.textChars, 600);
  }

  record(v: RecordVisit): void {
    const r = v.record;
    if (!("root_id" in r) || !("parent_id" in r) || v.dropped) return;
    const id = idOf(r);
    const root = typeof r.root_id === "string" ? r.root_id : id;
    if (id === null || root === null) return;
    this.totalNodes++;
    this.roots.add(root);
    this.nodesPerRoot.set(root, (this.nodesPerRoot.get(root) ?? 0) + 1);
    const elimination = r.elimination as { rule?: unknown } | null | undefined;
    const eliminated = elimination && typeof elimination.rule === "string" ? elimination.rule : null;
    const operation = typeof r.operation === "string" ? r.operation : null;
    if (operation) {
      const op = this.operations.get(operation) ?? { kept: 0, eliminated: 0 };
      if (eliminated) op.eliminated++;
      else op.kept++;
      this.operations.set(operation, op);
    }
    this.flat.push({
      node: {
        id,
        operation,
        round: typeof r.round === "number" ? r.round : null,
        instruction: clip(instructionOf(r), this.textChars).text ?? "",
        eliminated,
        children: [],
      },
      parent: typeof r.parent_id === "string" ? r.parent_id : null,
      root,
    });
  }

  endStep({ step, limits }: StepVisit): void {
    if (this.totalNodes === 0) return;
    // Whole trees, in order of first appearance, until the node cap.
    const included = new Set<string>();
    let nodes = 0;
    for (const root of this.roots) {
      const size = this.nodesPerRoot.get(root) ?? 0;
      if (nodes > 0 && nodes + size > limits.treeNodesPerStep) break;
      included.add(root);
      nodes += size;
    }
    const byId = new Map<string, TreeNode>();
    const tops: TreeNode[] = [];
    for (const f of this.flat) if (included.has(f.root)) byId.set(f.node.id, f.node);
    for (const f of this.flat) {
      if (!included.has(f.root)) continue;
      const parent = f.parent === null ? undefined : byId.get(f.parent);
      if (parent && parent !== f.node) parent.children.push(f.node);
      else tops.push(f.node);
    }
    this.flat = [];
    this.steps.push({
      step: step.name,
      roots: tops,
      totalRoots: this.roots.size,
      totalNodes: this.totalNodes,
      includedNodes: nodes,
      operations: [...this.operations.entries()].map(([operation, c]) => ({ operation, ...c })),
    });
  }
}
