/**
 * DoG-style wrapping (DoG-Instruct, Chen et al., 2023): every human-written document of a corpus is
 * wrapped into one instruction and an assistant-style response grounded in it, so the data keeps the
 * document's facts but speaks like an assistant, which raw web text does not.
 *  1. Read the corpus as whole documents (ingestion drops short and duplicate ones).
 *  2. Ask the model for {instruction, response} (JSON, validated, one repair).
 *  3. Drop empty or refused pairs, and instructions that copy the document.
 *  4. Grounding check: the share of the response's content words found in the document
 *     (text/grounding.ts); below `groundingThreshold` the response added facts and is dropped. Score and
 *     the first unsupported words are recorded on every record, kept or dropped.
 * Output, in `outDir`: instructions.jsonl (in corpus order, each with its full document) and
 * dropped.jsonl. Documents run concurrently; see document-loop.ts for failures.
 */
import { z } from "zod";
import type { Passage, PassageSource } from "../../data/corpus/passage.js";
import { promptTag } from "../../prompts/prompt.js";
import { WRAP_PAIR, wrapMessage } from "../../prompts/wrap.js";
import { type Grounding, grounding } from "../../text/grounding.js";
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
import { cleanReply, replyProblem } from "./reply-checks.js";

/** Default share of a response's content words that must occur in its document. */
export const DEFAULT_GROUNDING_THRESHOLD = 0.8;

const PAIR = replySchema("wrap_pair", z.object({ instruction: z.string(), response: z.string() }));

export interface WrapOptions extends DocumentMethodOptions {
  /** In [0, 1]; 0 keeps every response (the score is still recorded). Default 0.8. */
  groundingThreshold?: number;
  stats?: DocumentStats;
}

/** The grounding check's figures, on every record. */
export interface GroundingRecord {
  /** Share of the response's content words found in the document (4 decimals); null if it has none. */
  score: number | null;
  threshold: number;
  content_words: number;
  supported: number;
  /** The first few distinct content words the document lacks. */
  unsupported: string[];
}

export interface WrapRecord {
  id: string;
  instruction: string;
  /** The assistant-style response. */
  output: string;
  /** The full text the pair was made from, so that the pair can be checked against it. */
  document: string;
  grounding: GroundingRecord;
  passage_id: string;
  source: PassageSource;
  meta: Record<string, unknown>;
}

export async function wrapDocuments(options: WrapOptions): Promise<DocumentStats> {
  const { engine, model } = options;
  const threshold = options.groundingThreshold ?? DEFAULT_GROUNDING_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new Error(`the grounding threshold must be in [0, 1], got ${threshold}`);
  }
  const generation = options.generation ?? {};
  pinRecipe(engine.runDir, "wrap", {
    groundingThreshold: threshold,
    generation,
    corpus: options.corpusOptions ?? {},
    prompt: promptTag(WRAP_PAIR),
    schema: sha256(canonicalJson(PAIR.json)),
    model: model.id,
  });
  const stats = options.stats ?? newDocumentStats();
  const calls = new DocumentCalls(engine, model, generation);
  const step = { method: "wrap", step: "wrap", prompt: WRAP_PAIR };

  const plan = (passage: Passage): DocumentJob<WrapRecord> => {
    const call = calls.prepare(passage, step, wrapMessage(passage.text), PAIR);
    const id = contentId(["wrap", passage.id, call.key, threshold]);
    const run = async (): Promise<DocumentOutcome<WrapRecord>> => {
      const result = await call.ask();
      if (!result.ok) return { dropped: invalidReply(id, call, result, { grounding: null }) };
      const meta = replyMeta(call, result);
      const instruction = cleanReply(result.value.instruction);
      const response = result.value.response.trim();
      const exact = grounding(response, passage.text);
      const check = groundingRecord(exact, threshold);
      const made = { instruction, output: response, grounding: check };
      const problem =
        withField("instruction", replyProblem(instruction, passage.text)) ??
        withField("response", replyProblem(response, passage.text, { echo: false }));
      if (problem) return { dropped: { id, stage: "wrap", ...problem, ...made, ...call.lineage, meta } };
      if (threshold > 0 && (exact.score === null || exact.score < threshold)) {
        const detail =
          check.score === null
            ? "the response has no content words to check"
            : `grounding ${check.score.toFixed(2)} < ${threshold}; not in the document: ${check.unsupported.join(", ")}`;
        return {
          dropped: { id, stage: "wrap", reason: "ungrounded", detail, ...made, ...call.lineage, meta },
        };
      }
      const record: WrapRecord = {
        id,
        instruction,
        output: response,
        document: passage.text,
        grounding: check,
        ...call.lineage,
        meta,
      };
      return { kept: record };
    };
    return { id, run };
  };

  return runDocumentLoop({ ...options, plan, stats });
}

/** The figures as recorded: the score rounded (the decision uses the exact one). */
function groundingRecord(g: Grounding, threshold: number): GroundingRecord {
  return {
    score: g.score === null ? null : Math.round(g.score * 10_000) / 10_000,
    threshold,
    content_words: g.contentWords,
    supported: g.supported,
    unsupported: g.unsupported,
  };
}

function withField(
  field: "instruction" | "response",
  problem: ReturnType<typeof replyProblem>,
): { reason: string; detail: string } | undefined {
  return problem && { reason: problem.reason, detail: `${field}: ${problem.detail}` };
}
