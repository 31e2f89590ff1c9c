/**
 * Distractors from elsewhere in the corpus, gathered in the first pass: a uniform sample (reservoir
 * sampling, seeded) of the sentences of each language and of the cloze spans of each language and
 * shape. Bounded, so a large corpus costs a fixed amount of memory; seeded and filled in corpus order, so
 * a re-run with the same seed draws the same distractors.
 */
import type { Rng } from "../../engine/rng.js";
import { normalizeForDedup } from "../../text/exact-dup.js";
import { countWords } from "../../text/filters.js";
import type { PassageView } from "./udit-passage.js";
import type { Span } from "./udit-spans.js";

export interface Pooled {
  text: string;
  passageId: string;
  /** The text normalized (`normalizeForDedup`): two items with one key are the same option. */
  key: string;
}

/** Sentences kept per language, and spans per language and kind. */
const SENTENCES_PER_LANGUAGE = 2000;
const SPANS_PER_KIND = 500;
/** Sentences fit to stand as a next-sentence option: not a fragment, not a whole paragraph. */
const SENTENCE_WORDS = { min: 4, max: 60 };

class Reservoir {
  readonly items: Array<Omit<Pooled, "key">> = [];
  private seen = 0;
  private final: Pooled[] | undefined;

  constructor(
    private readonly capacity: number,
    private readonly rng: Rng,
  ) {}

  offer(item: Omit<Pooled, "key">): void {
    this.seen++;
    this.final = undefined;
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      const j = this.rng.int(this.seen);
      if (j < this.capacity) this.items[j] = item;
    }
  }

  /** The sample with keys, each text once (normalized once here, not at every draw). */
  get pooled(): readonly Pooled[] {
    if (!this.final) {
      const seen = new Set<string>();
      this.final = [];
      for (const item of this.items) {
        const key = normalizeForDedup(item.text);
        if (seen.has(key)) continue;
        seen.add(key);
        this.final.push({ ...item, key });
      }
    }
    return this.final;
  }
}

export class DistractorPools {
  private readonly reservoirs = new Map<string, Reservoir>();

  constructor(private readonly rng: Rng) {}

  /** Adds a passage's sentences and cloze spans. */
  offer(view: PassageView, spans: readonly Span[]): void {
    const passageId = view.passage.id;
    for (const sentence of view.sentences) {
      const size = countWords(sentence.text);
      if (size < SENTENCE_WORDS.min || size > SENTENCE_WORDS.max) continue;
      this.reservoir(`sentences/${view.lang}`, SENTENCES_PER_LANGUAGE).offer({
        text: sentence.text,
        passageId,
      });
    }
    for (const span of spans) {
      this.reservoir(`spans/${view.lang}/${span.kind}`, SPANS_PER_KIND).offer({ text: span.text, passageId });
    }
  }

  sentences(lang: string): readonly Pooled[] {
    return this.reservoirs.get(`sentences/${lang}`)?.pooled ?? [];
  }

  spans(lang: string, kind: string): readonly Pooled[] {
    return this.reservoirs.get(`spans/${lang}/${kind}`)?.pooled ?? [];
  }

  private reservoir(key: string, capacity: number): Reservoir {
    let found = this.reservoirs.get(key);
    if (!found) {
      found = new Reservoir(capacity, this.rng.fork(key));
      this.reservoirs.set(key, found);
    }
    return found;
  }
}

/**
 * Up to `want` distinct items of `pool` that `accept` takes, in random order. Draws positions at random
 * and skips the refused ones, so a draw costs about `want` steps however large the pool; a small pool
 * (or one that refuses a lot) is filtered and sampled instead, so nothing acceptable is missed.
 */
export function drawFrom<T>(pool: readonly T[], want: number, accept: (item: T) => boolean, rng: Rng): T[] {
  if (pool.length <= 64) return rng.sample(pool.filter(accept), want);
  const out: T[] = [];
  const tried = new Set<number>();
  for (let attempt = 0; out.length < want && attempt < want * 16; attempt++) {
    const i = rng.int(pool.length);
    if (tried.has(i)) continue;
    tried.add(i);
    if (accept(pool[i]!)) out.push(pool[i]!);
  }
  if (out.length < want) {
    const taken = new Set(out);
    out.push(
      ...rng.sample(
        pool.filter((item) => !taken.has(item) && accept(item)),
        want - out.length,
      ),
    );
  }
  return out;
}
