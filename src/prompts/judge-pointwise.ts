/** The pointwise judge prompt (our own words): rate one response on several aspects, reasons first. */
import type { PromptRef } from "./prompt.js";

export const JUDGE_POINTWISE: PromptRef = { id: "judge/pointwise", version: 1 };

/** What a judge prompt shows about the response under review. */
export interface JudgedExchange {
  /** The system message the response was written under, if any. */
  system?: string;
  /** The instruction (with its input) or the conversation before the response. */
  prompt: string;
  /** A reference answer to compare with, if the data has one. */
  reference?: string;
}

export interface AspectText {
  name: string;
  description: string;
}

export function aspectList(aspects: readonly AspectText[]): string {
  return aspects.map((a) => `- ${a.name}: ${a.description}`).join("\n");
}

/** The exchange's context, each part under a heading; shared by both judge prompts. */
export function exchangeSections(exchange: JudgedExchange): string[] {
  const parts: string[] = [];
  if (exchange.system) parts.push("System message the assistant was given:", exchange.system, "");
  parts.push("Instruction:", exchange.prompt, "");
  if (exchange.reference) {
    parts.push(
      "Reference answer (a known good answer; a response need not match its wording):",
      exchange.reference,
      "",
    );
  }
  return parts;
}

export function pointwisePrompt(
  exchange: JudgedExchange,
  response: string,
  aspects: readonly AspectText[],
  scale: number,
): string {
  return [
    "You are reviewing how well an AI assistant answered an instruction. Rate its response on each aspect below, independently of the others.",
    "",
    "Aspects:",
    aspectList(aspects),
    "",
    ...exchangeSections(exchange),
    "Response to review:",
    response,
    "",
    `For each aspect, first write a brief rationale that points at specific parts of the response, then give an integer score from 1 (very poor) to ${scale} (excellent) that follows from that rationale. Judge the content, not the length: a longer response is not better for being longer.`,
  ].join("\n");
}
