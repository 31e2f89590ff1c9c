import { describe, expect, it } from "vitest";
import { Rng } from "../src/engine/rng.js";
import { type FilterRecord, greedyFilter } from "../src/text/greedy-filter.js";
import { naiveFilter } from "../src/text/naive-filter.js";
import { NearDupIndex } from "../src/text/near-dup-index.js";
import { rougeL } from "../src/text/rouge-l.js";

const english =
  "the a of to and write explain story poem about climate city river short long list give three five simple clear brief".split(
    " ",
  );
const cjk = "我爱北京天安门上太阳升写一首关于春天的诗歌".split("");

/** Texts made by mutating a few templates (insert, delete, substitute words): many near-duplicates. */
function corpus(rng: Rng, count: number, words: readonly string[], joiner: string): FilterRecord[] {
  const templates = Array.from({ length: 6 }, () =>
    Array.from({ length: 3 + rng.int(40) }, () => rng.pick(words)),
  );
  return Array.from({ length: count }, (_, i) => {
    const t = rng.pick(templates).slice();
    for (let e = rng.int(8); e > 0; e--) {
      const at = rng.int(t.length + 1);
      const op = rng.int(3);
      if (op === 0) t.splice(at, 0, rng.pick(words));
      else if (op === 1) t.splice(at, 1);
      else t[Math.min(at, t.length - 1)] = rng.pick(words);
    }
    if (rng.int(20) === 0) t.length = 0; // an empty text now and then
    return { id: `r${i}`, text: t.join(joiner) };
  });
}

function bruteNearest(texts: FilterRecord[], query: string): number {
  return texts.reduce((best, t) => Math.max(best, rougeL(t.text, query).f), 0);
}

describe("NearDupIndex", () => {
  it("finds the exact maximum and its id", () => {
    const index = new NearDupIndex();
    expect(index.nearest("anything")).toEqual({ score: 0, id: undefined, tokenizer: "rouge" });
    index.add("a", "the cat sat on the mat");
    index.add("b", "a dog barked at the moon");
    index.add("c", "");
    expect(index.size).toBe(3);
    const hit = index.nearest("the cat sat on a mat");
    expect(hit.id).toBe("a");
    expect(hit.score).toBe(rougeL("the cat sat on the mat", "the cat sat on a mat").f);
    expect(index.nearest("zebra xylophone")).toEqual({ score: 0, id: undefined, tokenizer: "rouge" });
    expect(index.nearest("猫が座った").tokenizer).toBe("cjk");
    expect(index.isNearDuplicate("the cat sat on the mat!")).toBe(true);
    expect(index.isNearDuplicate("the cat")).toBe(false);
  });

  it("nearest equals the brute-force maximum on random corpora", () => {
    const rng = new Rng("nearest");
    for (const [words, joiner] of [
      [english, " "],
      [cjk, ""],
    ] as const) {
      const texts = corpus(rng, 300, words, joiner);
      const index = new NearDupIndex();
      for (const t of texts.slice(0, 200)) index.add(t.id, t.text);
      for (const q of texts.slice(200)) {
        const got = index.nearest(q.text);
        expect(got.score).toBe(bruteNearest(texts.slice(0, 200), q.text));
        if (got.id !== undefined)
          expect(rougeL(texts.find((t) => t.id === got.id)!.text, q.text).f).toBe(got.score);
        const early = index.nearest(q.text, { stopAbove: 0.5 });
        if (got.score > 0.5) expect(early.score).toBeGreaterThan(0.5);
        else expect(early.score).toBe(got.score);
      }
    }
  });
});

describe("greedyFilter", () => {
  function compare(texts: FilterRecord[], options: Parameters<typeof greedyFilter>[1]): { kept: number } {
    const fast = [...greedyFilter(texts, options)];
    const naive = [...naiveFilter(texts, options)];
    expect(fast.map((d) => d.kept)).toEqual(naive.map((d) => d.kept));
    fast.forEach((d, i) => {
      const n = naive[i]!;
      expect(d.id).toBe(n.id);
      if (d.kept) expect(d.score).toBe(n.score);
      else expect(d.score).toBeGreaterThan(options?.threshold ?? 0.7);
      if (d.nearestId !== undefined) {
        const all = [...(options?.pool ?? []), ...texts];
        const other = all.find((t) => t.id === d.nearestId)!;
        expect(rougeL(other.text, texts[i]!.text, options?.tokenizer).f).toBe(d.score);
      }
    });
    return { kept: fast.filter((d) => d.kept).length };
  }

  it("keeps exactly what the naive all-pairs filter keeps (English)", () => {
    const rng = new Rng("filter-en");
    for (const threshold of [0.7, 0.5, 0.9]) {
      const { kept } = compare(corpus(rng, 400, english, " "), { threshold });
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(400); // the corpus does contain near-duplicates
    }
  });

  it("keeps exactly what the naive filter keeps on CJK and mixed texts, with a pool", () => {
    const rng = new Rng("filter-cjk");
    const texts = corpus(rng, 300, cjk, "");
    const mixed = corpus(rng, 200, [...english, ...cjk], " ");
    const pool = corpus(rng, 50, cjk, "").map((t) => ({ id: `pool-${t.id}`, text: t.text }));
    compare(texts, { threshold: 0.7 });
    compare(mixed, { threshold: 0.7, pool });
    compare(mixed, { threshold: 0.6, tokenizer: "cjk" });
    const englishPool = corpus(rng, 80, english, " ").map((t) => ({ id: `pool-${t.id}`, text: t.text }));
    compare(corpus(rng, 200, english, " "), { threshold: 0.7, pool: englishPool });
  });

  it("drops strictly above the threshold only", () => {
    // Identical texts score exactly 1: dropped at 0.99, kept at threshold 1.
    const texts = [
      { id: "x", text: "write a poem" },
      { id: "y", text: "Write a poem!" },
    ];
    expect([...greedyFilter(texts, { threshold: 0.99 })].map((d) => d.kept)).toEqual([true, false]);
    expect([...greedyFilter(texts, { threshold: 1 })].map((d) => d.kept)).toEqual([true, true]);
    const [, second] = [...greedyFilter(texts, { threshold: 0.99 })];
    expect(second).toEqual({ id: "y", kept: false, score: 1, nearestId: "x" });
  });
});
