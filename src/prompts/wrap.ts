/**
 * The prompt of DoG-style wrapping (DoG-Instruct, Chen et al., 2023), in our own words: a raw document
 * becomes one exchange, a user's request and an assistant's answer, where the answer keeps to what the
 * document says. The paper fine-tuned a wrapper model for this; we prompt the model and check the
 * answer's grounding afterwards (see methods/backtranslation/wrap.ts).
 */
import type { PromptRef } from "./prompt.js";

export const WRAP_PAIR: PromptRef = { id: "wrap/pair", version: 1 };

export function wrapMessage(document: string): string {
  return [
    "The text between the <document> tags was written by a person, for a web page, a book or a report. Turn",
    "it into one exchange between a user and a helpful AI assistant.",
    "",
    '"instruction": something a user could plausibly ask for, to which this text holds the answer: a',
    "question, a task, a request for an explanation, advice, a summary or a piece of writing. It must make",
    "sense on its own, since the user has never seen the text.",
    "",
    '"response": the assistant\'s reply to that request, in the voice of a helpful assistant: it answers',
    "the request directly and is well organized. Take every fact from the text: you may reorder, shorten,",
    "rephrase and connect what it says, but add no fact, name, number, date or claim that the text does not",
    "state. Leave out what does not serve the request, and leftovers of the page (menus, bylines, ads).",
    "",
    "Write both in the language of the text, and do not mention the text in either.",
    "",
    "<document>",
    document,
    "</document>",
    "",
    'Reply with a JSON object with the keys "instruction" and "response".',
  ].join("\n");
}
