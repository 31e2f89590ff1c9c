/**
 * Prompts of Auto Evol-Instruct (Zeng et al., 2024), in our own words. The structure follows the paper:
 *  - the initial evolving method is general and domain-free: find the ways an instruction could be made
 *    harder, plan with a few of them, rewrite, then review the result;
 *  - the optimizer first analyses the evolution trajectories of a mini-batch for problems (the paper's
 *    "evol trajectory analysis"), then rewrites the method to avoid them ("evolving method optimization").
 * A method is the directive of one in-depth operation: it is placed inside Evol-Instruct's fixed in-depth
 * frame (prompts/evol.ts), which supplies the instruction and asks for the rewritten instruction alone.
 */
import type { PromptRef } from "./prompt.js";

export const INITIAL_METHOD: PromptRef = { id: "auto-evol/initial-method", version: 1 };
export const ANALYSE: PromptRef = { id: "auto-evol/analyse", version: 1 };
export const IMPROVE: PromptRef = { id: "auto-evol/improve", version: 1 };

/** The evolving method every run starts from. */
export function initialMethod(): string {
  return [
    "Work through four steps in your head.",
    "(1) Read the instruction closely and think of the different ways it could be made more demanding for a",
    "capable assistant, for example an extra condition, a narrower or more concrete case, more steps of",
    "reasoning, or more input to work with; never by translating it or changing its language.",
    "(2) Pick the few ways that suit this particular instruction best and plan how to combine them.",
    "(3) Carry out the plan and write the harder version.",
    "(4) Review it: remove anything unreasonable, contradictory or impossible to answer, and make sure it is",
    "still the same task, only harder.",
    "Give only the instruction that comes out of step 4.",
  ].join("\n");
}

/** One evolution as the optimizer sees it. */
export interface TrajectoryCase {
  original: string;
  evolved: string;
  /** The start of the answer to the evolved instruction; undefined when none was asked. */
  response?: string;
  /** "passed", or the rule that eliminated the evolution and why. */
  verdict: string;
}

/** Answers are cut to this many characters in the analysis prompt: their start shows a refusal. */
export const RESPONSE_EXCERPT = 600;

function quoted(text: string): string {
  return ["<<<", text, ">>>"].join("\n");
}

function excerpt(text: string): string {
  return text.length > RESPONSE_EXCERPT ? `${text.slice(0, RESPONSE_EXCERPT)} [...]` : text;
}

export function analysePrompt(method: string, cases: readonly TrajectoryCase[]): string {
  const shown = cases.flatMap((c, i) => [
    `Case ${i + 1}`,
    "Original instruction:",
    quoted(c.original),
    "Rewritten instruction:",
    quoted(c.evolved === "" ? "(nothing)" : c.evolved),
    ...(c.response === undefined
      ? []
      : ["Start of an assistant's answer to it:", quoted(excerpt(c.response))]),
    `Automatic checks: ${c.verdict}`,
    "",
  ]);
  return [
    "We are improving a method that rewrites instructions for an AI assistant into harder versions of the",
    "same task. Below is the method as it was applied, followed by what it did to a sample of instructions:",
    "each case shows the original, the rewritten version, the start of an answer to the rewritten version,",
    "and what our automatic checks said about it.",
    "",
    "The method:",
    quoted(method),
    "",
    ...shown,
    "Go through every case and find where the rewriting went wrong or fell short: the new version is not",
    "really harder, loses or changes information the original needed, became unreasonable, ambiguous or",
    "impossible to answer, drifted to another task, grew much longer than needed, leaked wording of the",
    "method itself, or was refused or poorly answered. Include problems the automatic checks missed. For each",
    "problem, say what it is and give the evidence: the cases that show it and how. Describe problems of the",
    "method, not of single cases, and list each problem once.",
    'Reply with a JSON object {"issues": [{"issue": "...", "evidence": "..."}]}; use an empty list if the',
    "rewriting worked well in every case.",
  ].join("\n");
}

export interface AnalysisIssue {
  issue: string;
  evidence: string;
}

/**
 * `analysis` is the optimizer's list of issues, or (when its reply could not be read) the reply itself,
 * which still tells the optimizer what it found.
 */
export function improvePrompt(method: string, analysis: readonly AnalysisIssue[] | string): string {
  const problems =
    typeof analysis === "string"
      ? [analysis.trim() === "" ? "(no problems were reported)" : analysis.trim()]
      : analysis.length === 0
        ? ["No problems were found in this sample; improve the method only where you see a clear gain."]
        : analysis.map((a, i) => `${i + 1}. ${a.issue} Evidence: ${a.evidence}`);
  return [
    "We are improving a method that rewrites instructions for an AI assistant into harder versions of the",
    "same task. The method is a piece of text placed in a fixed frame: the frame supplies the instruction,",
    "limits the rewrite to a moderate amount of added text, and asks for the rewritten instruction alone. So",
    "the method only has to say how to rewrite; it must not ask for any other output (no lists, plans or",
    "explanations in the reply).",
    "",
    "The current method:",
    quoted(method),
    "",
    "Problems found when it was applied to a sample of instructions:",
    ...problems,
    "",
    "Write an improved method that avoids these problems without harming the cases that went well, and that",
    "makes instructions at least as much harder as the current method does. Keep it general: it will be",
    "applied to many instructions it has never seen, so do not mention particular cases or topics.",
    'Reply with a JSON object with "changes" (one or two sentences: what you changed and why) and "method"',
    "(the full text of the improved method).",
  ].join("\n");
}
