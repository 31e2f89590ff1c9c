import { describe, expect, it } from "vitest";
import { sentenceBleu, sentenceBleuTokens } from "../src/text/bleu.js";

describe("sentence BLEU", () => {
  it("matches a hand computation: clipped precisions, add-one smoothing for n >= 2", () => {
    // 1-grams 5/6 ("the" twice, both in the reference; "sat" not); 2-grams 3 of 5 -> 4/6;
    // 3-grams 1 of 4 -> 2/5; 4-grams 0 of 3 -> 1/4. Same length: no brevity penalty.
    const expected = ((5 / 6) * (4 / 6) * (2 / 5) * (1 / 4)) ** (1 / 4);
    expect(sentenceBleu("The cat sat on the mat.", "the cat is on the mat")).toBeCloseTo(expected, 12);
    expect(expected).toBeCloseTo(0.48549, 5);
  });

  it("clips repeated n-grams by the reference's counts", () => {
    // "the the the" against "the cat": 1-gram matches clipped to 1 of 3; 2-grams 0 of 2 -> 1/3;
    // 3-grams 0 of 1 -> 1/2; 4-grams none -> 1/1; c = 3 > r = 2, no penalty.
    const expected = ((1 / 3) * (1 / 3) * (1 / 2) * 1) ** (1 / 4);
    expect(sentenceBleu("the the the", "the cat")).toBeCloseTo(expected, 12);
  });

  it("applies the brevity penalty to a short candidate", () => {
    // Every precision is 1 (2/2, then smoothed (1+1)/(1+1), (0+1)/(0+1), ...): BLEU = exp(1 - 6/2).
    expect(sentenceBleu("the cat", "the cat sat on the mat")).toBeCloseTo(Math.exp(-2), 12);
  });

  it("is 1 for identical text at any length, 0 for text sharing no word, 0 for an empty candidate", () => {
    expect(sentenceBleu("How do I pick a lock?", "how do i pick a lock")).toBe(1);
    expect(sentenceBleu("hello", "hello")).toBe(1);
    expect(sentenceBleu("tell me a story", "what is the weather like")).toBe(0);
    expect(sentenceBleu("", "anything")).toBe(0);
    expect(sentenceBleu("?!", "anything")).toBe(0);
  });

  it("counts CJK characters as words", () => {
    // 我 喜 欢 猫 vs 我 喜 欢 狗: 3/4; 2-grams 2 of 3 -> 3/4; 3-grams 1 of 2 -> 2/3; 4-grams 0 of 1 -> 1/2.
    const expected = ((3 / 4) * (3 / 4) * (2 / 3) * (1 / 2)) ** (1 / 4);
    expect(sentenceBleu("我喜欢猫", "我喜欢狗")).toBeCloseTo(expected, 12);
    expect(sentenceBleu("我喜欢猫", "我喜欢猫")).toBe(1);
    expect(sentenceBleu("我喜欢猫", "今天下雨")).toBe(0);
  });

  it("takes another maximum order", () => {
    expect(sentenceBleuTokens(["a", "b", "c"], ["a", "b", "d"], 2)).toBeCloseTo(
      ((2 / 3) * (2 / 3)) ** 0.5,
      12,
    );
  });
});
