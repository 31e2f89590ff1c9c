/**
 * UDIT's rules: from one passage, the pseudo-labelled examples of each task, before a template words
 * them. A builder returns drafts (the template group, its arguments and what the record should say about
 * how it was made) or why the task cannot be built from this passage.
 *  - summary: the heading above the passage, or else the document's title, as its summary; else the
 *    first sentence as the "lead" summary of the rest;
 *  - cloze (udit-cloze.ts): a masked span, open or with distractors;
 *  - ordering: 3-6 consecutive sentences shuffled; the answer is their original order;
 *  - next-sentence: the sentences before one, and that one among sentences of other passages;
 *  - keywords: the passage's top terms by tf-idf over the corpus.
 */
import { normalizeForDedup } from "../../text/exact-dup.js";
import { countWords } from "../../text/filters.js";
import { tfidfKeywords } from "../../text/keywords.js";
import { clozeTask } from "./udit-cloze.js";
import { type Built, type Draft, MAX_DISTRACTORS, type TaskContext } from "./udit-draft.js";
import { type PassageView, round, type UditTask } from "./udit-passage.js";
import { drawFrom } from "./udit-pool.js";

const KEYWORDS = { max: 5, min: 3 };
/** A title must say something (2 words, 4 Chinese characters) and stay a title (not a paragraph). */
const TITLE_WORDS = { en: 2, zh: 4, max: 30 };
const LEAD_WORDS = { en: 5, zh: 8 };

export const BUILDERS: Record<UditTask, (ctx: TaskContext) => Built> = {
  summary: summaryTask,
  cloze: clozeTask,
  ordering: orderingTask,
  "next-sentence": nextSentenceTask,
  keywords: keywordsTask,
};

function summaryTask({ view }: TaskContext): Built {
  const { passage, lang, sentences } = view;
  const { heading, title } = passage.source;
  // The heading right above is closer to the passage than the document's title; a passage under a
  // heading too short to summarize it does not borrow the title of the whole document.
  const label =
    heading !== undefined
      ? { kind: "heading", text: heading.trim() }
      : title !== undefined
        ? { kind: "title", text: title.trim() }
        : undefined;
  if (label && usableTitle(label.text, view)) {
    return {
      drafts: [
        {
          group: "summary-title",
          args: { passage: passage.text, summary: label.text },
          meta: { kind: label.kind },
        },
      ],
    };
  }
  const why = label
    ? `${label.kind} "${label.text}" too short or too long for a title`
    : "no title or heading";
  if (sentences.length < 3) {
    return {
      drop: {
        reason: "too-few-sentences",
        detail: `${why}; ${sentences.length} sentence(s), a lead summary needs 3`,
      },
    };
  }
  const lead = sentences[0]!;
  if (countWords(lead.text) < LEAD_WORDS[lang]) {
    return { drop: { reason: "short-lead", detail: `${why}; first sentence "${lead.text}" is too short` } };
  }
  const from = sentences[1]!.start;
  return {
    drafts: [
      {
        group: "summary-lead",
        args: { passage: passage.text.slice(from), summary: lead.text },
        meta: {
          kind: "lead",
          offsets: { summary: [lead.start, lead.end], input: [from, passage.text.length] },
        },
      },
    ],
  };
}

function usableTitle(text: string, view: PassageView): boolean {
  const size = countWords(text);
  if (size < TITLE_WORDS[view.lang] || size > TITLE_WORDS.max) return false;
  // A "title" that is the passage's own first sentence summarizes nothing.
  const first = view.sentences[0]?.text ?? "";
  return normalizeForDedup(text) !== normalizeForDedup(first);
}

function orderingTask({ view, rng, perPassage }: TaskContext): Built {
  const n = view.sentences.length;
  if (n < 3) return { drop: { reason: "too-few-sentences", detail: `${n} sentence(s), ordering needs 3` } };
  const drafts: Draft[] = [];
  const windows = new Set<string>();
  for (let tries = 0; drafts.length < perPassage && tries < perPassage * 8; tries++) {
    const size = 3 + rng.int(Math.min(6, n) - 2);
    const start = rng.int(n - size + 1);
    if (windows.has(`${start}/${size}`)) continue;
    windows.add(`${start}/${size}`);
    const window = view.sentences.slice(start, start + size);
    // shown[j] is the original position of the j-th sentence shown; never the original order itself.
    let shown = rng.shuffle(window.map((_, i) => i));
    for (let again = 0; again < 8 && shown.every((p, j) => p === j); again++) shown = rng.shuffle(shown);
    if (shown.every((p, j) => p === j)) shown = [...shown.slice(1), shown[0]!];
    const order = window.map((_, i) => shown.indexOf(i) + 1);
    drafts.push({
      group: "ordering",
      args: { sentences: shown.map((p) => window[p]!.text), order },
      meta: {
        sentences: [start, start + size],
        answer: order,
        offsets: window.map((s) => [s.start, s.end]),
      },
    });
  }
  return { drafts };
}

function nextSentenceTask({ view, rng, perPassage, pools }: TaskContext): Built {
  const { passage, sentences } = view;
  const n = sentences.length;
  if (n < 2) return { drop: { reason: "too-few-sentences", detail: `${n} sentence, next-sentence needs 2` } };
  const pool = pools.sentences(view.lang);
  if (!pool.some((s) => s.passageId !== passage.id)) {
    return {
      drop: {
        reason: "no-distractors",
        detail: `no ${view.lang} sentence in another passage to choose from`,
      },
    };
  }
  const targets = rng.sample(sentences.map((_, i) => i).slice(1), perPassage);
  const drafts: Draft[] = [];
  for (const target of targets) {
    const next = sentences[target]!;
    const key = normalizeForDedup(next.text);
    const distractors = drawFrom(
      pool,
      MAX_DISTRACTORS,
      (s) => s.passageId !== passage.id && s.key !== key,
      rng,
    );
    if (distractors.length === 0) continue;
    const truth = { text: next.text, passageId: passage.id };
    const options = rng.shuffle([truth, ...distractors]);
    const answer = options.indexOf(truth);
    const first = sentences[Math.max(0, target - 3)]!;
    const context = passage.text.slice(first.start, sentences[target - 1]!.end);
    drafts.push({
      group: "next-sentence",
      args: { text: context, options: options.map((o) => o.text), answer },
      meta: {
        answer,
        offsets: { context: [first.start, sentences[target - 1]!.end], next: [next.start, next.end] },
        distractors_from: distractors.map((d) => d.passageId),
      },
    });
  }
  if (drafts.length === 0) {
    return { drop: { reason: "no-distractors", detail: "every candidate sentence equals the true one" } };
  }
  return { drafts };
}

function keywordsTask({ view, df }: TaskContext): Built {
  const keywords = tfidfKeywords(view.passage.text, view.lang, df, KEYWORDS.max);
  if (keywords.length < KEYWORDS.min) {
    return {
      drop: {
        reason: "too-few-keywords",
        detail: `${keywords.length} content term(s) after stop words, ${KEYWORDS.min} needed`,
      },
    };
  }
  return {
    drafts: [
      {
        group: "keywords",
        args: { passage: view.passage.text, keywords: keywords.map((k) => k.text) },
        meta: {
          keywords: keywords.map((k) => ({ term: k.term, score: round(k.score), count: k.count })),
          offsets: keywords.map((k) => [k.start, k.end]),
        },
      },
    ],
  };
}
