/**
 * Tokens for MinHash shingles: lowercase (NFKC) runs of letters, digits and combining marks in any
 * script, and each Han, kana or Hangul character on its own (the CJK set of ./tokenize.ts, whose `cjk`
 * mode this agrees with on CJK and Latin text; those scripts do not separate words with spaces).
 *
 * Why not `tokenize(text, "auto")` itself: its `rouge` mode reproduces rouge_score and deletes every
 * non-ASCII letter, so a Russian, Greek or Arabic text has no tokens at all (and "café" becomes "caf").
 * For ROUGE-L parity that is the point; for dedup it would give all such texts the empty signature and
 * drop them as duplicates of one another.
 */

const CJK = "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u30fc\\uff70";
/** A CJK character, or a run of letters, digits and combining marks that contains no CJK character. */
const TOKEN = new RegExp(`[${CJK}]|(?:(?![${CJK}])[\\p{L}\\p{N}\\p{M}])+`, "gu");

export function shingleTokens(text: string): string[] {
  return text.normalize("NFKC").toLowerCase().match(TOKEN) ?? [];
}
