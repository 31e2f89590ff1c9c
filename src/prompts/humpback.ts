/**
 * Prompts of Humpback (Li et al., 2023, "Self-Alignment with Instruction Backtranslation"), in our own
 * words. The paper fine-tuned a backward model on (output -> instruction) pairs; we ask any model for the
 * same thing few-shot, showing (text, request) pairs: seeds first, curated pairs in later rounds. The
 * curation prompt carries a 5-point rubric of what an AI assistant's answer to an instruction should be,
 * with the paper's structure (from "off the point" to "a perfect assistant answer"), rephrased.
 */
import type { PromptRef } from "./prompt.js";

export const AUGMENT: PromptRef = { id: "humpback/augment", version: 1 };
/** The passage alone as the request: for a backward model fine-tuned on (output -> instruction) pairs. */
export const AUGMENT_RAW: PromptRef = { id: "humpback/augment-raw", version: 1 };
export const CURATE: PromptRef = { id: "humpback/curate", version: 1 };

/** One (instruction, answer) pair as shown in a prompt. */
export interface PairText {
  instruction: string;
  output: string;
}

/** The sentence after the passage; also where a reader of the prompt (tests) finds the passage's end. */
export const AUGMENT_ASK =
  "Write the request that this text answers best, as a user would type it to an AI assistant.";

export function augmentMessage(examples: readonly PairText[], passage: string): string {
  const lines = [
    "Your task is to work backwards from an answer to its question. Given a text, write the request that a",
    "user could have sent to an AI assistant so that this text would be a fitting and complete reply.",
  ];
  if (examples.length > 0) {
    lines.push("The examples show texts together with the requests they answer.");
    examples.forEach((e, i) => {
      lines.push("", `### Example ${i + 1}`, "Text:", e.output, "", "Request:", e.instruction);
    });
  }
  lines.push(
    "",
    "### Your turn",
    "Text:",
    passage,
    "",
    AUGMENT_ASK,
    "The request must stand on its own and be specific enough that the text is a natural reply to it;",
    "write it in the language of the text. Do not answer it, do not describe or summarise the text, and",
    "reply with the request alone.",
  );
  return lines.join("\n");
}

/**
 * The rubric: what an AI assistant's answer to an instruction looks like at each score. The paper's
 * rubric ranks answers from off-topic (1) through "written from another person's perspective, e.g. a
 * blog post" (3) to "a perfect AI assistant answer" (5); these are our words for the same ladder.
 */
export const RUBRIC = [
  "1: Not an answer to the instruction. It misses the point, is only loosely related, breaks off, or is",
  "   mostly filler such as navigation links, advertising or page boilerplate.",
  "2: Touches on the instruction but leaves much of it unanswered, or answers a somewhat different",
  "   question; the user would still have to look elsewhere.",
  "3: Relevant and answers the core of the instruction, but does not read as a reply to the user: it is",
  "   text found somewhere else, such as a blog post, a page of a web site, a forum post or a personal",
  "   story, or it carries promotional or unrelated passages.",
  "4: Reads as an AI assistant's reply: it takes up the instruction directly and answers it completely,",
  "   is well organised and, as far as can be told, correct. It could still be tighter, more focused or",
  "   better written.",
  "5: An excellent AI assistant answer: wholly about the instruction, complete, knowledgeable and",
  "   correct, clearly written and well organised, with nothing irrelevant in it.",
].join("\n");

/** Heading before the pair under review; a reader of the prompt (tests) finds the pair after it. */
export const CURATE_PAIR_HEADING = "### The pair to rate";

/**
 * @param calibration pairs kept by the previous round (shown shortened, later rounds only), so that the
 *   rater judges against the level this data set has already reached.
 * @param threshold the score those pairs reached at least.
 */
export function curateMessage(pair: PairText, calibration: readonly PairText[] = [], threshold = 5): string {
  const lines = [
    "You review training data for an AI assistant. Below are an instruction a user gave and a candidate",
    "answer. Judge the candidate as the assistant's reply to that instruction: is it helpful, relevant to",
    "what was asked, complete, and well written? Use this 5-point scale:",
    "",
    RUBRIC,
  ];
  if (calibration.length > 0) {
    const level = threshold >= 5 ? "5" : `${threshold} or more`;
    lines.push(
      "",
      `For calibration, pairs of this data set that an earlier review rated ${level} (answers shortened):`,
    );
    calibration.forEach((c, i) => {
      lines.push("", `### Reference ${i + 1}`, "Instruction:", c.instruction, "", "Answer:", c.output);
    });
  }
  lines.push(
    "",
    CURATE_PAIR_HEADING,
    "Instruction:",
    pair.instruction,
    "",
    "Answer:",
    pair.output,
    "",
    'Reply with a JSON object: "reason", one or two sentences on what makes the answer fit the instruction',
    'or fall short of it, and then "score", an integer from 1 to 5.',
  );
  return lines.join("\n");
}
