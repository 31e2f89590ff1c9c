import { describe, expect, it } from "vitest";
import { countWords, DEFAULT_BLACKLIST, heuristicFilter } from "../src/text/filters.js";

const reason = (text: string, options = {}) => {
  const verdict = heuristicFilter(text, options);
  return verdict.ok ? "ok" : verdict.reason;
};

describe("heuristicFilter", () => {
  it("keeps an ordinary instruction", () => {
    expect(heuristicFilter("Write a short story about a brave mouse.")).toEqual({ ok: true });
  });

  it("drops empty, too short and too long texts", () => {
    expect(reason("   \n ")).toBe("empty");
    expect(reason("Summarize this text")).toBe("too-short");
    expect(reason("Summarize this text please")).toBe("ok");
    expect(reason(`Repeat ${"word ".repeat(150)}`)).toBe("too-long");
    expect(reason(`Repeat ${"word ".repeat(149)}`)).toBe("ok");
    expect(reason("Explain gravity to a child", { minWords: 6 })).toBe("too-short");
    expect(heuristicFilter("Explain gravity to a child now", { maxWords: 5 })).toEqual({
      ok: false,
      reason: "too-long",
      detail: "6 words > 5",
    });
  });

  it("counts each CJK character as a word", () => {
    expect(countWords("请写一首关于秋天的诗")).toBe(10);
    expect(countWords("用 Python 写一个函数")).toBe(7);
    expect(countWords("한국어 문장은 띄어 씁니다")).toBe(4);
    expect(reason("写诗")).toBe("too-short");
    expect(reason("请写一首关于秋天的诗")).toBe("ok");
    expect(reason("写".repeat(151))).toBe("too-long");
  });

  it("drops blacklisted words and the phrase 'go to' as whole words, case-insensitively", () => {
    expect(heuristicFilter("Describe the IMAGE of a sunset over the sea")).toEqual({
      ok: false,
      reason: "blacklist",
      detail: 'contains "IMAGE"',
    });
    expect(reason("Plot the sales figures for each month")).toBe("blacklist");
    expect(reason("Tell me where to go to   buy cheap shoes")).toBe("blacklist");
    expect(reason("Explain what the goto statement does in C")).toBe("ok");
    expect(reason("Explain what he has gotten from the deal")).toBe("ok");
    expect(reason("Summarize the imagery used in this poem")).toBe("ok");
    expect(reason("Explain the mapping between keys and values")).toBe("ok");
    expect(DEFAULT_BLACKLIST).toContain("flowchart");
  });

  it("uses a custom blacklist instead of the default", () => {
    expect(reason("Describe the image of a cat", { blacklist: ["weather"] })).toBe("ok");
    expect(reason("Describe the weather in Paris today", { blacklist: ["weather"] })).toBe("blacklist");
    expect(reason("Compute 2 (x+1) for x", { blacklist: ["(x+1)"] })).toBe("blacklist");
    expect(reason("Describe the image of a cat", { blacklist: [] })).toBe("ok");
  });

  it("drops texts starting with punctuation or another non-letter", () => {
    expect(reason('"Write a poem about spring"')).toBe("starts-with-punctuation");
    expect(reason("¿Cómo se dice hello en inglés?")).toBe("starts-with-punctuation");
    expect(reason("「写一首关于春天的诗」")).toBe("starts-with-punctuation");
    expect(reason("3 ways to cook rice quickly")).toBe("starts-with-non-letter");
    expect(reason("$ Compute the total price please")).toBe("starts-with-non-letter");
    expect(heuristicFilter("😀 Write a happy poem now")).toEqual({
      ok: false,
      reason: "starts-with-non-letter",
      detail: 'starts with "😀"',
    });
    expect(reason("Élaborez un plan de voyage détaillé")).toBe("ok");
  });
});
