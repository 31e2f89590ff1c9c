/**
 * The report's data: everything the page shows, computed in Node from a run or pipeline directory and
 * embedded in the page as JSON. Every string in it may come from a model and is shown as text only.
 */

/** Histogram bins: `counts[i]` values fell in `[edges[i], edges[i + 1])` (the last bin is closed). */
export interface Histogram {
  edges: number[];
  counts: number[];
  n: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  median: number | null;
}

export interface ModelInfo {
  name: string;
  provider: string | null;
  /** Scheme, host and path only: credentials and query strings are cut. */
  baseUrl: string | null;
  steps: string[];
}

export interface FileInfo {
  name: string;
  /** What the file is to the step: its kept output, its drops, or something else it wrote. */
  role: "kept" | "dropped" | "generated" | "other";
  /** Records in the file (non-blank lines that parse). */
  total: number;
  /** Records of it in the page's sample browser ("N of M"). */
  included: number;
  /** Lines that did not parse (a torn last line while the run writes, or damage). */
  unreadable: number;
}

export interface StepInfo {
  name: string;
  method: string;
  dir: string;
  status: string;
  /** The step's own headline figures from summary.json (numbers only). */
  figures: Record<string, number>;
  files: FileInfo[];
}

export interface FunnelRow {
  step: string;
  method: string;
  generated: number;
  kept: number;
  dropped: number;
  byReason: Record<string, number>;
  /** Where the numbers come from, e.g. "instructions.jsonl + dropped.jsonl". */
  source: string;
}

export interface VerbNode {
  verb: string;
  count: number;
  nouns: Array<{ noun: string; count: number }>;
}

export interface DiversityStep {
  step: string;
  /** Instructions read from the step's kept file, parsed (up to the cap), and with a verb found. */
  total: number;
  parsed: number;
  withVerb: number;
  /** Top root verbs, each with its top direct-object nouns ("-" = none found). */
  verbs: VerbNode[];
  languages: { en: number; zh: number; other: number };
}

export interface RougeStep {
  step: string;
  /** "seeds": computed here against the step's seed file; "record": the method's own figure. */
  source: "seeds" | "record";
  note: string;
  histogram: Histogram;
}

export interface LengthStep {
  step: string;
  instructions: Histogram;
  responses: Histogram;
}

export interface ScoreStep {
  step: string;
  field: string;
  histogram: Histogram;
}

export interface TreeNode {
  id: string;
  operation: string | null;
  round: number | null;
  instruction: string;
  /** Null when kept; the elimination rule otherwise. */
  eliminated: string | null;
  children: TreeNode[];
}

export interface TreeStep {
  step: string;
  roots: TreeNode[];
  /** Trees and nodes in the file, and how many made it into the page. */
  totalRoots: number;
  totalNodes: number;
  includedNodes: number;
  operations: Array<{ operation: string; kept: number; eliminated: number }>;
}

export interface RainbowCell {
  /** Row (first axis value) and column (the other axes' values joined by " / "). */
  row: number;
  col: number;
  score: number;
  id: string;
  prompt: string | null;
  response: string | null;
  rationale: string | null;
}

export interface RainbowStep {
  step: string;
  rowAxis: string;
  colAxis: string;
  rows: string[];
  cols: string[];
  cells: RainbowCell[];
  iteration: number | null;
  coverage: number | null;
  meanScore: number | null;
}

export interface SpendRow {
  step: string;
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  /** Seconds spent in this model's calls (sum of call latencies, from the call cache), when known. */
  callSeconds: number | null;
}

export interface StepTime {
  step: string;
  sessions: number;
  /** Wall-clock seconds over all sessions of the step's run directory (or the last session's). */
  seconds: number | null;
}

export interface Sample {
  step: string;
  method: string;
  file: string;
  line: number;
  kind: "kept" | "dropped" | "other";
  id: string | null;
  instruction: string | null;
  response: string | null;
  score: number | null;
  reason: string | null;
  detail: string | null;
  /** True when a text was cut to the page's length limit. */
  truncated: boolean;
}

export interface ReportLimits {
  recordsPerFile: number;
  textChars: number;
  parsePerStep: number;
  treeNodesPerStep: number;
}

export interface ReportData {
  version: 1;
  title: string;
  source: string;
  generatedAt: string;
  status: string;
  kind: "pipeline" | "step";
  /** True when served by `selfalign serve` (the page then polls for updates). */
  live: boolean;
  models: ModelInfo[];
  limits: ReportLimits;
  steps: StepInfo[];
  funnel: FunnelRow[];
  diversity: DiversityStep[];
  rouge: RougeStep[];
  lengths: LengthStep[];
  scores: ScoreStep[];
  trees: TreeStep[];
  rainbow: RainbowStep[];
  spend: SpendRow[];
  times: StepTime[];
  samples: Sample[];
  warnings: string[];
}
