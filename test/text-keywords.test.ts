/** Stop words, word segmentation (ICU, Chinese included) and tf-idf keywords. */
import { describe, expect, it } from "vitest";
import { contentTerms, DocumentFrequencies, tfidfKeywords } from "../src/text/keywords.js";
import { CHINESE_STOP_WORDS, ENGLISH_STOP_WORDS, isStopWord } from "../src/text/stopwords.js";
import { isContentWord, words } from "../src/text/words.js";

describe("stop words", () => {
  it("knows English function words, ignoring case and curly apostrophes", () => {
    for (const word of ["the", "The", "and", "of", "don’t", "Don't", "themselves"]) {
      expect(isStopWord(word, "en")).toBe(true);
    }
    for (const word of ["river", "canyon", "tea", "bridge"]) expect(isStopWord(word, "en")).toBe(false);
    expect(ENGLISH_STOP_WORDS.size).toBeGreaterThan(150);
  });

  it("knows Chinese function words, and English ones inside Chinese text", () => {
    for (const word of ["的", "了", "我们", "因为", "但是", "可以"])
      expect(isStopWord(word, "zh")).toBe(true);
    for (const word of ["长城", "熊猫", "智能"]) expect(isStopWord(word, "zh")).toBe(false);
    expect(isStopWord("the", "zh")).toBe(true);
    // Han tokens use the Chinese list whatever the passage language.
    expect(isStopWord("的", "en")).toBe(true);
    expect(CHINESE_STOP_WORDS.size).toBeGreaterThan(100);
  });
});

describe("words", () => {
  it("segments Chinese into dictionary words with Intl.Segmenter (ICU present)", () => {
    const text = "人工智能是计算机科学的一个分支";
    const list = words(text, "zh");
    expect(list.map((w) => w.text).join("")).toBe(text);
    // Words of more than one character: a per-character split would mean ICU's dictionary is missing.
    expect(list.some((w) => w.text.length >= 2)).toBe(true);
    expect(list.length).toBeLessThan(text.length);
    for (const w of list) expect(text.slice(w.start, w.end)).toBe(w.text);
  });

  it("gives English words with offsets, hyphenated words whole, no punctuation", () => {
    const text = "Leaves are pan-fired, then dried; don't boil them.";
    expect(words(text, "en").map((w) => w.text)).toEqual([
      "Leaves",
      "are",
      "pan-fired",
      "then",
      "dried",
      "don't",
      "boil",
      "them",
    ]);
  });

  it("calls content words what is neither a stop word, a number nor a single Han character", () => {
    expect(isContentWord("canyon", "en")).toBe(true);
    expect(isContentWord("the", "en")).toBe(false);
    expect(isContentWord("1820", "en")).toBe(false);
    expect(isContentWord("ox", "en")).toBe(false);
    expect(isContentWord("长城", "zh")).toBe(true);
    expect(isContentWord("城", "zh")).toBe(false);
    expect(isContentWord("我们", "zh")).toBe(false);
  });
});

describe("tf-idf keywords", () => {
  const docs = [
    "The river carves the canyon. The river floods in spring.",
    "The bees dance in the hive. The dance points to flowers in spring.",
    "Green tea comes from China. Tea leaves are steamed in spring.",
  ];

  function frequencies(texts: string[], lang = "en") {
    const df = new DocumentFrequencies();
    for (const text of texts) df.add(contentTerms(text, lang).map((t) => t.term));
    return df;
  }

  it("counts documents once per term", () => {
    const df = frequencies(docs);
    expect(df.documents).toBe(3);
    expect(df.frequency("river")).toBe(1);
    expect(df.frequency("spring")).toBe(3);
    expect(df.frequency("the")).toBe(0);
    expect(df.idf("river")).toBeGreaterThan(df.idf("spring"));
    expect(df.idf("spring")).toBe(1);
  });

  it("ranks frequent, rare terms first; common terms and stop words last or never", () => {
    const df = frequencies(docs);
    const keywords = tfidfKeywords(docs[0]!, "en", df, 10);
    expect(keywords.map((k) => k.term)).toEqual(["river", "carves", "canyon", "floods", "spring"]);
    expect(keywords[0]!.count).toBe(2);
    expect(keywords.at(-1)!.score).toBeLessThan(keywords[1]!.score);
    expect(docs[0]!.slice(keywords[0]!.start, keywords[0]!.end)).toBe("river");
  });

  it("shows names as written and sentence-initial words in lowercase", () => {
    const df = frequencies(docs);
    const keywords = tfidfKeywords(docs[2]!, "en", df, 10).map((k) => k.text);
    expect(keywords.slice(0, 2)).toEqual(["tea", "green"]);
    expect(keywords).toContain("China");
    expect(keywords).not.toContain("china");
  });

  it("finds Chinese keywords, a repeated single character included", () => {
    const zh = [
      "茶是一种饮料。茶有很多种类，中国人爱茶。",
      "熊猫生活在山区。熊猫吃竹子。",
      "长城很长。长城是古代的工程。",
    ];
    const df = frequencies(zh, "zh");
    const keywords = tfidfKeywords(zh[1]!, "zh", df, 3).map((k) => k.text);
    expect(keywords[0]).toBe("熊猫");
    expect(keywords).not.toContain("在");
    expect(tfidfKeywords(zh[0]!, "zh", df, 5).map((k) => k.text)[0]).toBe("茶");
    // Said once, a lone character is no keyword.
    expect(tfidfKeywords("爱茶的人很多。", "zh", df, 5).map((k) => k.text)).not.toContain("爱");
  });

  it("gives nothing for text with only stop words", () => {
    expect(tfidfKeywords("It is what it is, and so on.", "en", new DocumentFrequencies(), 5)).toEqual([]);
  });
});
