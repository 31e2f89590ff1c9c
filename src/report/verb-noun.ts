/**
 * The root verb and its direct-object noun of an instruction, as in Self-Instruct's diversity figure
 * ("write" -> "poem"). The paper used a constituency parser; we use compromise's part-of-speech tags on
 * the first sentence, which fits instructions well because most are imperatives:
 *  - English: skip "please"-like openers; the verb is the first word when it can be an imperative (a
 *    verb, or a noun-tagged word such as "Compare" followed by what an object starts with), or the verb
 *    after "can/could/would you". The object is the head (last noun) of the first noun phrase after the
 *    verb, skipping determiners, numbers and adjectives. No verb (e.g. "What is ...?") gives null.
 *  - Chinese (no parser in the registry fits): Intl.Segmenter words, politeness openers (请, 帮我) cut;
 *    the verb is the first word from a list of common instruction verbs (else the first word); the object
 *    is the last word of two or more Han characters in the phrase after it (the head of a Chinese noun
 *    phrase is last: "写一首关于秋天的短诗" -> 写, 短诗), or before it after 把/将. A heuristic, and the
 *    docs say so.
 */
import { createRequire } from "node:module";
import type nlpType from "compromise";

// Loaded on first use: compromise takes about half a second to load, which every CLI start would pay.
const requireLazily = createRequire(import.meta.url);
let nlpInstance: typeof nlpType | undefined;
function nlp(text: string) {
  nlpInstance ??= requireLazily("compromise") as typeof nlpType;
  return nlpInstance(text);
}

import { words } from "../text/words.js";

export interface VerbNoun {
  verb: string;
  /** Null when no object follows the verb (e.g. "Explain how ..."). */
  noun: string | null;
}

export type Language = "en" | "zh" | "other";

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;

export function languageOf(text: string): Language {
  if (HAN.test(text)) return "zh";
  return LATIN.test(text) ? "en" : "other";
}

interface Term {
  text: string;
  normal: string;
  root?: string;
  tags: string[];
}

const OPENERS = new Set(["please", "kindly", "now", "then", "also", "next", "first", "finally", "so"]);
const OBJECT_START = new Set(["Determiner", "Value", "Adjective", "Noun", "Possessive", "Pronoun"]);
const SKIP_IN_PHRASE = new Set(["Determiner", "Value", "Adjective", "Possessive", "Adverb", "Gerund"]);
const is = (t: Term | undefined, tag: string) => t?.tags.includes(tag) ?? false;

/** First sentence, and at most 30 words of it: the root verb is near the start, and parsing costs. */
function head(text: string): string {
  const sentence = text.split(/(?<=[.!?])\s|\n/u)[0] ?? text;
  return sentence.split(/\s+/u).slice(0, 30).join(" ");
}

export function englishVerbNoun(text: string): VerbNoun | null {
  const doc = nlp(head(text));
  doc.compute("root");
  // `root` (the lemma) is a compromise-three term field its option type does not list.
  const options = { terms: { normal: true, root: true, tags: true } };
  const sentences = doc.json(options) as Array<{ terms: Term[] }>;
  const terms = sentences[0]?.terms ?? [];
  let i = 0;
  while (i < terms.length && (OPENERS.has(terms[i]!.normal) || is(terms[i], "Expression"))) i++;
  let verbAt = -1;
  const first = terms[i];
  if (is(first, "Modal") && terms[i + 1]?.normal === "you" && is(terms[i + 2], "Verb")) verbAt = i + 2;
  else if (is(first, "Verb") && !is(first, "Modal") && !is(first, "Copula") && !is(first, "Gerund"))
    verbAt = i;
  else if (is(first, "Noun") && !is(first, "Pronoun") && !is(first, "ProperNoun") && i === 0) {
    const next = terms[i + 1];
    if (next && [...OBJECT_START].some((tag) => is(next, tag))) verbAt = i;
  }
  if (verbAt < 0) return null;
  const verbTerm = terms[verbAt]!;
  const verb = (verbTerm.root ?? verbTerm.normal).toLowerCase();
  return { verb, noun: objectAfter(terms, verbAt + 1) };
}

function objectAfter(terms: Term[], from: number): string | null {
  let j = from;
  // "Tell me a joke": an indirect-object pronoun comes first.
  if (is(terms[j], "Pronoun") && is(terms[j + 1], "Determiner")) j++;
  while (j < terms.length && [...SKIP_IN_PHRASE].some((tag) => is(terms[j], tag))) j++;
  if (!is(terms[j], "Noun") || is(terms[j], "Pronoun")) return null;
  let last = terms[j]!;
  while (is(terms[j + 1], "Noun") && !is(terms[j + 1], "Pronoun")) last = terms[++j]!;
  return (last.root ?? last.normal).toLowerCase();
}

// Verbs instructions commonly open with. The first of them in the sentence is taken as the root verb,
// so that manner phrases before it ("用三句话解释...", "为面包店想...") are passed over.
const ZH_VERBS = new Set(
  (
    "写 编写 撰写 创作 写出 解释 说明 阐述 翻译 总结 概括 归纳 列出 列举 判断 生成 描述 给出 提供 分析 比较 " +
    "设计 回答 推荐 想 计算 改写 重写 分类 识别 介绍 提出 制定 找出 评价 讲 告诉 建议 整理 选择 完成 起 " +
    "编 画 修改 润色 纠正 检查 证明 求 预测 规划 组织 讨论 解答 举例 定义 续写 扩写 缩写 转换 提取"
  ).split(" "),
);
/** Words that end the object phrase: a copula, a conjunction, or a second verb ("翻译成"). */
const ZH_PHRASE_END = new Set(["是", "还是", "并", "并且", "然后", "以", "成", "为", "和", "或", "，", "。"]);
const ZH_QUESTION = /^(为什么|如何|怎么|怎样|什么|哪些|哪个|是否)/u;
const HAN_WORD = /^\p{Script=Han}{2,}$/u;

export function chineseVerbNoun(text: string): VerbNoun | null {
  const list = words(head(text).replace(/^(请你|请|帮我|麻烦你|麻烦)/u, ""), "zh").map((w) => w.text);
  let at = list.findIndex((w) => ZH_VERBS.has(w));
  if (at < 0) at = 0;
  const verb = list[at];
  if (!verb || !HAN.test(verb)) return null;
  // 把/将 puts the object before the verb: "把这段话翻译成英文".
  const ba = list.slice(0, at).findIndex((w) => w === "把" || w === "将");
  const phrase = ba >= 0 ? list.slice(ba + 1, at) : phraseAfter(list, at + 1);
  if (phrase.length > 0 && ZH_QUESTION.test(phrase[0]!)) return { verb, noun: null };
  // The head of a Chinese noun phrase is its last word: "这篇文章的主要观点" -> 观点.
  const noun = phrase.filter((w) => HAN_WORD.test(w) && !ZH_QUESTION.test(w)).at(-1);
  return { verb, noun: noun ?? null };
}

function phraseAfter(list: string[], from: number): string[] {
  const out: string[] = [];
  for (let i = from; i < list.length && !ZH_PHRASE_END.has(list[i]!) && !ZH_VERBS.has(list[i]!); i++)
    out.push(list[i]!);
  return out;
}

export function verbNounOf(text: string): { language: Language; pair: VerbNoun | null } {
  const language = languageOf(text);
  if (language === "zh") return { language, pair: chineseVerbNoun(text) };
  if (language === "en") return { language, pair: englishVerbNoun(text) };
  return { language, pair: null };
}
