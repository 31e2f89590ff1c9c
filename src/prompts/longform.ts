/**
 * The prompt of LongForm's reverse instructions (Köksal et al., 2023), in our own words: a human-written
 * document is shown as the answer, and the model writes the request it answers, in one of three
 * styles (the paper's three: a formal instruction, an informal chatbot request, a search engine query).
 * The paper's model continued a plain-text template; we ask for JSON, so that no preamble ("Here is an
 * instruction:") ends up in the instruction.
 */
import type { PromptRef } from "./prompt.js";

export const LONGFORM_INSTRUCTION: PromptRef = { id: "longform/instruction", version: 1 };

export const LONGFORM_STYLES = ["instruction", "chatbot", "query"] as const;
export type LongformStyle = (typeof LONGFORM_STYLES)[number];

/** A label the prompt shows (and tests recognize) and what it means, per style. */
const STYLE_TEXT: Record<LongformStyle, { label: string; description: string }> = {
  instruction: {
    label: "formal instruction",
    description:
      "an instruction as a writing assignment would state it: one or two sentences in the imperative, " +
      "precise about the subject and the kind of text wanted (an essay, a story, a recipe, a guide, a " +
      "letter, an explanation).",
  },
  chatbot: {
    label: "chatbot request",
    description:
      "a message someone might type to an AI chat assistant: informal and in the first person, perhaps " +
      "with a word on why they ask or what they need it for.",
  },
  query: {
    label: "search engine query",
    description:
      "what someone would type into a web search box to find this text: a few keywords or a short " +
      "question, not a full request.",
  },
};

export function styleLabel(style: LongformStyle): string {
  return STYLE_TEXT[style].label;
}

export function longformMessage(document: string, style: LongformStyle): string {
  const { label, description } = STYLE_TEXT[style];
  return [
    "The text between the <document> tags was written by a person. Suppose someone had asked for it and",
    "this text is what they got back. Write what they asked.",
    "",
    `Style: ${label}. Write it as ${description}`,
    "",
    "The request must fit the whole text: its subject, its scope and the kind of text it is, so that this",
    "text is a full and fitting answer. Do not quote sentences from the text and do not include the text.",
    "The person asking has not seen the text, so do not refer to it. Write in the language of the text.",
    "",
    "<document>",
    document,
    "</document>",
    "",
    'Reply with a JSON object with one key, "instruction", holding the request.',
  ].join("\n");
}
