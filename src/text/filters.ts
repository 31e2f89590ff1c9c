/**
 * The heuristic instruction filters of Self-Instruct (Wang et al. 2023, `post_process_gpt3_response` in
 * yizhongw/self-instruct bootstrap_instructions.py) and Alpaca (tatsu-lab/stanford_alpaca
 * generate_instruction.py, whose blacklist adds video, audio, music, flowchart and diagram). Each drop
 * says why. Differences from the originals, on purpose:
 *  - Length: the originals count `inst.split()` and drop `<= 3` or `> 150` words (so minWords 4, maxWords
 *    150 reproduce them); we also count each CJK character as a word, since those scripts have no spaces
 *    and a whole Chinese instruction would otherwise be "one word".
 *  - First character: the originals drop `inst[0] in string.punctuation` (ASCII punctuation only) and
 *    `not inst[0].isascii()`, which drops every non-English start (CJK, accented letters) yet lets digits
 *    and ASCII symbols through. We drop any Unicode punctuation (\p{P}) and any non-letter (\p{L}) start:
 *    CJK and accented letters pass, digits and symbols ("3 ways to…", "$x…") do not.
 *  - Blacklist: the originals use Python's `\b(word)\b` with IGNORECASE; we use Unicode-aware word
 *    boundaries (letters, digits, underscore) and let "go to" match any whitespace between the words.
 *  - Not ported: Self-Instruct's `startswith("Write a program")` drop, specific to its GPT-3 prompts.
 */

export const DEFAULT_BLACKLIST = [
  "image",
  "images",
  "graph",
  "graphs",
  "picture",
  "pictures",
  "file",
  "files",
  "map",
  "maps",
  "draw",
  "plot",
  "go to",
  "video",
  "audio",
  "music",
  "flowchart",
  "diagram",
];

export interface FilterOptions {
  /** Words and phrases that mark a task a text-only model cannot do; whole words, case-insensitive. */
  blacklist?: string[];
  /** Fewest words kept, default 4. */
  minWords?: number;
  /** Most words kept, default 150. */
  maxWords?: number;
}

export type FilterVerdict =
  | { ok: true }
  | {
      ok: false;
      reason:
        | "blacklist"
        | "too-short"
        | "too-long"
        | "starts-with-punctuation"
        | "starts-with-non-letter"
        | "empty";
      detail: string;
    };

// Han and kana only: Korean separates words with spaces, so Hangul is counted by whitespace.
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const WORD_CHAR = "[\\p{L}\\p{N}\\p{M}_]";

/** Words in `text`: each CJK character is one, the rest is split on whitespace. */
export function countWords(text: string): number {
  let cjk = 0;
  const rest = text.replace(CJK_CHAR, () => {
    cjk++;
    return " ";
  });
  const words = rest.trim();
  return cjk + (words === "" ? 0 : words.split(/\s+/u).length);
}

/** One regex per blacklist array: the default one is compiled once, custom ones once per array. */
const blacklistPatterns = new WeakMap<readonly string[], RegExp | null>();

function blacklistPattern(blacklist: readonly string[]): RegExp | null {
  let pattern = blacklistPatterns.get(blacklist);
  if (pattern === undefined) {
    const alternatives = blacklist
      .map((entry) => entry.trim())
      .filter((entry) => entry !== "")
      .map((entry) => entry.split(/\s+/u).map(escapeRegExp).join("\\s+"));
    pattern =
      alternatives.length === 0
        ? null
        : new RegExp(`(?<!${WORD_CHAR})(?:${alternatives.join("|")})(?!${WORD_CHAR})`, "iu");
    blacklistPatterns.set(blacklist, pattern);
  }
  return pattern;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether an instruction passes the filters; whitespace is collapsed and trimmed first, as in the originals. */
export function heuristicFilter(text: string, options: FilterOptions = {}): FilterVerdict {
  const inst = text.replace(/\s+/gu, " ").trim();
  if (inst === "") return { ok: false, reason: "empty", detail: "no text" };

  const minWords = options.minWords ?? 4;
  const maxWords = options.maxWords ?? 150;
  const words = countWords(inst);
  if (words < minWords) return { ok: false, reason: "too-short", detail: `${words} words < ${minWords}` };
  if (words > maxWords) return { ok: false, reason: "too-long", detail: `${words} words > ${maxWords}` };

  const hit = blacklistPattern(options.blacklist ?? DEFAULT_BLACKLIST)?.exec(inst);
  if (hit) return { ok: false, reason: "blacklist", detail: `contains "${hit[0]}"` };

  // Code point, not code unit: an astral first character (e.g. an emoji) must be judged whole.
  const first = String.fromCodePoint(inst.codePointAt(0)!);
  if (/^\p{P}$/u.test(first))
    return { ok: false, reason: "starts-with-punctuation", detail: `starts with "${first}"` };
  if (!/^\p{L}$/u.test(first))
    return { ok: false, reason: "starts-with-non-letter", detail: `starts with "${first}"` };
  return { ok: true };
}
