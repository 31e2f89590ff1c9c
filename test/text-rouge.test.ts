import { describe, expect, it } from "vitest";
import { Rng } from "../src/engine/rng.js";
import { LcsPattern, lcsLength, lcsNaive } from "../src/text/lcs.js";
import { rougeL, rougeLTokens } from "../src/text/rouge-l.js";
import { resolveTokenizer, tokenize } from "../src/text/tokenize.js";

/** rouge_score's `_score_lcs` written out with the textbook full DP table, as the Python does it. */
function referenceRougeL(
  target: string[],
  prediction: string[],
): { precision: number; recall: number; f: number } {
  if (target.length === 0 || prediction.length === 0) return { precision: 0, recall: 0, f: 0 };
  const table = Array.from({ length: target.length + 1 }, () =>
    new Array<number>(prediction.length + 1).fill(0),
  );
  for (let i = 1; i <= target.length; i++) {
    for (let j = 1; j <= prediction.length; j++) {
      table[i]![j] =
        target[i - 1] === prediction[j - 1]
          ? table[i - 1]![j - 1]! + 1
          : Math.max(table[i - 1]![j]!, table[i]![j - 1]!);
    }
  }
  const lcs = table[target.length]![prediction.length]!;
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return {
    precision,
    recall,
    f: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
  };
}

function randomSequence(rng: Rng, length: number, alphabet: number): number[] {
  return Array.from({ length }, () => rng.int(alphabet));
}

describe("tokenize (rouge mode = rouge_score's default tokenizer)", () => {
  it("lowercases, splits on every non-alphanumeric run and keeps digits", () => {
    expect(tokenize("Hello, World!  It's 2024 -- OK?", "rouge")).toEqual([
      "hello",
      "world",
      "it",
      "s",
      "2024",
      "ok",
    ]);
    expect(tokenize("don't", "rouge")).toEqual(["don", "t"]);
    expect(tokenize("e-mail_address@x.com", "rouge")).toEqual(["e", "mail", "address", "x", "com"]);
    expect(tokenize("abc123def", "rouge")).toEqual(["abc123def"]);
    expect(tokenize("", "rouge")).toEqual([]);
    expect(tokenize(" \t\n!!! ", "rouge")).toEqual([]);
  });

  it("deletes non-ASCII letters as Python does, except where lower() yields ASCII", () => {
    expect(tokenize("café naïve Москва 北京", "rouge")).toEqual(["caf", "na", "ve"]);
    // Python: "İ".lower() == "i\u0307" and "\u212a".lower() == "k"; "ẞ".lower() == "ß" (deleted).
    expect(tokenize("İstanbul \u212Aelvin ẞtraße", "rouge")).toEqual(["i", "stanbul", "kelvin", "tra", "e"]);
  });

  it("cjk mode: one token per ideograph, kana or hangul char; Latin words keep their accents", () => {
    expect(tokenize("我爱北京 Café au LAIT 42", "cjk")).toEqual([
      "我",
      "爱",
      "北",
      "京",
      "café",
      "au",
      "lait",
      "42",
    ]);
    expect(tokenize("カタカナとひらがな", "cjk")).toEqual([
      "カ",
      "タ",
      "カ",
      "ナ",
      "と",
      "ひ",
      "ら",
      "が",
      "な",
    ]);
    expect(tokenize("한국어 문장", "cjk")).toEqual(["한", "국", "어", "문", "장"]);
    expect(tokenize("𠀀𠀁", "cjk")).toEqual(["𠀀", "𠀁"]); // extension B, outside the BMP
  });

  it("auto mode picks cjk only when a CJK, kana or hangul char occurs", () => {
    expect(resolveTokenizer("plain English", "auto")).toBe("rouge");
    expect(resolveTokenizer("café", "auto")).toBe("rouge");
    expect(resolveTokenizer("English with 一 char", "auto")).toBe("cjk");
    expect(resolveTokenizer("ひらがな", "auto")).toBe("cjk");
    expect(resolveTokenizer("한", "auto")).toBe("cjk");
    expect(resolveTokenizer("ひらがな", "rouge")).toBe("rouge");
    expect(tokenize("Hello 世界")).toEqual(["hello", "世", "界"]);
    expect(tokenize("Hello world")).toEqual(["hello", "world"]);
  });
});

describe("rougeL", () => {
  it("matches hand-computed scores", () => {
    expect(rougeL("the cat sat", "the cat sat")).toEqual({ precision: 1, recall: 1, f: 1 });
    expect(rougeL("a b c", "d e f")).toEqual({ precision: 0, recall: 0, f: 0 });
    // LCS("the cat sat", "the cat on the mat") = "the cat": P = 2/5, R = 2/3, F = 2·0.4·(2/3)/(0.4+2/3) = 0.5.
    const s = rougeL("the cat sat", "the cat on the mat");
    expect(s.precision).toBeCloseTo(0.4, 15);
    expect(s.recall).toBeCloseTo(2 / 3, 15);
    expect(s.f).toBeCloseTo(0.5, 15);
    // Order matters: LCS("a b c d", "d c b a") = 1, so P = R = F = 1/4.
    expect(rougeL("a b c d", "d c b a").f).toBeCloseTo(0.25, 15);
    // LCS("police killed the gunman", "police kill the gunman") = 3: F = 3/4.
    expect(rougeL("police killed the gunman", "police kill the gunman").f).toBeCloseTo(0.75, 15);
  });

  it("is all zeros when either side has no tokens", () => {
    expect(rougeL("", "the cat")).toEqual({ precision: 0, recall: 0, f: 0 });
    expect(rougeL("!!!", "")).toEqual({ precision: 0, recall: 0, f: 0 });
  });

  it("F is symmetric and equals the reference to 1e-12 on random texts", () => {
    const rng = new Rng("rouge-random");
    const words = ["a", "b", "c", "d", "e", "f", "the", "cat"];
    for (let i = 0; i < 2000; i++) {
      const x = Array.from({ length: rng.int(50) }, () => rng.pick(words));
      const y = Array.from({ length: rng.int(50) }, () => rng.pick(words));
      const got = rougeLTokens(x, y);
      const want = referenceRougeL(x, y);
      expect(Math.abs(got.precision - want.precision)).toBeLessThan(1e-12);
      expect(Math.abs(got.recall - want.recall)).toBeLessThan(1e-12);
      expect(Math.abs(got.f - want.f)).toBeLessThan(1e-12);
      expect(rougeLTokens(y, x).f).toBe(got.f);
    }
  });
});

describe("bit-parallel LCS", () => {
  it("equals the DP on thousands of random pairs across word boundaries", () => {
    const rng = new Rng("lcs-random");
    for (let i = 0; i < 5000; i++) {
      const alphabet = 1 + rng.int(i % 2 === 0 ? 4 : 40);
      const a = randomSequence(rng, rng.int(201), alphabet);
      const b = randomSequence(rng, rng.int(201), alphabet);
      expect(lcsLength(a, b)).toBe(lcsNaive(a, b));
    }
  });

  it("handles exact multiples of 32, empty inputs and very long sequences", () => {
    const rng = new Rng("lcs-edges");
    for (const n of [0, 1, 31, 32, 33, 63, 64, 65, 96, 128]) {
      const a = randomSequence(rng, n, 3);
      const b = randomSequence(rng, 70, 3);
      expect(lcsLength(a, b)).toBe(lcsNaive(a, b));
      expect(lcsLength(a, a)).toBe(n);
    }
    for (let i = 0; i < 5; i++) {
      const a = randomSequence(rng, 1000 + rng.int(600), 2 + i * 5);
      const b = randomSequence(rng, 1000 + rng.int(600), 2 + i * 5);
      expect(lcsLength(a, b)).toBe(lcsNaive(a, b));
    }
    // All-equal tokens force carries through every word of the bit vector.
    const ones = new Array<number>(300).fill(7);
    expect(lcsLength(ones, ones.slice(0, 250))).toBe(250);
  });

  it("a reused pattern gives the same results as fresh ones, with sub-ranges", () => {
    const rng = new Rng("lcs-pattern");
    const pattern = new LcsPattern();
    for (let i = 0; i < 500; i++) {
      const a = randomSequence(rng, rng.int(100), 6);
      const text = randomSequence(rng, 120, 6);
      const start = rng.int(60);
      const length = rng.int(60);
      pattern.set(a);
      expect(pattern.lcs(text, start, length)).toBe(lcsNaive(a, text.slice(start, start + length)));
    }
  });
});
