/**
 * LLM2LLM's augmentation step: for every seed the student failed this iteration, the teacher writes K
 * new labelled examples like it (structured output: a list of {question, answer}). They join the
 * training set unless empty, beyond the K asked for, or the exact question text is in the set already.
 *
 * Seeds are augmented concurrently but decided in exam order, so the set grows in the same order
 * whatever finished first, and a failed call stops the step (the next iteration asks the student the
 * grown set, so skipping one seed would make a re-run diverge). A seed that fails again in a later
 * iteration asks the same prompt again: that is its next independent draw (`Draws`), a new call.
 */
import { z } from "zod";
import type { RunEngine } from "../../engine/engine.js";
import { generateObjects, type StructuredResult } from "../../engine/structured.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { AUGMENT, augmentPrompt } from "../../prompts/llm2llm.js";
import { promptTag } from "../../prompts/prompt.js";
import { sha256 } from "../../util/canonical.js";
import type { GenerationSettings } from "../responses/respond.js";
import { chatRequest } from "../shared/chat-request.js";
import type { Draws } from "../shared/draws.js";
import { OrderedRound } from "../shared/ordered-round.js";
import type { DropLog } from "../shared/record-output.js";
import type { StopReason } from "../shared/stop-reason.js";
import { type AddedRecord, addedId, type TrainingExample } from "./llm2llm-records.js";

export const similarExamplesSchema = z.object({
  examples: z
    .array(z.object({ question: z.string(), answer: z.string() }))
    .min(1)
    .describe("new examples like the one the student got wrong, each with its correct answer"),
});
type SimilarExamples = z.infer<typeof similarExamplesSchema>;

export interface AugmentContext {
  engine: RunEngine;
  teacher: LanguageModel;
  draws: Draws;
  generation: GenerationSettings;
  perError: number;
  iteration: number;
  lookahead: number;
  /** Questions in the training set: an example asking one of them again is not added. */
  questions: Map<string, string>;
  drops: DropLog;
  /** Called for each example added, in order. */
  add: (member: TrainingExample, record: AddedRecord) => void;
}

interface Written {
  seed: TrainingExample;
  call: string;
  result: StructuredResult<SimilarExamples>;
}

export async function augmentFailures(
  ctx: AugmentContext,
  failedSeeds: readonly TrainingExample[],
): Promise<StopReason | undefined> {
  const round = new OrderedRound<Written>((w) => decide(ctx, w), ctx.lookahead, failedSeeds.length + 1);
  for (const seed of failedSeeds) {
    if (!round.open) break;
    const request = chatRequest(augmentPrompt(seed.question, seed.answer, ctx.perError), ctx.generation);
    const name = "similar_examples";
    // Numbered here, in exam order, before any await: a resumed run gives every draw the same index.
    const jsonSchema = { name, schema: z.toJSONSchema(similarExamplesSchema) as Record<string, unknown> };
    const call = ctx.draws.prepare(ctx.teacher, { ...request, jsonSchema });
    const started = await round.start(async () => {
      const [result] = await generateObjects(
        ctx.engine,
        ctx.teacher,
        { request, schema: similarExamplesSchema, name },
        1,
        call.firstSample ?? 0,
      );
      return { seed, call: call.keys[0] as string, result: result as StructuredResult<SimilarExamples> };
    });
    if (!started) break;
  }
  return round.finish();
}

function decide(ctx: AugmentContext, { seed, call, result }: Written): void {
  const where = { iteration: ctx.iteration, parent_id: seed.id, meta: { call } };
  const dropId = (index: number) =>
    sha256(`${ctx.iteration}\u0000${seed.id}\u0000${call}\u0000${index}`).slice(0, 16);
  if (!result.ok) {
    ctx.drops.drop({
      id: dropId(-1),
      reason: "invalid-output",
      detail: result.error,
      ...where,
      text: result.text,
    });
    return;
  }
  result.value.examples.forEach((example, index) => {
    const question = example.question.trim();
    const answer = example.answer.trim();
    const dropped = { id: dropId(index), ...where, question, answer };
    if (index >= ctx.perError) {
      ctx.drops.drop({
        ...dropped,
        reason: "beyond-k",
        detail: `example ${index + 1} of a reply asked for ${ctx.perError}`,
      });
      return;
    }
    if (question === "" || answer === "") {
      ctx.drops.drop({ ...dropped, reason: "empty", detail: question === "" ? "no question" : "no answer" });
      return;
    }
    const holder = ctx.questions.get(question);
    if (holder !== undefined) {
      ctx.drops.drop({ ...dropped, reason: "duplicate", detail: `same question as ${holder}` });
      return;
    }
    const id = addedId(question);
    ctx.questions.set(question, id);
    const member: TrainingExample = {
      id,
      question,
      answer,
      origin: "added",
      parentId: seed.id,
      iteration: ctx.iteration,
    };
    ctx.add(member, {
      id,
      iteration: ctx.iteration,
      parent_id: seed.id,
      question,
      answer,
      meta: {
        method: "llm2llm",
        step: "augment",
        model: ctx.teacher.modelName,
        prompt: promptTag(AUGMENT),
        call,
        index,
        parent: { question: seed.question, answer: seed.answer },
      },
    });
  });
}
