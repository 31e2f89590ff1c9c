/**
 * Word tokenizers for ROUGE-L.
 *
 * `rouge` reproduces Google's rouge_score default tokenizer (rouge_score/tokenize.py, no stemmer):
 *
 *   text = text.lower()
 *   text = re.sub(r"[^a-z0-9]+", " ", text)
 *   tokens = re.split(r"\s+", text)
 *   tokens = [x for x in tokens if re.match(r"^[a-z0-9]+$", x)]
 *
 * After the substitution only [a-z0-9 ] remain, so the final VALID_TOKEN check only drops the empty
 * strings that split() yields at the ends. Lowercasing: the only non-ASCII characters whose lowercase
 * contains an ASCII letter are U+0130 "İ" (→ "i" + U+0307) and U+212A KELVIN SIGN (→ "k"); Python's
 * str.lower() and JS toLowerCase() both apply these unconditional Unicode mappings, so "İstanbul" gives
 * ["i", "stanbul"] and "\u212A" gives ["k"] in both. Everything else non-ASCII (including "ẞ" → "ß") is
 * deleted by the substitution, so Unicode-version differences between Python and ICU cannot matter.
 *
 * `cjk` is for text rouge_score would mangle: every Han ideograph (all extension blocks), kana and
 * Hangul character is its own token (those scripts do not separate words with spaces), and words are
 * runs of Latin letters (accents kept), digits and combining marks, lowercased with Unicode rules.
 */

export type TokenizerMode = "rouge" | "cjk" | "auto";

const NON_ALPHANUM = /[^a-z0-9]+/g;
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc\uff70]/u;
// One alternation so tokens come out in text order: a single CJK character, or a word run.
const CJK_TOKEN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc\uff70]|[\p{Script=Latin}\p{N}][\p{Script=Latin}\p{N}\p{M}]*/gu;

/** The concrete tokenizer for `text`: `auto` picks `cjk` as soon as one CJK, kana or Hangul char occurs. */
export function resolveTokenizer(text: string, mode: TokenizerMode): "rouge" | "cjk" {
  if (mode !== "auto") return mode;
  return CJK_CHAR.test(text) ? "cjk" : "rouge";
}

export function tokenize(text: string, mode: TokenizerMode = "auto"): string[] {
  return resolveTokenizer(text, mode) === "cjk" ? tokenizeCjk(text) : tokenizeRouge(text);
}

function tokenizeRouge(text: string): string[] {
  const out: string[] = [];
  for (const token of text.toLowerCase().replace(NON_ALPHANUM, " ").split(" ")) {
    if (token.length > 0) out.push(token);
  }
  return out;
}

function tokenizeCjk(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(CJK_TOKEN)) out.push(match[0]);
  return out;
}
