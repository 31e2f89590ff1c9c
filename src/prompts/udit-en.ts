/** UDIT's English instruction templates (our own wording; see udit.ts). */
import { BLANK, letter, lettered, numbered, type TemplateTable, t } from "./udit-template.js";

const withOptions = (text: string, options: readonly string[], label = "Text") =>
  `${label}: ${text}\n\nOptions:\n${lettered(options)}`;
const choice = (options: readonly string[], answer: number) => `${letter(answer)}. ${options[answer]}`;
const inOrder = (order: readonly number[]) => order.join(", ");
const paragraph = (sentences: readonly string[], order: readonly number[]) =>
  order.map((n) => sentences[n - 1]).join(" ");

export const UDIT_EN: TemplateTable = {
  "summary-title": [
    t((a) => ({
      instruction: "Write a title for the following passage.",
      input: a.passage,
      output: a.summary,
    })),
    t((a) => ({
      instruction: "What would be a good headline for this text?",
      input: a.passage,
      output: a.summary,
    })),
    t((a) => ({
      instruction: "Give this passage a short title that says what it is about.",
      input: a.passage,
      output: a.summary,
    })),
    t((a) => ({
      instruction: "Read the text below and suggest a heading for it.",
      input: a.passage,
      output: a.summary,
    })),
  ],
  "summary-lead": [
    t((a) => ({
      instruction: "Summarize the following text in one sentence.",
      input: a.passage,
      output: a.summary,
    })),
    t((a) => ({
      instruction: "Write one opening sentence for this text that tells the reader what it is about.",
      input: a.passage,
      output: a.summary,
    })),
    t((a) => ({
      instruction: "In a single sentence, what is this passage about?",
      input: a.passage,
      output: a.summary,
    })),
    t((a) => ({
      instruction: "Write a one-sentence introduction for the paragraph below.",
      input: a.passage,
      output: a.summary,
    })),
  ],
  "cloze-open": [
    t((a) => ({
      instruction: `Fill in the blank (${BLANK}) in the passage below.`,
      input: a.text,
      output: a.answer,
    })),
    t((a) => ({
      instruction: `A word or short phrase is missing from this text, marked ${BLANK}. What is it?`,
      input: a.text,
      output: a.answer,
    })),
    t((a) => ({
      instruction: `Read the passage and supply the missing words at ${BLANK}.`,
      input: a.text,
      output: a.answer,
    })),
    t((a) => ({
      instruction: "Use the context to work out which words belong in the gap.",
      input: a.text,
      output: a.answer,
    })),
  ],
  "cloze-choice": [
    t((a) => ({
      instruction: `Which option best fills the blank (${BLANK}) in the text?`,
      input: withOptions(a.text, a.options),
      output: choice(a.options, a.answer),
    })),
    t((a) => ({
      instruction: `Choose the missing words for the gap marked ${BLANK}. Answer with the letter only.`,
      input: withOptions(a.text, a.options),
      output: letter(a.answer),
    })),
    t((a) => ({
      instruction: "Pick the choice that correctly completes the passage.",
      input: withOptions(a.text, a.options, "Passage"),
      output: choice(a.options, a.answer),
    })),
    t((a) => ({
      instruction: "Fill in the blank with one of the options below, and write the words you chose.",
      input: withOptions(a.text, a.options),
      output: a.options[a.answer]!,
    })),
  ],
  ordering: [
    t((a) => ({
      instruction:
        "The sentences below are out of order. Put them back in the right order and give their numbers in sequence.",
      input: numbered(a.sentences),
      output: inOrder(a.order),
    })),
    t((a) => ({
      instruction:
        "Arrange these sentences into a coherent paragraph. Answer with the sentence numbers in order.",
      input: numbered(a.sentences),
      output: inOrder(a.order),
    })),
    t((a) => ({
      instruction: "In what order were these numbered sentences originally written?",
      input: numbered(a.sentences),
      output: inOrder(a.order),
    })),
    t((a) => ({
      instruction:
        "Restore the original order of the shuffled sentences: first list their numbers, then write out the paragraph.",
      input: numbered(a.sentences),
      output: `${inOrder(a.order)}\n\n${paragraph(a.sentences, a.order)}`,
    })),
  ],
  "next-sentence": [
    t((a) => ({
      instruction: "Which sentence comes next in the text?",
      input: withOptions(a.text, a.options),
      output: choice(a.options, a.answer),
    })),
    t((a) => ({
      instruction:
        "Read the beginning of a passage and pick the sentence that continues it. Reply with the letter.",
      input: withOptions(a.text, a.options, "Beginning"),
      output: letter(a.answer),
    })),
    t((a) => ({
      instruction:
        "Here is the start of a text and some candidate sentences. Only one of them really follows it: which one?",
      input: withOptions(a.text, a.options),
      output: choice(a.options, a.answer),
    })),
    t((a) => ({
      instruction:
        "Continue the passage with the most likely next sentence from the options. Write that sentence.",
      input: withOptions(a.text, a.options, "Passage"),
      output: a.options[a.answer]!,
    })),
  ],
  keywords: [
    t((a) => ({
      instruction: `List the ${a.keywords.length} most important keywords of the following text, separated by commas.`,
      input: a.passage,
      output: a.keywords.join(", "),
    })),
    t((a) => ({
      instruction: `What are the key terms of this passage? Give ${a.keywords.length} of them.`,
      input: a.passage,
      output: a.keywords.join(", "),
    })),
    t((a) => ({
      instruction: `Extract ${a.keywords.length} keywords that describe what this text is about, one per line.`,
      input: a.passage,
      output: a.keywords.join("\n"),
    })),
    t((a) => ({
      instruction: `Tag this passage with ${a.keywords.length} keywords.`,
      input: a.passage,
      output: a.keywords.join(", "),
    })),
  ],
};
