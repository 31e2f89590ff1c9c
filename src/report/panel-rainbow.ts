/**
 * The Rainbow Teaming archive as a heat map: grid.json gives the axes and each cell's score and elite
 * id; archive.jsonl gives the elite's prompt and response for the click-through. With three axes the
 * columns are the second and third axes' value pairs.
 */
import { join } from "node:path";
import { clip, type PanelBuilder, type RecordVisit, type StepVisit } from "./builder.js";
import { readJsonObject } from "./discover.js";
import type { Rec } from "./step-files.js";
import type { RainbowCell, RainbowStep } from "./types.js";

interface Axis {
  name: string;
  values: string[];
}
interface GridCell {
  score: number;
  id: string;
}

const MAX_ARCHIVE = 20_000;

export class RainbowBuilder implements PanelBuilder {
  readonly steps: RainbowStep[] = [];
  private archive = new Map<string, Rec>();

  startStep(): void {
    this.archive = new Map();
  }

  record(v: RecordVisit): void {
    if (v.file !== "archive.jsonl" || this.archive.size >= MAX_ARCHIVE) return;
    if (typeof v.record.id === "string") this.archive.set(v.record.id, v.record);
  }

  endStep({ step, limits }: StepVisit): void {
    const grid = readJsonObject(join(step.dir, "grid.json"));
    if (!grid || !Array.isArray(grid.axes) || !Array.isArray(grid.grid)) return;
    const axes = (grid.axes as Axis[]).filter(
      (a) => a && typeof a.name === "string" && Array.isArray(a.values),
    );
    if (axes.length === 0) return;
    const [first, ...rest] = axes as [Axis, ...Axis[]];
    const cols = combinations(rest.map((a) => a.values.map(String)));
    const cells: RainbowCell[] = [];
    const text = (v: unknown) => clip(typeof v === "string" ? v : null, limits.textChars).text;
    (grid.grid as unknown[]).forEach((row, r) => {
      flatten(row, rest.length).forEach((cell, c) => {
        if (!cell || typeof cell.score !== "number") return;
        const elite = this.archive.get(cell.id);
        cells.push({
          row: r,
          col: c,
          score: cell.score,
          id: String(cell.id),
          prompt: text(elite?.prompt),
          response: text(elite?.response),
          rationale: text(elite?.rationale),
        });
      });
    });
    const num = (v: unknown) => (typeof v === "number" ? v : null);
    this.steps.push({
      step: step.name,
      rowAxis: first.name,
      colAxis: rest.map((a) => a.name).join(" / ") || "-",
      rows: first.values.map(String),
      cols,
      cells,
      iteration: num(grid.iteration),
      coverage: num(grid.coverage),
      meanScore: num(grid.mean_score),
    });
    this.archive = new Map();
  }
}

function combinations(lists: string[][]): string[] {
  return lists.reduce<string[]>(
    (acc, values) => acc.flatMap((prefix) => values.map((v) => (prefix ? `${prefix} / ${v}` : v))),
    [""],
  );
}

/** A row of the nested grid as a list of cells in column order (`depth` axes below the row). */
function flatten(row: unknown, depth: number): Array<GridCell | null> {
  if (depth === 0) return [row as GridCell | null];
  if (!Array.isArray(row)) return [];
  return row.flatMap((child) => flatten(child, depth - 1));
}
