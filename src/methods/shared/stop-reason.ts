/**
 * Why a method loop stopped before its goal. Loops whose later steps depend on earlier answers (a
 * growing pool) cannot skip a failed call and go on: the run would diverge from the one a re-run makes
 * once the call succeeds. They stop instead, after the calls in flight, and a re-run resumes.
 */
import { BudgetExhaustedError } from "../../engine/budget.js";
import { RunInterruptedError } from "../../engine/engine.js";
import { ModelCallError } from "../../llm/errors.js";

export type StopReason =
  | { kind: "budget"; message: string }
  | { kind: "interrupt"; message: string }
  | { kind: "failed"; message: string };

/** The stop reason for an error a model call raised; anything else (a bug, bad input) is rethrown. */
export function stopReasonOf(error: unknown): StopReason {
  if (error instanceof BudgetExhaustedError) return { kind: "budget", message: error.message };
  if (error instanceof RunInterruptedError) return { kind: "interrupt", message: error.message };
  if (ModelCallError.is(error)) return { kind: "failed", message: error.message };
  throw error;
}

/** Session status for a stop reason (see cli/session.ts): budget, interrupted, or partial (re-run). */
export function statusOf(stop: StopReason | undefined): "complete" | "budget" | "interrupted" | "partial" {
  if (!stop) return "complete";
  if (stop.kind === "budget") return "budget";
  if (stop.kind === "interrupt") return "interrupted";
  return "partial";
}
