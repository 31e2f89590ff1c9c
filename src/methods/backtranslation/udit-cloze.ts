/**
 * The cloze task: a span of the passage (udit-spans.ts) is replaced by a blank and is the answer. Half
 * the examples, at random, are multiple choice: up to three distractors of the same shape (same number
 * of words; Chinese: of characters), first other spans of the same passage, then spans of other
 * passages in the corpus sample. A span that contains a distractor or is contained in one is never
 * offered next to it ("old bridge" vs "bridge"), nor is the same words in other case.
 */
import { BLANK } from "../../prompts/udit.js";
import { countWords } from "../../text/filters.js";
import { type Built, type Draft, MAX_DISTRACTORS, type TaskContext } from "./udit-draft.js";
import { drawFrom, type Pooled } from "./udit-pool.js";
import { clozeSpans, type Span } from "./udit-spans.js";

export function clozeTask({ view, rng, perPassage, pools }: TaskContext): Built {
  const spans = clozeSpans(view);
  if (spans.length === 0) {
    const longest = Math.max(0, ...view.sentences.map((s) => countWords(s.text)));
    return {
      drop: {
        reason: "no-cloze-span",
        detail: `no content word or short phrase that occurs once in the passage (longest sentence: ${longest} words)`,
      },
    };
  }
  const text = view.passage.text;
  const drafts: Draft[] = [];
  for (const span of rng.sample(spans, perPassage)) {
    const masked = `${text.slice(0, span.start)}${BLANK}${text.slice(span.end)}`;
    const sentence = view.sentences[span.sentence]!;
    const offsets = { answer: [span.start, span.end], sentence: [sentence.start, sentence.end] };
    const wantsChoice = rng.next() < 0.5;
    const own = spans.filter((s) => s.kind === span.kind);
    const distractors = wantsChoice
      ? pickDistractors(span, own, pools.spans(view.lang, span.kind), view.passage.id, rng)
      : [];
    if (distractors.length === 0) {
      drafts.push({
        group: "cloze-open",
        args: { text: masked, answer: span.text },
        meta: { variant: "open", span_kind: span.kind, offsets },
      });
      continue;
    }
    const options = rng.shuffle([span.text, ...distractors.map((d) => d.text)]);
    const answer = options.indexOf(span.text);
    drafts.push({
      group: "cloze-choice",
      args: { text: masked, options, answer },
      meta: {
        variant: "choice",
        span_kind: span.kind,
        answer,
        offsets,
        distractors_from: distractors.map((d) => d.passageId),
      },
    });
  }
  return { drafts };
}

/**
 * Up to three distractors: the passage's own spans of the kind first, then the corpus sample's (other
 * passages). Each must neither contain nor be contained in the answer or a distractor already taken.
 */
function pickDistractors(
  span: Span,
  own: readonly Span[],
  pooled: readonly Pooled[],
  passageId: string,
  rng: TaskContext["rng"],
): Array<{ text: string; passageId: string }> {
  const taken = [span.text.toLowerCase()];
  // Stateful on purpose: an accepted candidate excludes those that overlap it.
  const accept = (text: string) => {
    const lower = text.toLowerCase();
    if (!taken.every((t) => !t.includes(lower) && !lower.includes(t))) return false;
    taken.push(lower);
    return true;
  };
  const chosen = drawFrom(own, MAX_DISTRACTORS, (s) => accept(s.text), rng).map((s) => ({
    text: s.text,
    passageId,
  }));
  const more = MAX_DISTRACTORS - chosen.length;
  if (more > 0)
    chosen.push(...drawFrom(pooled, more, (p) => p.passageId !== passageId && accept(p.text), rng));
  return chosen;
}
