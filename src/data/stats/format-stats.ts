/** The human-readable report of `selfalign stats`: short sections of aligned columns. */
import type { DatasetStats, ScoreStats } from "./dataset-stats.js";
import { type HistogramBin, type NumericSummary, sortedCounts, type TextLengths } from "./summary.js";

const BAR_WIDTH = 30;

export function formatStats(s: DatasetStats): string {
  const lines: string[] = [];
  const { sft, preference, other } = s.kinds;
  lines.push(`${s.file}: ${s.records} records (sft ${sft}, preference ${preference}, other ${other})`);
  lines.push("", "fields:", ...countLines(s.fields));
  lines.push("", "lengths:", ...lengthTable(s.lengths));
  for (const [title, counts] of [
    ["methods", s.methods],
    ["models", s.models],
    ["steps", s.steps],
    ["drop reasons", s.drops],
    ["not exportable", s.notExportable],
  ] as const) {
    if (Object.keys(counts).length > 0) lines.push("", `${title}:`, ...countLines(counts));
  }
  const scores = Object.entries(s.scores);
  if (scores.length > 0) {
    lines.push("", "scores:");
    for (const [path, score] of scores) lines.push(...scoreLines(path, score));
  }
  lines.push("", ...diversityLines(s));
  return `${lines.join("\n")}\n`;
}

function countLines(counts: Record<string, number>): string[] {
  const rows = sortedCounts(counts);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, n]) => `  ${k.padEnd(width)}  ${n}`);
}

function lengthTable(lengths: DatasetStats["lengths"]): string[] {
  const header = [
    "",
    "n",
    "chars p10",
    "p50",
    "p90",
    "max",
    "mean",
    "words p10",
    "p50",
    "p90",
    "max",
    "mean",
  ];
  const rows = Object.entries(lengths)
    // A preference file has no "response" texts: no empty row for it.
    .filter((entry): entry is [string, TextLengths] => entry[0] === "instruction" || !!entry[1]?.chars)
    .map(([name, l]) => [
      name,
      String(l.chars?.count ?? 0),
      ...summaryCells(l.chars),
      ...summaryCells(l.words),
    ]);
  return table([header, ...rows]);
}

function summaryCells(s: NumericSummary | null): string[] {
  if (!s) return ["-", "-", "-", "-", "-"];
  return [s.p10, s.p50, s.p90, s.max, s.mean].map(num);
}

function scoreLines(path: string, s: ScoreStats): string[] {
  const out = [
    `  ${path}: n ${s.count}, min ${num(s.min)}, p50 ${num(s.p50)}, mean ${num(s.mean)}, max ${num(s.max)}`,
  ];
  const top = Math.max(...s.histogram.map((b) => b.count));
  const labels = s.histogram.map(binLabel);
  const width = Math.max(...labels.map((l) => l.length));
  for (const [i, b] of s.histogram.entries()) {
    const bar = "#".repeat(top === 0 ? 0 : Math.round((b.count / top) * BAR_WIDTH));
    out.push(`    ${labels[i]!.padStart(width)} | ${bar} ${b.count}`);
  }
  return out;
}

/** One integer value, one value, or a range. */
function binLabel(b: HistogramBin): string {
  if ((b.to - b.from === 1 && Number.isInteger(b.from)) || b.from === b.to) return num(b.from);
  return `${num(b.from)}-${num(b.to)}`;
}

function diversityLines(s: DatasetStats): string[] {
  const d = s.diversity;
  if (!d) return ["diversity: no text to sample"];
  const rouge =
    d.rougeL.mean === null
      ? "n/a (fewer than 2 texts)"
      : `mean ${num(d.rougeL.mean)}, max ${num(d.rougeL.max!)} over ${d.rougeL.pairs} pairs`;
  return [
    `diversity of ${d.sample} sampled ${d.text} texts (seed ${d.seed}):`,
    `  pairwise ROUGE-L F: ${rouge}`,
    `  distinct-1 ${d.distinct1 === null ? "n/a" : num(d.distinct1)}, distinct-2 ${d.distinct2 === null ? "n/a" : num(d.distinct2)}`,
  ];
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? "").length)));
  return rows.map(
    (r) =>
      `  ${r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join("  ")}`,
  );
}

function num(v: number): string {
  // Scores in [0, 1] need three decimals, lengths one; trailing zeros say nothing.
  return String(Number(v.toFixed(Math.abs(v) < 10 ? 3 : 1)));
}
