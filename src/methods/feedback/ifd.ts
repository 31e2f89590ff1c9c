/**
 * Instruction-Following Difficulty (Cherry LLM, Li et al., 2023) and its reverse (Selective
 * Reflection-Tuning, Li et al., 2024), from one model's token log-probabilities:
 *
 *   IFD(Q, A)   = PPL(A | Q) / PPL(A)   how much the instruction helps predict the answer
 *                                       (high: hard and useful; >= 1: the instruction does not help)
 *   r-IFD(Q, A) = PPL(Q | A) / PPL(Q)   how well the answer implies its instruction (low is good)
 *
 * PPL(x | c) = exp(-mean log p(token | c, earlier tokens)) over the tokens of x. The conditioned scores
 * put the instruction in the chat as the model expects it (its own template, or a named one), and score
 * the answer as the assistant's reply; the unconditioned ones score the bare text after BOS.
 */

import type { RunEngine } from "../../engine/engine.js";
import { type ChatTemplateName, renderChat } from "../../llm/chat-templates.js";
import { ModelCallError } from "../../llm/errors.js";
import type { ChatMessage, LanguageModel, ScoringContext, TokenLogprob } from "../../llm/language-model.js";
import { reverseInstructionPrompt } from "../../prompts/reflection.js";
import { allOrFirstError } from "../shared/settle-all.js";

/** "model": the model's own chat template (the local provider); otherwise a named layout rendered here. */
export type ScoringTemplate = "model" | ChatTemplateName;

export interface IfdScorer {
  engine: RunEngine;
  model: LanguageModel;
  template: ScoringTemplate;
  /** A system message before the instruction in the conditioned contexts. */
  system?: string;
}

export interface IfdPair {
  instruction: string;
  answer: string;
  /** The pair's own system message; the scorer's when absent. */
  system?: string;
}

export interface IfdScores {
  ifd: number;
  r_ifd: number;
  ppl_answer_given_instruction: number;
  ppl_answer: number;
  ppl_instruction_given_answer: number;
  ppl_instruction: number;
  /** Tokens of the answer and of the instruction as scored in context. */
  answer_tokens: number;
  instruction_tokens: number;
}

/** exp of the mean negative log-probability; undefined for a text with no scored token. */
export function perplexity(tokens: readonly TokenLogprob[]): number | undefined {
  if (tokens.length === 0) return undefined;
  let sum = 0;
  for (const { logprob } of tokens) sum += logprob;
  return Math.exp(-sum / tokens.length);
}

/** Thrown for a pair that cannot be scored (a text with no tokens); the record is dropped, not retried. */
export class UnscorableError extends Error {}

/**
 * Whether scoring failed on the pair itself (no tokens, longer than the model's context: the provider
 * says "bad-request") rather than on the model or the run. Such a record is dropped; anything else stops.
 */
export function isUnscorable(error: unknown): boolean {
  return error instanceof UnscorableError || (ModelCallError.is(error) && error.kind === "bad-request");
}

/** The four perplexities of a pair, and IFD and r-IFD from them. Four cached engine calls. */
export async function scoreIfd(scorer: IfdScorer, pair: IfdPair): Promise<IfdScores> {
  const { instruction, answer } = pair;
  const [answerGiven, answerAlone, instructionGiven, instructionAlone] = await allOrFirstError<
    [TokenLogprob[], TokenLogprob[], TokenLogprob[], TokenLogprob[]]
  >([
    logprobs(scorer, chatContext(scorer, instruction, pair.system), answer),
    logprobs(scorer, "", answer),
    logprobs(scorer, chatContext(scorer, reverseInstructionPrompt(answer), pair.system), instruction),
    logprobs(scorer, "", instruction),
  ]);
  const ppl = (tokens: TokenLogprob[], what: string): number => {
    const value = perplexity(tokens);
    if (value === undefined) throw new UnscorableError(`the model scored no token of the ${what}`);
    return value;
  };
  const pplAnswerGiven = ppl(answerGiven, "answer after its instruction");
  const pplAnswer = ppl(answerAlone, "answer");
  const pplInstructionGiven = ppl(instructionGiven, "instruction after its answer");
  const pplInstruction = ppl(instructionAlone, "instruction");
  return {
    ifd: pplAnswerGiven / pplAnswer,
    r_ifd: pplInstructionGiven / pplInstruction,
    ppl_answer_given_instruction: pplAnswerGiven,
    ppl_answer: pplAnswer,
    ppl_instruction_given_answer: pplInstructionGiven,
    ppl_instruction: pplInstruction,
    answer_tokens: answerGiven.length,
    instruction_tokens: instructionGiven.length,
  };
}

/** The context a user turn makes, ending where the assistant's reply begins. */
export function chatContext(
  scorer: Pick<IfdScorer, "template" | "system">,
  user: string,
  system = scorer.system,
): ScoringContext {
  const messages: ChatMessage[] = [];
  if (system !== undefined) messages.push({ role: "system", content: system });
  messages.push({ role: "user", content: user });
  return scorer.template === "model" ? { messages } : renderChat(scorer.template, messages);
}

async function logprobs(scorer: IfdScorer, context: ScoringContext, text: string): Promise<TokenLogprob[]> {
  return (await scorer.engine.logprobs(scorer.model, context, text)).tokens;
}

/**
 * Fails before any call when the model cannot score as asked: no log-probabilities at all, or the
 * model's own template requested from a provider that cannot apply it.
 */
export function assertCanScore(model: LanguageModel, template: ScoringTemplate): void {
  if (!model.logprobs) throw new Error(`${model.modelName} cannot return log-probabilities, which IFD needs`);
  if (template === "model" && model.provider !== "local") {
    throw new Error(
      `${model.modelName} is served over HTTP, where its chat template cannot be applied to a scored text: ` +
        "name the template it was trained with (--template chatml|llama3|llama2|mistral|gemma|phi3|alpaca|raw)",
    );
  }
}
