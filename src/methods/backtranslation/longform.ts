/**
 * LongForm (Köksal et al., 2023): reverse instructions. Every human-written document of a corpus becomes
 * the output of one example, and the model writes the instruction that the document answers:
 *  1. Read the corpus as whole documents (ingestion drops short and duplicate ones).
 *  2. Pick the instruction's style: the one asked for, or with `mixed` one per document, drawn from a
 *     generator forked by the passage id with the paper's proportions (formal instruction 50 %,
 *     chatbot request 30 %, search query 20 %).
 *  3. Ask the model for the instruction (JSON), clean it, and drop it when empty, a refusal or an echo of
 *     the document.
 *  4. With `lengthHint`, append a phrase derived from the document's length ("Respond in about 300
 *     words.") so the instruction says how long the answer is.
 * Output, in `outDir`: instructions.jsonl (in corpus order) and dropped.jsonl (every drop with its
 * reason, ingestion's included). Documents run concurrently; see document-loop.ts for failures.
 */
import { z } from "zod";
import type { Passage, PassageSource } from "../../data/corpus/passage.js";
import type { Rng } from "../../engine/rng.js";
import {
  LONGFORM_INSTRUCTION,
  LONGFORM_STYLES,
  type LongformStyle,
  longformMessage,
} from "../../prompts/longform.js";
import { promptTag } from "../../prompts/prompt.js";
import { canonicalJson, contentId, sha256 } from "../../util/canonical.js";
import { pinRecipe } from "../shared/recipe.js";
import { DocumentCalls, invalidReply, replyMeta, replySchema } from "./document-call.js";
import {
  type DocumentJob,
  type DocumentMethodOptions,
  type DocumentOutcome,
  type DocumentStats,
  newDocumentStats,
  runDocumentLoop,
} from "./document-loop.js";
import { lengthHint, withLengthHint } from "./length-hint.js";
import { cleanReply, replyProblem } from "./reply-checks.js";

export { LONGFORM_STYLES, type LongformStyle };

export type LongformStyleChoice = LongformStyle | "mixed";

/** Shares of the styles under `mixed`, as the paper mixed them. */
export const MIXED_STYLE_WEIGHTS: Readonly<Record<LongformStyle, number>> = {
  instruction: 0.5,
  chatbot: 0.3,
  query: 0.2,
};

const INSTRUCTION = replySchema("longform_instruction", z.object({ instruction: z.string() }));

export interface LongformOptions extends DocumentMethodOptions {
  /** Default "mixed". */
  style?: LongformStyleChoice;
  /** Append the document's length to the instruction (default false). */
  lengthHint?: boolean;
  stats?: LongformStats;
}

export interface LongformStats extends DocumentStats {
  /** Documents planned per style (drawn or fixed). */
  styles: Record<LongformStyle, number>;
}

export function newLongformStats(): LongformStats {
  return { ...newDocumentStats(), styles: { instruction: 0, chatbot: 0, query: 0 } };
}

export interface LongformRecord {
  id: string;
  instruction: string;
  /** The document: the output the instruction asks for. */
  output: string;
  style: LongformStyle;
  /** The length phrase appended to the instruction (with `lengthHint`). */
  length_hint?: string;
  passage_id: string;
  source: PassageSource;
  meta: Record<string, unknown>;
}

export async function longform(options: LongformOptions): Promise<LongformStats> {
  const { engine, model } = options;
  const style = options.style ?? "mixed";
  if (style !== "mixed" && !LONGFORM_STYLES.includes(style)) {
    throw new Error(`style must be one of ${[...LONGFORM_STYLES, "mixed"].join(", ")}, got "${style}"`);
  }
  const useHint = options.lengthHint ?? false;
  const generation = options.generation ?? {};
  // What decides the records: resuming with another style, hint or corpus reading would append records
  // of a different run to the same files.
  pinRecipe(engine.runDir, "longform", {
    style,
    lengthHint: useHint,
    generation,
    corpus: options.corpusOptions ?? {},
    prompt: promptTag(LONGFORM_INSTRUCTION),
    schema: sha256(canonicalJson(INSTRUCTION.json)),
    rngSeed: style === "mixed" ? engine.rng.seed : null,
    model: model.id,
  });
  const stats = options.stats ?? newLongformStats();
  const calls = new DocumentCalls(engine, model, generation);
  const step = { method: "longform", step: "instruction", prompt: LONGFORM_INSTRUCTION };
  const styleMode = style === "mixed" ? "mixed" : "fixed";

  const plan = (passage: Passage): DocumentJob<LongformRecord> => {
    const chosen = style === "mixed" ? drawStyle(engine.rng.fork(`longform/style/${passage.id}`)) : style;
    stats.styles[chosen]++;
    const call = calls.prepare(passage, step, longformMessage(passage.text, chosen), INSTRUCTION);
    const hint = useHint ? lengthHint(passage.text, passage.lang) : undefined;
    const id = contentId(["longform", passage.id, call.key, hint?.text ?? null]);
    const run = async (): Promise<DocumentOutcome<LongformRecord>> => {
      const result = await call.ask();
      if (!result.ok) return { dropped: invalidReply(id, call, result, { style: chosen }) };
      const meta = { ...replyMeta(call, result), style_mode: styleMode };
      const generated = cleanReply(result.value.instruction);
      const problem = replyProblem(generated, passage.text);
      if (problem) {
        const fields = { style: chosen, instruction: generated };
        return { dropped: { id, stage: "longform", ...problem, ...fields, ...call.lineage, meta } };
      }
      const record: LongformRecord = {
        id,
        instruction: hint ? withLengthHint(generated, hint) : generated,
        output: passage.text,
        style: chosen,
        ...(hint ? { length_hint: hint.text } : {}),
        ...call.lineage,
        meta: hint ? { ...meta, generated_instruction: generated } : meta,
      };
      return { kept: record };
    };
    return { id, run };
  };

  await runDocumentLoop({ ...options, plan, stats });
  return stats;
}

/** One style by the mixed weights. */
function drawStyle(rng: Rng): LongformStyle {
  let x = rng.next();
  for (const style of LONGFORM_STYLES) {
    x -= MIXED_STYLE_WEIGHTS[style];
    if (x < 0) return style;
  }
  return LONGFORM_STYLES[LONGFORM_STYLES.length - 1] as LongformStyle;
}
