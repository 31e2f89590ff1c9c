import { describe, expect, it } from "vitest";
import { ExactDedup, fnv1a64, normalizeForDedup } from "../src/text/exact-dup.js";
import { MinHashDedup } from "../src/text/minhash.js";

const WORDS = (
  "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa " +
  "quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber basil cedar dune ember fjord " +
  "grove heath inlet jade knoll lagoon meadow north orchard prairie quarry ridge summit tundra upland"
).split(" ");

/** Deterministic pseudo-random text of `count` words drawn from WORDS (xorshift32 on `seed`). */
function text(seed: number, count = 30): string {
  let s = seed * 2654435761 + 1;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out.push(WORDS[(s >>> 0) % WORDS.length]!);
  }
  return out.join(" ");
}

function replaceWord(source: string, index: number, word: string): string {
  const words = source.split(" ");
  words[index] = word;
  return words.join(" ");
}

describe("normalizeForDedup / ExactDedup", () => {
  it("normalizes case, width, spacing and surrounding punctuation", () => {
    expect(normalizeForDedup("  «Hello,\t  WORLD!»  ")).toBe("hello, world");
    expect(normalizeForDedup("ＡＢＣ def...")).toBe("abc def");
    expect(normalizeForDedup("?!")).toBe("");
  });

  it("hashes with FNV-1a 64 over UTF-8 (reference vectors)", () => {
    const hex = (s: string) =>
      fnv1a64(s)
        .map((x) => x.toString(16).padStart(8, "0"))
        .join("");
    expect(hex("")).toBe("cbf29ce484222325");
    expect(hex("a")).toBe("af63dc4c8601ec8c");
    expect(hex("foobar")).toBe("85944171f73967e8");
  });

  it("finds the earlier record of a normalized duplicate and keeps the first id", () => {
    const dedup = new ExactDedup();
    expect(dedup.seen("Write a poem about the sea.")).toBeUndefined();
    dedup.add("a", "Write a poem about the sea.");
    expect(dedup.seen("  write a POEM about   the sea ")).toBe("a");
    expect(dedup.seen("Write a poem about the sky.")).toBeUndefined();
    dedup.add("b", "write a poem about the sea");
    expect(dedup.seen("Write a poem about the sea!")).toBe("a");
    expect(dedup.size).toBe(1);
  });

  it("stays correct across table growth", () => {
    const dedup = new ExactDedup();
    for (let i = 0; i < 5000; i++) dedup.add(`id${i}`, `text number ${i}`);
    expect(dedup.size).toBe(5000);
    for (let i = 0; i < 5000; i += 97) expect(dedup.seen(`Text Number ${i}.`)).toBe(`id${i}`);
    expect(dedup.seen("text number 5000")).toBeUndefined();
  });
});

describe("MinHashDedup", () => {
  it("gives equal signatures for equal seeds and different ones for different seeds", () => {
    const a = new MinHashDedup({ seed: 42 }).signature(text(1));
    const b = new MinHashDedup({ seed: 42 }).signature(text(1));
    const c = new MinHashDedup({ seed: 43 }).signature(text(1));
    expect(a).toHaveLength(128);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it("finds a 30-word text with one word changed, not unrelated texts", () => {
    for (const seed of [1, 2, 3]) {
      const dedup = new MinHashDedup({ seed });
      for (let i = 0; i < 200; i++) dedup.insert(`t${i}`, dedup.signature(text(i)));
      for (let i = 0; i < 200; i += 7) {
        // 28 shingles; one changed word touches 3 of them: true Jaccard 25/31 ≈ 0.81.
        const hit = dedup.query(replaceWord(text(i), 15, "zzz"));
        expect(hit?.id).toBe(`t${i}`);
        expect(hit?.jaccard).toBeGreaterThanOrEqual(0.7);
      }
      for (let i = 1000; i < 1200; i++) expect(dedup.query(text(i))).toBeUndefined();
    }
  });

  it("confirms candidates by the threshold", () => {
    const base = text(5);
    const strict = new MinHashDedup({ seed: 1, threshold: 0.95 });
    strict.insert("a", strict.signature(base));
    expect(strict.query(replaceWord(base, 15, "zzz"))).toBeUndefined();
    expect(strict.query(base)).toEqual({ id: "a", jaccard: 1 });
  });

  it("works on CJK text (one token per character)", () => {
    const dedup = new MinHashDedup({ seed: 9 });
    const zh = "请写一首关于秋天的诗，描述落叶、凉风和丰收的田野，并表达对家乡的思念之情。";
    dedup.insert("zh", dedup.signature(zh));
    expect(
      dedup.query("请写一首关于秋天的诗，描述落叶、凉风和丰收的田野，并表达对故乡的思念之情。")?.id,
    ).toBe("zh");
    expect(dedup.query("解释一下量子计算机与传统计算机在原理上的主要区别是什么。")).toBeUndefined();
  });

  it("handles texts shorter than the n-gram and texts in any script", () => {
    const dedup = new MinHashDedup({ seed: 1 });
    dedup.insert("short", dedup.signature("Hello there"));
    expect(dedup.query("hello, THERE!")?.id).toBe("short");
    expect(dedup.query("hello world")).toBeUndefined();
    dedup.insert("ru", dedup.signature("Переведите этот текст на английский язык, пожалуйста"));
    expect(dedup.query("Переведите этот текст на немецкий язык, пожалуйста")).toBeUndefined();
    expect(dedup.query("Переведите этот текст на английский язык, пожалуйста!")?.id).toBe("ru");
  });

  it("gives empty texts an empty signature that matches only other empty texts", () => {
    const dedup = new MinHashDedup();
    expect(dedup.signature("  ...  ")).toHaveLength(0);
    expect(dedup.query("")).toBeUndefined();
    dedup.insert("e", dedup.signature(""));
    dedup.insert("w", dedup.signature(text(1)));
    expect(dedup.query("?!")).toEqual({ id: "e", jaccard: 1 });
    expect(dedup.query(text(2))).toBeUndefined();
    expect(dedup.size).toBe(2);
  });

  it("keeps its memory in typed arrays sized by the record count", () => {
    const dedup = new MinHashDedup({ numPerm: 64, bands: 16 });
    expect(dedup.rows).toBe(4);
    const empty = dedup.bytes;
    for (let i = 0; i < 3000; i++) dedup.insert(`t${i}`, dedup.signature(text(i)));
    expect(dedup.size).toBe(3000);
    // Signatures: 64 × 4 bytes each, grown by half; band tables: 8 bytes a slot at load ≥ 3/8.
    const perRecord = (dedup.bytes - empty) / 3000;
    expect(perRecord).toBeGreaterThan(256);
    expect(perRecord).toBeLessThan(256 * 1.5 + 16 * 8 * (8 / 3));
    expect(dedup.query(text(2999))?.id).toBe("t2999");
  });

  it("validates its layout", () => {
    expect(() => new MinHashDedup({ numPerm: 128, bands: 30 })).toThrow(RangeError);
    expect(() => new MinHashDedup({ numPerm: 100, bands: 20, rows: 4 })).toThrow(RangeError);
    expect(new MinHashDedup({ bands: 20, rows: 5 }).numPerm).toBe(100);
    expect(() => new MinHashDedup().insert("x", new Uint32Array(3))).toThrow(RangeError);
  });
});
