/** Sentence splitting for English and Chinese: abbreviations, decimals, initials, quotes, offsets. */
import { describe, expect, it } from "vitest";
import { splitSentences } from "../src/text/sentences.js";

const texts = (text: string) => splitSentences(text).map((s) => s.text);

describe("splitSentences", () => {
  it("splits English at . ! ? followed by space and a capital, and at the end", () => {
    expect(texts("It rained. Then it stopped! Did it? Yes.")).toEqual([
      "It rained.",
      "Then it stopped!",
      "Did it?",
      "Yes.",
    ]);
  });

  it("does not split after abbreviations, initials, dotted acronyms or list numbers", () => {
    expect(texts("Dr. Smith met Mrs. Jones, e.g. at noon. They talked.")).toEqual([
      "Dr. Smith met Mrs. Jones, e.g. at noon.",
      "They talked.",
    ]);
    expect(texts("J. K. Rowling wrote it. See Fig. 3 and No. 5 for details. Done.")).toEqual([
      "J. K. Rowling wrote it.",
      "See Fig. 3 and No. 5 for details.",
      "Done.",
    ]);
    expect(texts("The U.S. Army left. It was late.")).toEqual(["The U.S. Army left.", "It was late."]);
    expect(texts("Steps:\n1. Mix the flour.\n2. Add water.")).toEqual([
      "Steps:\n1. Mix the flour.",
      "2. Add water.",
    ]);
  });

  it("keeps decimals, versions and URLs whole, and does not split before a lowercase word", () => {
    expect(texts("It costs 3.5 dollars in v2.1 at example.com today. Next one.")).toEqual([
      "It costs 3.5 dollars in v2.1 at example.com today.",
      "Next one.",
    ]);
    expect(texts("He shouted Yahoo! and ran. She followed.")).toEqual([
      "He shouted Yahoo! and ran.",
      "She followed.",
    ]);
  });

  it("keeps closing quotes with their sentence", () => {
    expect(texts('"Why?" she asked. He said "Go!" Then he left.')).toEqual([
      '"Why?" she asked.',
      'He said "Go!"',
      "Then he left.",
    ]);
  });

  it("splits Chinese at 。！？ with no space, closing quotes included", () => {
    expect(texts("今天下雨了。你带伞了吗？带了！他说：“走吧。”我们出发。")).toEqual([
      "今天下雨了。",
      "你带伞了吗？",
      "带了！",
      "他说：“走吧。”",
      "我们出发。",
    ]);
  });

  it("handles Chinese with ASCII punctuation, decimals and mixed English", () => {
    expect(texts("他用 Python 3.11 写代码。AI 很强!是吗?好的")).toEqual([
      "他用 Python 3.11 写代码。",
      "AI 很强!",
      "是吗?",
      "好的",
    ]);
  });

  it("breaks at blank lines, drops pieces without letters, and gives offsets into the text", () => {
    const text = "  First line without a stop\n\nSecond paragraph here. And more ...  \n\n...\n";
    const sentences = splitSentences(text);
    expect(sentences.map((s) => s.text)).toEqual([
      "First line without a stop",
      "Second paragraph here.",
      "And more ...",
    ]);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it("returns nothing for empty or punctuation-only text", () => {
    expect(splitSentences("")).toEqual([]);
    expect(splitSentences(" ... !? ")).toEqual([]);
  });
});
