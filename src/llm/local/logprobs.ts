/**
 * Exact per-token log-probabilities with node-llama-cpp.
 *
 * `LlamaContextSequence.controlledEvaluate` returns, for every input token flagged with
 * `generateNext.probabilities`, the next-token distribution as a Map. With the default sampler settings
 * of that call (temperature 0 → greedy sampler, no penalties, no token bias) the native side applies no
 * truncation (top-k / top-p only run when temperature > 0) and softmaxes the raw logits over the WHOLE
 * vocabulary, so `map.get(actualNextToken)` is the model's true probability, not a top-k renormalization.
 * The cost is one Map of vocabulary size per scored token: fine for judging short texts.
 */

import type {
  ChatWrapper,
  ControlledEvaluateInputItem,
  LlamaContextSequence,
  LlamaModel,
  Token,
} from "node-llama-cpp";
import { ModelCallError } from "../errors.js";
import type { ScoringContext, TokenLogprob } from "../language-model.js";
import { toChatHistory } from "./generation.js";

/**
 * The smallest positive float32 is ~1.4e-45 (log ≈ -103.3); the native softmax is float32, so a token
 * far in the tail comes back as exactly 0. Report that floor instead of -Infinity so callers can sum.
 */
const LOGPROB_FLOOR = Math.log(1.401298464324817e-45);

export interface ScoredTokens {
  /** All tokens to evaluate: context (with BOS where the model uses one) + text. */
  all: Token[];
  /** Index in `all` of the first token of `text`. */
  textStart: number;
}

/**
 * The context's tokens. Raw text gets the model's BOS and has its special-token text parsed, as
 * llama-server reads raw prompts; a chat is rendered by the model's chat template, which places BOS
 * itself, up to where the assistant's reply begins.
 */
export function contextTokens(model: LlamaModel, chatWrapper: ChatWrapper, context: ScoringContext): Token[] {
  if (typeof context !== "string") {
    if (context.messages.length === 0)
      throw new ModelCallError("bad-request", "logprobs: the chat context is empty");
    const { contextText } = chatWrapper.generateContextState({
      chatHistory: toChatHistory(context.messages),
    });
    return contextText.tokenize(model.tokenizer);
  }
  const bos = model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? [model.tokens.bos] : [];
  return context === "" ? bos : [...bos, ...model.tokenize(context, true)];
}

/**
 * Tokenizes the text SEPARATELY from its context and concatenates, so the scored tokens are exactly the
 * text's own tokens (a merged tokenization could fuse the boundary into a token that belongs to both).
 * After a context the text is tokenized as a continuation ("trimLeadingSpace"): no SentencePiece space
 * prefix is added, so " Paris" after "The capital is" gives "▁Paris" rather than "▁▁Paris". Special-token
 * text inside `text` stays plain text: the scored text is data, never markup.
 */
export function tokenizeForScoring(model: LlamaModel, prefix: Token[], text: string): ScoredTokens {
  const textTokens =
    prefix.length === 0 ? model.tokenize(text, false) : model.tokenize(text, false, "trimLeadingSpace");
  if (prefix.length === 0 && textTokens.length > 0) {
    throw new ModelCallError(
      "bad-request",
      "logprobs: this model adds no BOS token, so the first token of a text without context cannot be scored; pass a non-empty context",
    );
  }
  return { all: [...prefix, ...textTokens], textStart: prefix.length };
}

/** Evaluates the tokens on a cleared sequence and reads the probability of each text token. */
export async function scoreTokens(
  model: LlamaModel,
  sequence: LlamaContextSequence,
  scored: ScoredTokens,
): Promise<TokenLogprob[]> {
  const { all, textStart } = scored;
  if (textStart >= all.length) return [];
  if (all.length > sequence.contextSize) {
    throw new ModelCallError(
      "bad-request",
      `logprobs: context + text is ${all.length} tokens, more than the ${sequence.contextSize}-token context of a sequence`,
    );
  }
  // The distribution over token i+1 is the output at position i, so flag positions textStart-1 .. end-2.
  const input = all
    .slice(0, -1)
    .map(
      (token, index): ControlledEvaluateInputItem =>
        index >= textStart - 1 ? [token, { generateNext: { probabilities: true } }] : token,
    );
  await sequence.clearHistory();
  try {
    const outputs = await sequence.controlledEvaluate(input);
    const result: TokenLogprob[] = [];
    for (let index = textStart; index < all.length; index++) {
      const token = all[index] as Token;
      const probability = outputs[index - 1]?.next.probabilities?.get(token);
      if (probability === undefined) {
        throw new ModelCallError(
          "unsupported",
          `logprobs: llama.cpp returned no distribution at position ${index - 1}`,
        );
      }
      result.push({
        token: model.detokenize([token], false, all.slice(Math.max(0, index - 8), index)),
        logprob: probability > 0 ? Math.log(probability) : LOGPROB_FLOOR,
      });
    }
    return result;
  } finally {
    await sequence.clearHistory();
  }
}
