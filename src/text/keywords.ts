/**
 * TF-IDF keywords. Document frequencies are counted in a first pass over the corpus (`DocumentFrequencies`),
 * then each document's terms are scored tf × idf with the smoothed idf ln((1 + N) / (1 + df)) + 1, which
 * stays positive, so in a corpus of one document keywords are simply the most frequent terms. Terms are
 * content words (`isContentWord`: stop words and numbers are left out) and single Han characters that
 * are not stop words (kept as keywords only when repeated); Chinese is cut into words by ICU's
 * dictionary segmenter.
 */
import { isStopWord } from "./stopwords.js";
import { isContentWord, isHanWord, termOf, words } from "./words.js";

export interface TermOccurrence {
  term: string;
  /** The word as written. */
  surface: string;
  start: number;
  end: number;
}

/**
 * Number words say how many, not what about: no keyword, though they are not stop words (a changed
 * number matters to a grounding check, which shares the stop words).
 */
const NUMBER_WORDS = new Set(
  "one two three four five six seven eight nine ten eleven twelve twenty hundred hundreds thousand thousands".split(
    " ",
  ),
);

/** The content terms of `text` (keyword candidates), in order, with their offsets. */
export function contentTerms(text: string, lang: string): TermOccurrence[] {
  const out: TermOccurrence[] = [];
  for (const w of words(text, lang)) {
    const term = termOf(w.text);
    const single = isHanWord(w.text) && [...w.text].length === 1 && !isStopWord(w.text, lang);
    if ((single || isContentWord(w.text, lang)) && !NUMBER_WORDS.has(term)) {
      out.push({ term, surface: w.text, start: w.start, end: w.end });
    }
  }
  return out;
}

/** How many documents contain each term, and how many documents there are. */
export class DocumentFrequencies {
  documents = 0;
  private readonly counts = new Map<string, number>();

  /** Counts one document, given its terms (repeats are counted once). */
  add(terms: Iterable<string>): void {
    this.documents++;
    for (const term of new Set(terms)) this.counts.set(term, (this.counts.get(term) ?? 0) + 1);
  }

  frequency(term: string): number {
    return this.counts.get(term) ?? 0;
  }

  idf(term: string): number {
    return Math.log((1 + this.documents) / (1 + this.frequency(term))) + 1;
  }

  get vocabulary(): number {
    return this.counts.size;
  }
}

export interface Keyword {
  term: string;
  /** How to show it: the term in lowercase, or as written when every occurrence is capitalized (names). */
  text: string;
  score: number;
  count: number;
  /** Offsets of the first occurrence. */
  start: number;
  end: number;
}

/** The `k` terms of `text` with the highest tf-idf, best first; ties go to the earlier term. */
export function tfidfKeywords(text: string, lang: string, df: DocumentFrequencies, k: number): Keyword[] {
  interface Seen {
    first: TermOccurrence;
    count: number;
    allCapitalized: boolean;
    /** A capitalized occurrence inside a sentence: only there does a capital mark a name. */
    name?: string;
  }
  const byTerm = new Map<string, Seen>();
  for (const occurrence of contentTerms(text, lang)) {
    const capitalized = occurrence.surface !== occurrence.term;
    let seen = byTerm.get(occurrence.term);
    if (seen) {
      seen.count++;
      seen.allCapitalized &&= capitalized;
    } else {
      seen = { first: occurrence, count: 1, allCapitalized: capitalized };
      byTerm.set(occurrence.term, seen);
    }
    if (capitalized && seen.name === undefined && !startsSentence(text, occurrence.start)) {
      seen.name = occurrence.surface;
    }
  }
  // A lone Han character is a keyword only when the text repeats it (茶 in a text about tea); once, it
  // is mostly a fragment the segmenter could not place.
  const candidates = [...byTerm.values()].filter(
    (seen) => seen.count > 1 || !isHanWord(seen.first.term) || [...seen.first.term].length > 1,
  );
  const scored = candidates.map((seen, order) => ({
    keyword: {
      term: seen.first.term,
      text: seen.allCapitalized && seen.name !== undefined ? seen.name : seen.first.term,
      score: seen.count * df.idf(seen.first.term),
      count: seen.count,
      start: seen.first.start,
      end: seen.first.end,
    },
    order,
  }));
  scored.sort((a, b) => b.keyword.score - a.keyword.score || a.order - b.order);
  return scored.slice(0, k).map((s) => s.keyword);
}

/** Whether the word at `at` opens a sentence (where a capital says nothing about names). */
function startsSentence(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 8), at);
  if (at === before.length && before.trim() === "") return true;
  return /(?:[.!?。！？:]["'”’)]*\s+|\n\s*)$/u.test(before);
}
