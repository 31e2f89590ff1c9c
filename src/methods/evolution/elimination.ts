/**
 * Evol-Instruct's elimination rules (Xu et al., 2023, WizardLM §3.2), shared by Evol-Instruct and Auto
 * Evol-Instruct (whose failure rate counts the same failures). An evolution fails when:
 *  - `no-information-gain`: the model judges the evolved instruction equal to its parent (a model call,
 *    see `judgeGain`);
 *  - `cannot-answer`: the response shows the model could not do it: an apology or refusal in a short
 *    response (the paper: contains "sorry" and is under 80 words);
 *  - `trivial-response`: the response is only punctuation and stop words;
 *  - `template-leak`: the evolved instruction copies words of the evolving prompt ("given prompt",
 *    "rewritten prompt", "#Rewritten Prompt#").
 * `empty` (no instruction came back) is ours: a reply with nothing to evolve.
 */
import { z } from "zod";
import type { RunEngine } from "../../engine/engine.js";
import { generateObject } from "../../engine/structured.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { EVOL_GAIN, gainPrompt } from "../../prompts/evol-judge.js";
import { countWords } from "../../text/filters.js";
import { isStopWord } from "../../text/stopwords.js";
import { tokenize } from "../../text/tokenize.js";
import { chatRequest } from "../shared/chat-request.js";

export type EliminationRule =
  | "empty"
  | "template-leak"
  | "no-information-gain"
  | "cannot-answer"
  | "trivial-response";

export interface Elimination {
  rule: EliminationRule;
  detail: string;
}

/** Words of our evolving prompts (and the papers') that must not appear in an evolved instruction. */
export const TEMPLATE_WORDS = [
  "given prompt",
  "rewritten prompt",
  "created prompt",
  "#given prompt#",
  "#rewritten prompt#",
  "#created prompt#",
  "original instruction",
  "rewritten instruction",
  "evolved instruction",
  "#instruction#",
  "#rewritten instruction#",
  "new instruction:",
];

const APOLOGY =
  /\b(sorry|apologi[sz]e|i cannot|i can't|i can not|i am unable|i'm unable|as an ai)\b|抱歉|对不起|无法回答|我不能/iu;

/** The instruction-only rules, checked before any further call: empty, or leaking template words. */
export function instructionFailure(
  instruction: string,
  templateWords = TEMPLATE_WORDS,
): Elimination | undefined {
  if (instruction.trim() === "") return { rule: "empty", detail: "no instruction in the reply" };
  const lower = instruction.toLowerCase();
  const leaked = templateWords.find((word) => lower.includes(word.toLowerCase()));
  return leaked ? { rule: "template-leak", detail: `contains "${leaked}"` } : undefined;
}

/** The response rules: an apology in a short response, or a response of punctuation and stop words. */
export function responseFailure(response: string, maxApologyWords = 80): Elimination | undefined {
  const words = countWords(response);
  const apology = APOLOGY.exec(response);
  if (apology && words < maxApologyWords) {
    return { rule: "cannot-answer", detail: `"${apology[0]}" in a ${words}-word response` };
  }
  const tokens = tokenize(response, "auto");
  if (tokens.every((token) => isStopWord(token, "auto"))) {
    return {
      rule: "trivial-response",
      detail: tokens.length === 0 ? "no words" : "only stop words and punctuation",
    };
  }
  return undefined;
}

const gainSchema = z.object({
  reason: z.string().describe("one sentence: what the evolved instruction adds, or why it adds nothing"),
  equal: z.boolean().describe("true when the two instructions ask for the same thing in substance"),
});

export interface GainVerdict {
  equal: boolean;
  reason: string;
  /** The judge's reply could not be read as the schema even after a repair; counted as a gain. */
  invalid?: string;
  call: string;
}

/**
 * The paper's first rule: does the evolved instruction ask for anything the parent did not? The model
 * answers with a reason and `equal` (structured output). An unreadable answer is not held against the
 * instruction: it counts as a gain and is recorded as invalid.
 */
export async function judgeGain(
  engine: RunEngine,
  model: LanguageModel,
  parent: string,
  child: string,
): Promise<GainVerdict> {
  const request = chatRequest(gainPrompt(parent, child), { temperature: 0, maxTokens: 256 });
  const jsonSchema = {
    name: "information_gain",
    schema: z.toJSONSchema(gainSchema) as Record<string, unknown>,
  };
  const call = engine.prepare(model, { ...request, jsonSchema }).keys[0] as string;
  const result = await generateObject(engine, model, {
    request,
    schema: gainSchema,
    name: "information_gain",
  });
  if (!result.ok) return { equal: false, reason: "", invalid: result.error, call };
  return { equal: result.value.equal, reason: result.value.reason, call };
}

export { EVOL_GAIN };
