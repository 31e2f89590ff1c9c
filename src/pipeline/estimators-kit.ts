/**
 * What the per-method estimators of `--dry-run` share: ranges, the step's input as counted, and calls
 * described kind by kind (how many, and how many tokens each sends and gets back).
 *
 * The two ends of every range mean the same thing in every estimator:
 *  - low: a clean, cheap run. Every reply is well-formed and short and passes the method's checks (no
 *    duplicate, eliminated or too-similar item, so a generator meets its goal in the fewest draws), and
 *    every finding that would cause more work goes the cheap way: no student mistake, no weak point,
 *    no pair rated high enough for another round.
 *  - high: every reply at its token limit, every structured reply repaired once, every check and
 *    finding going the costly way, up to the caps the options set (draws, rounds, iterations).
 * A run whose checks drop items can cost less than low where a drop saves work (an evolution
 * eliminated after its rewrite); the estimators' notes say where.
 * Tokens are rough (text length / 4, prompt wording guessed per kind of call): budgeting, not accounting.
 */

export interface Range {
  lo: number;
  hi: number;
}

/** The step's input as counted: records (passages, topics, seeds...) and their mean size. */
export interface Input {
  records: Range;
  /** Mean tokens of one input record's text (chars / 4). */
  tokens: number;
}

/** The step's options as its command parsed them: commander's camelCase keys, defaults included. */
export type Options = Record<string, unknown>;

/** Calls of one kind, made by one role's model (`role` undefined: the step's own model). */
export interface Share {
  role?: string;
  calls: Range;
  inputTokens: Range;
  outputTokens: Range;
}

export interface Figures {
  /** Records the step writes to the file the next step reads. */
  records: Range | undefined;
  shares: Share[];
  note?: string;
}

export type Estimator = (options: Options, input: Input | undefined) => Figures | Promise<Figures>;

export const r = (lo: number, hi = lo): Range => ({ lo: Math.round(lo), hi: Math.round(hi) });
export const scale = (range: Range, lo: number, hi = lo): Range => r(range.lo * lo, range.hi * hi);

/** `n` calls of one kind, each sending `input` and getting `output` tokens (low..high per call). */
export function calls(n: Range, input: Range, output: Range, role?: string): Share {
  return {
    ...(role === undefined ? {} : { role }),
    calls: n,
    inputTokens: r(n.lo * input.lo, n.hi * input.hi),
    outputTokens: r(n.lo * output.lo, n.hi * output.hi),
  };
}

/** What the repair message adds to a structured call's prompt, besides the bad reply itself. */
const REPAIR_WORDS = 60;

/**
 * Calls under a JSON schema: the low end never repairs; the high end repairs each call once, and a
 * repair resends the prompt with the bad reply (engine/structured.ts).
 */
export function structured(n: Range, input: Range, output: Range, role?: string): Share[] {
  const repairs = calls(r(0, n.hi), r(0, input.hi + output.hi + REPAIR_WORDS), r(0, output.hi), role);
  return [calls(n, input, output, role), repairs];
}

/** An option as a number, with the method's default when the command left it unset. */
export function num(options: Options, key: string, fallback: number): number {
  const value = options[key];
  return value === undefined || value === null ? fallback : Number(value);
}

/** Mean tokens of an input record, with a guess for records an earlier step has not written yet. */
export function tokensOf(input: Input | undefined, guess = 100): number {
  return input && input.tokens > 0 ? input.tokens : guess;
}

export const noCalls = (records: Range | undefined): Figures => ({ records, shares: [] });

/** Sum of the shares: the step's calls and tokens. */
export function totals(shares: readonly Share[]): Omit<Share, "role"> {
  const add = (a: Range, b: Range) => ({ lo: a.lo + b.lo, hi: a.hi + b.hi });
  return shares.reduce(
    (sum, s) => ({
      calls: add(sum.calls, s.calls),
      inputTokens: add(sum.inputTokens, s.inputTokens),
      outputTokens: add(sum.outputTokens, s.outputTokens),
    }),
    { calls: r(0), inputTokens: r(0), outputTokens: r(0) },
  );
}
