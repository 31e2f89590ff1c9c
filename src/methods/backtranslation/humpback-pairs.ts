/**
 * The unit of Humpback: an (instruction, output) pair whose output is a passage of human-written text and
 * whose instruction the backward model wrote for it. What the method holds between rounds (`KeptPair`),
 * what it writes (`PairRecord` in rated.jsonl and curated.jsonl) and the examples a prompt shows.
 */
import type { Passage, PassageSource } from "../../data/corpus/passage.js";
import type { PairText } from "../../prompts/humpback.js";
import { contentId } from "../../util/canonical.js";
import type { SeedTask } from "../in-context/seed-tasks.js";

/** A few-shot example of the augmentation prompt: a seed pair or a pair curated by the previous round. */
export interface PoolExample extends PairText {
  /** "seed:<seed id>" or the id of the curated pair. */
  id: string;
  /** For curated pairs: the passage, so a passage is never shown as an example for itself. */
  passageId?: string;
}

/**
 * Seeds as (output -> instruction) examples: the first instance with an output; a seed's input is part of
 * the request a user would have sent, so it follows the instruction. Seeds without an output are unusable.
 */
export function seedExamples(seeds: readonly SeedTask[]): PoolExample[] {
  const out: PoolExample[] = [];
  for (const seed of seeds) {
    const instance = seed.instances.find((i) => i.output !== "");
    if (!instance) continue;
    const instruction = instance.input !== "" ? `${seed.instruction}\n\n${instance.input}` : seed.instruction;
    out.push({ id: `seed:${seed.id}`, instruction, output: instance.output });
  }
  return out;
}

/** Cache keys of the two calls that made a pair. */
export interface PairCalls {
  augment: string;
  curate: string;
}

/** A pair that reached the threshold in its round: a candidate of the next round, or a final record. */
export interface KeptPair {
  id: string;
  round: number;
  passage: Passage;
  instruction: string;
  score: number;
  reason: string;
  /** Ids of the augmentation examples and of the calibration pairs shown. */
  examples: string[];
  calibration: string[];
  calls: PairCalls;
  /** The same passage's pair kept by the round before (rounds after the first). */
  parentId?: string;
}

export function pairId(round: number, passageId: string, calls: PairCalls): string {
  return `humpback-${contentId({ round, passage: passageId, calls })}`;
}

export function asExample(pair: KeptPair): PoolExample {
  return {
    id: pair.id,
    instruction: pair.instruction,
    output: pair.passage.text,
    passageId: pair.passage.id,
  };
}

/** A line of rated.jsonl (every valid rating; `kept` says whether it reached the threshold) or curated.jsonl. */
export interface PairRecord {
  id: string;
  instruction: string;
  /** The passage text. */
  output: string;
  score: number;
  reason: string;
  round: number;
  /** rated.jsonl only. */
  kept?: boolean;
  passage_id: string;
  source: PassageSource;
  meta: {
    method: "humpback";
    step: "curate";
    model: string;
    backward_model: string;
    prompts: string[];
    /** Augmentation examples shown ("seed:<id>" or a curated pair's id). */
    examples: string[];
    /** Curated pairs shown to the rater as calibration (rounds after the first). */
    calibration: string[];
    /** The pair of the same passage that the previous round kept. */
    parent_id?: string;
    calls: PairCalls;
  };
}

export interface RecordContext {
  model: string;
  backwardModel: string;
  prompts: string[];
}

export function pairRecord(pair: KeptPair, ctx: RecordContext, kept?: boolean): PairRecord {
  return {
    id: pair.id,
    instruction: pair.instruction,
    output: pair.passage.text,
    score: pair.score,
    reason: pair.reason,
    round: pair.round,
    ...(kept !== undefined ? { kept } : {}),
    passage_id: pair.passage.id,
    source: pair.passage.source,
    meta: {
      method: "humpback",
      step: "curate",
      model: ctx.model,
      backward_model: ctx.backwardModel,
      prompts: ctx.prompts,
      examples: pair.examples,
      calibration: pair.calibration,
      ...(pair.parentId !== undefined ? { parent_id: pair.parentId } : {}),
      calls: pair.calls,
    },
  };
}
