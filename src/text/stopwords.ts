/**
 * Stop words of English and Chinese: function words that carry no topic, left out of keywords, cloze
 * answers and grounding checks. Our own lists (not copied from a library), kept short on purpose: a word
 * missing here costs a slightly worse keyword, a content word wrongly listed would hide a real one.
 * English entries are lowercase; Chinese entries are words as `Intl.Segmenter("zh")` cuts them
 * (single function characters and common two-character function words).
 */

export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above across after afterwards again against all almost along already also although always am
  among amongst an and another any anyhow anyone anything anyway anywhere are around as at back be became
  because become becomes been before beforehand behind being below beside besides between beyond both but
  by can cannot could did do does doing done down during each either else elsewhere enough even ever
  every everyone everything everywhere except few for former formerly from further had has have having he
  hence her here hereby herein hers herself him himself his how however i if in indeed into is it its
  itself just last latter least less let like made make many may me meanwhile might mine more moreover
  most mostly much must my myself namely neither never nevertheless next no nobody none nor not nothing
  now nowhere of off often on once only onto or other others otherwise our ours ourselves out over
  own per perhaps quite rather really same seem seemed seeming seems several she should since so some
  somehow someone something sometime sometimes somewhere still such than that the their theirs them
  themselves then thence there thereafter thereby therefore therein these they this those though through
  throughout thus to together too toward towards under until up upon us used using very via was we well
  were what whatever when whence whenever where whereas whereby wherever whether which while whither who
  whoever whole whom whose why will with within without would yet you your yours yourself yourselves
  get gets got it's don't doesn't didn't isn't aren't wasn't weren't can't won't i'm
  you're they're we're he's she's that's there's what's let's etc e.g i.e vs`
    .split(/\s+/u)
    .filter((word) => word !== ""),
);

export const CHINESE_STOP_WORDS: ReadonlySet<string> = new Set(
  `的 了 着 过 是 在 和 与 及 或 而 且 但 并 也 都 就 又 还 才 只 很 更 最 太 把 被 让 给 对 向 从 自 于 以 为
  之 其 所 者 此 这 那 哪 些 个 各 每 某 该 本 我 你 您 他 她 它 们 我们 你们 他们 她们 它们 自己 大家 有
  没 没有 不 无 非 别 要 会 能 可 可以 可能 应 应该 需要 得 地 吗 呢 吧 啊 呀 嘛 哦 么 什么 怎么 怎样 如何
  为什么 哪里 这个 那个 这些 那些 这样 那样 这里 那里 一个 一些 一种 一样 一般 一直 一起 已经 正在 将 曾
  因为 所以 因此 但是 然而 而且 并且 或者 还是 如果 虽然 即使 尽管 只要 只有 除了 关于 对于 通过 根据 按照
  由于 为了 以及 等 等等 其中 其他 之一 之后 之前 以后 以前 时候 当时 现在 然后 同时 包括 进行 成为 具有
  存在 出现 其实 非常 比较 十分 特别 更加 越来越 不仅 也是 就是 还有 不是 上 下 中 里 内 外 前 后 间 多
  少 大 小 来 去 说 做 用 使 等于`
    .split(/\s+/u)
    .filter((word) => word !== ""),
);

const HAN = /\p{Script=Han}/u;

/**
 * Whether `token` is a stop word of `lang` ("en", "zh"; other codes use the English list). Case is
 * ignored, and a curly apostrophe counts as a straight one. In Chinese text, Latin-script tokens are checked against the English list, since mixed text
 * ("使用 the API") is common; in English text, Han tokens against the Chinese one.
 */
export function isStopWord(token: string, lang: string): boolean {
  const word = token.toLowerCase().replace(/\u2019/gu, "'");
  if (HAN.test(word)) return CHINESE_STOP_WORDS.has(word);
  if (lang === "zh" && CHINESE_STOP_WORDS.has(word)) return true;
  return ENGLISH_STOP_WORDS.has(word);
}
