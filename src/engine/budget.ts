/**
 * Run budgets. They count everything the run directory has paid for (all sessions), so re-running a
 * stopped command with the same budget stops again at once, and raising the budget continues where it
 * stopped. Cached answers cost nothing and are always served. `maxCalls` is exact (in-flight calls hold a
 * reservation). Tokens and cost are known only after a call, so calls in flight are counted at the run's
 * average per call so far: the run stops close to the limit and may pass it by what those calls use
 * beyond the average.
 */
import type { SpendTotals } from "./call-cache.js";

export interface BudgetLimits {
  maxCalls?: number;
  maxTokens?: number;
  maxCost?: number;
}

export class BudgetExhaustedError extends Error {
  constructor(
    readonly limit: keyof BudgetLimits,
    readonly spent: number,
    readonly max: number,
    /** What calls in flight are expected to add. */
    readonly inFlight = 0,
  ) {
    const pending = inFlight > 0 ? ` (about ${round(inFlight)} more in calls in flight)` : "";
    super(
      `budget reached: ${limit} ${round(spent)} of ${max}${pending}; raise it and re-run the same command to continue`,
    );
    this.name = "BudgetExhaustedError";
  }
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

export class Budget {
  private inFlight = 0;

  constructor(
    readonly limits: BudgetLimits,
    private readonly spent: SpendTotals,
  ) {}

  /** Reserves one call or throws BudgetExhaustedError. Pair with `settle`. */
  reserve(): void {
    const { maxCalls, maxTokens, maxCost } = this.limits;
    if (maxCalls !== undefined && this.spent.calls + this.inFlight >= maxCalls)
      throw new BudgetExhaustedError("maxCalls", this.spent.calls + this.inFlight, maxCalls);
    // Calls in flight will use about what an average call of this run has used so far.
    const calls = Math.max(1, this.spent.calls);
    const tokens = this.spent.inputTokens + this.spent.outputTokens;
    const tokensAhead = (this.inFlight * tokens) / calls;
    if (maxTokens !== undefined && tokens + tokensAhead >= maxTokens)
      throw new BudgetExhaustedError("maxTokens", tokens, maxTokens, tokensAhead);
    const cost = this.spent.cost;
    const costAhead = (this.inFlight * cost) / calls;
    if (maxCost !== undefined && cost + costAhead >= maxCost)
      throw new BudgetExhaustedError("maxCost", cost, maxCost, costAhead);
    this.inFlight++;
  }

  /** Ends a reservation; `paid` is what the call cost (undefined when it failed and paid nothing). */
  settle(paid?: { inputTokens: number; outputTokens: number; cost: number }): void {
    this.inFlight--;
    if (!paid) return;
    this.spent.calls++;
    this.spent.inputTokens += paid.inputTokens;
    this.spent.outputTokens += paid.outputTokens;
    this.spent.cost += paid.cost;
  }
}
