/**
 * `--dry-run`: what each step would ask its model, as ranges. The low end assumes short replies and
 * every filter passing; the high end assumes replies at the token limit and the retries and repairs a
 * method can make. Inputs that exist are counted; inputs an earlier step will write take that step's
 * estimated record count. Rough by nature: it is for budgeting, not accounting.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { readRecords } from "../data/index.js";
import type { LoadedPipeline } from "./load.js";
import type { StepPlan } from "./plan.js";

export interface Range {
  lo: number;
  hi: number;
}

export interface StepEstimate {
  name: string;
  method: string;
  command: string[];
  model: string | undefined;
  records: Range | undefined;
  calls: Range | undefined;
  inputTokens: Range | undefined;
  outputTokens: Range | undefined;
  /** USD, from the model's price; undefined without a price. */
  cost: Range | undefined;
  note?: string;
}

interface Input {
  records: Range;
  /** Mean tokens of one input record's text (chars / 4). */
  tokens: number;
}

type Options = Record<string, unknown>;
type Figures = Pick<StepEstimate, "records" | "calls" | "inputTokens" | "outputTokens"> & { note?: string };

const r = (lo: number, hi = lo): Range => ({ lo: Math.round(lo), hi: Math.round(hi) });
const scale = (range: Range, lo: number, hi = lo): Range => r(range.lo * lo, range.hi * hi);

/** Per method: calls and tokens from its options and its input. */
const ESTIMATORS: Record<string, (o: Options, input: Input | undefined) => Figures> = {
  "self-instruct": (o) => {
    const n = Number(o.count);
    const alpaca = o.style === "alpaca";
    // Self-Instruct's prompt shows 8 tasks and the model continues the list: about 8 new ones per call.
    const per = alpaca ? Number(o.perRequest ?? 20) : 8;
    const max = Number(o.maxOutputTokens ?? (alpaca ? 3072 : 1024));
    const gen = r(Math.ceil(n / per), Math.ceil((4 * n) / per));
    return {
      records: r(n),
      calls: r(gen.lo + 2 * n, gen.hi + 4 * n),
      inputTokens: r(gen.lo * 550 + 2 * n * 350, gen.hi * 550 + 4 * n * 400),
      outputTokens: r(
        gen.lo * per * 30 + 2 * n * 40,
        gen.hi * max + 4 * n * Number(o.instanceMaxTokens ?? max),
      ),
    };
  },
  evol: (o, input) => {
    const rounds = Number(o.rounds);
    const n = input?.records ?? r(0);
    const max = Number(o.maxOutputTokens);
    const calls = r(n.lo * rounds * 2, n.hi * rounds * 3 * 2);
    return {
      records: r(n.lo, n.hi * (1 + rounds)),
      calls,
      inputTokens: r(
        calls.lo * (250 + (input?.tokens ?? 100)),
        calls.hi * (400 + 2 * (input?.tokens ?? 100)),
      ),
      outputTokens: r(calls.lo * 60, calls.hi * max),
    };
  },
  respond: (o, input) => {
    const n = input?.records ?? r(0);
    const samples = Number(o.samples ?? 1);
    return {
      records: scale(n, samples),
      calls: n,
      inputTokens: scale(n, 20 + (input?.tokens ?? 100)),
      outputTokens: scale(n, samples * 32, samples * Number(o.maxOutputTokens)),
    };
  },
  judge: (o, input) => {
    const n = input?.records ?? r(0);
    const pairwise = o.mode === "pairwise";
    const calls = pairwise ? scale(n, 1, 6) : scale(n, 1, 2);
    return {
      records: n,
      calls,
      inputTokens: r(
        calls.lo * (400 + (input?.tokens ?? 200)),
        calls.hi * (500 + 2 * (input?.tokens ?? 200)),
      ),
      outputTokens: r(calls.lo * 120, calls.hi * Number(o.maxOutputTokens)),
    };
  },
  ifd: (_o, input) => {
    const n = input?.records ?? r(0);
    return {
      records: r(0, n.hi),
      calls: scale(n, 4),
      inputTokens: scale(n, 4 * (input?.tokens ?? 100) + 80),
      outputTokens: r(0),
    };
  },
  reflect: (o, input) => {
    const n = input?.records ?? r(0);
    const max = Number(o.maxOutputTokens);
    return {
      records: r(0, n.hi),
      calls: scale(n, 2 + 8, 4 + 12),
      inputTokens: scale(n, 2 * 400 + 10 * (input?.tokens ?? 100), 4 * 600 + 16 * 2 * (input?.tokens ?? 100)),
      outputTokens: scale(n, 2 * 150, 4 * max),
      note: "student scoring calls included",
    };
  },
  rainbow: (o) => {
    const candidates = Number(o.iterations) * Number(o.batchSize ?? 4);
    const axes = 2;
    const max = Number(o.maxOutputTokens);
    const calls = r(candidates * (axes + 2), candidates * (axes + 4) + (o.safeResponses ? 100 : 0));
    return {
      records: r(0, Math.min(100, candidates)),
      calls,
      inputTokens: r(calls.lo * 250, calls.hi * 900),
      outputTokens: r(calls.lo * 80, calls.hi * max),
      note: "two axes assumed",
    };
  },
  preferences: (_o, input) => ({ records: r(0, (input?.records.hi ?? 0) / 2), ...noCalls }),
  dedup: (_o, input) => ({ records: r(0, input?.records.hi ?? 0), ...noCalls }),
  export: (_o, input) => ({ records: r(0, input?.records.hi ?? 0), ...noCalls }),
  udit: () => ({ records: undefined, ...noCalls }),
};

const noCalls = { calls: r(0), inputTokens: r(0), outputTokens: r(0) };

export async function estimatePipeline(
  loaded: LoadedPipeline,
  plans: StepPlan[],
  commands: ReadonlyMap<string, Command>,
): Promise<StepEstimate[]> {
  const estimates: StepEstimate[] = [];
  for (const plan of plans) {
    for (const run of plan.runs) {
      const options = await parsedOptions(commands, run.argv);
      const input = await inputOf(plan, plans, estimates);
      const estimator = ESTIMATORS[plan.method];
      const figures: Figures = estimator
        ? estimator(options, input)
        : {
            records: undefined,
            calls: undefined,
            inputTokens: undefined,
            outputTokens: undefined,
            note: `not estimated: see docs/methods/${plan.method}.md`,
          };
      const spec = run.model ? loaded.spec.models[run.model] : undefined;
      const local = spec !== undefined && (spec.base_url === undefined || spec.base_url === "local");
      const price = local ? { input: 0, output: 0 } : spec?.price;
      const cost =
        price && figures.inputTokens && figures.outputTokens
          ? {
              lo: (figures.inputTokens.lo * price.input + figures.outputTokens.lo * price.output) / 1e6,
              hi: (figures.inputTokens.hi * price.input + figures.outputTokens.hi * price.output) / 1e6,
            }
          : undefined;
      estimates.push({
        name: plan.name,
        method: plan.method,
        command: run.argv,
        model: run.model,
        ...figures,
        cost,
      });
    }
  }
  return estimates;
}

/** The step's options as its command parses them (defaults included), without running it. */
async function parsedOptions(commands: ReadonlyMap<string, Command>, argv: string[]): Promise<Options> {
  const { buildProgram } = await import("../cli/program.js");
  const program = buildProgram();
  const command = program.commands.find((c) => c.name() === argv[0]);
  if (!command || !commands.has(argv[0] as string)) return {};
  let options: Options = {};
  command.action((opts: Options) => {
    options = opts;
  });
  await program.parseAsync(argv, { from: "user" });
  return options;
}

/** The step's input: counted when the file exists, else what the step it reads is estimated to write. */
async function inputOf(plan: StepPlan, plans: StepPlan[], done: StepEstimate[]): Promise<Input | undefined> {
  if (plan.input === undefined) return undefined;
  if (existsSync(plan.input) && !plans.some((p) => p.product === plan.input)) return countFile(plan.input);
  const source = plans.find((p) => p.product === plan.input);
  const made = done.filter((e) => e.name === source?.name);
  if (made.length === 0) return existsSync(plan.input) ? countFile(plan.input) : undefined;
  const records = made.reduce<Range>(
    (sum, e) => r(sum.lo + (e.records?.lo ?? 0), sum.hi + (e.records?.hi ?? 0)),
    r(0),
  );
  return { records, tokens: 150 };
}

async function countFile(path: string): Promise<Input> {
  let count = 0;
  let chars = 0;
  for await (const { value } of readRecords(path)) {
    if (count < 500) chars += JSON.stringify(value).length;
    count++;
  }
  return { records: r(count), tokens: count === 0 ? 0 : chars / Math.min(count, 500) / 4 };
}

export function formatEstimate(e: StepEstimate): string {
  const range = (x: Range | undefined, unit = "") =>
    x === undefined ? "?" : x.lo === x.hi ? `${x.lo}${unit}` : `${x.lo}-${x.hi}${unit}`;
  const money = e.cost ? `$${e.cost.lo.toFixed(4)}-$${e.cost.hi.toFixed(4)}` : "no price";
  const lines = [
    `${e.name} (${e.method}${e.model ? `, model ${e.model}` : ""}): selfalign ${e.command.join(" ")}`,
    `  records out ${range(e.records)}; calls ${range(e.calls)}; input tokens ${range(e.inputTokens)}; output tokens ${range(e.outputTokens)}; cost ${money}${e.note ? ` (${e.note})` : ""}`,
  ];
  return lines.join("\n");
}
