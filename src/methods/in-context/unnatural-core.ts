/**
 * Unnatural Instructions, core generation: draw after draw, three seed examples at random and a request
 * for a fourth; the new example's output from a separate call; keep it if valid and not an exact
 * duplicate, until `count` are kept or `maxDraws` are spent.
 *
 * Draws run concurrently, but every keep/drop decision is taken in draw order, so the kept set does
 * not depend on which call finished first, on the concurrency, or on a resume: a re-run makes the same
 * draws (the seeds of draw i come from the generator forked by i), gets them from the cache and takes
 * the same decisions. A new draw is issued only while the kept examples plus the undecided draws are
 * fewer than `count`, so no draw is made past the goal. A draw whose call fails for good stops the loop
 * at that draw: deciding the later ones first could keep an example that the failed draw, once retried,
 * would have made a duplicate.
 */
import type { RunEngine } from "../../engine/engine.js";
import { generateObjects } from "../../engine/structured.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { promptTag } from "../../prompts/prompt.js";
import * as P from "../../prompts/unnatural.js";
import type { ExactDedup } from "../../text/exact-dup.js";
import type { FilterOptions } from "../../text/filters.js";
import { contentId } from "../../util/canonical.js";
import { chatRequest } from "../shared/chat-request.js";
import type { Draws } from "../shared/draws.js";
import type { DroppedRecord } from "../shared/record-output.js";
import { type StopReason, stopReasonOf } from "../shared/stop-reason.js";
import type { SeedTask } from "./seed-tasks.js";
import {
  cleanExample,
  dedupKey,
  EXAMPLE_SCHEMA,
  exampleSchema,
  instructionProblem,
  seedExample,
  type UnnaturalRecord,
} from "./unnatural-example.js";

export interface Sampling {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
}

export interface CoreSettings {
  count: number;
  maxDraws: number;
  /** Seed examples shown per prompt (the paper: 3). */
  inContext: number;
  generation: Sampling;
  /** Sampling of the output calls (the paper: greedy). */
  output: Sampling;
  /** Self-Instruct's heuristic filters on the instruction; off when undefined. */
  heuristics: FilterOptions | undefined;
  /** Draws in progress at once (each is a generation call, then an output call). */
  lookahead: number;
}

export interface CoreContext {
  engine: RunEngine;
  model: LanguageModel;
  seeds: readonly SeedTask[];
  draws: Draws;
  /** Seeds and every example that passed it so far; shared with the reformulation step. */
  dedup: ExactDedup;
  settings: CoreSettings;
  keep(record: UnnaturalRecord): void;
  drop(record: DroppedRecord): void;
  counters: CoreCounters;
}

export interface CoreCounters {
  /** Generation draws issued. */
  draws: number;
  /** Output calls asked. */
  outputs: number;
  kept: number;
}

export interface CoreResult {
  stop?: StopReason;
  /** maxDraws were spent before `count` examples were kept. */
  exhausted: boolean;
}

const PROMPTS = [P.GENERATE, P.OUTPUT].map(promptTag);

/** What one draw produced; decided later, in draw order. */
type DrawOutcome = {
  draw: number;
  seedIds: string[];
  call: string;
} & (
  | { kind: "invalid"; reason: string; detail: string; raw?: string; example?: P.ExampleText }
  | {
      kind: "candidate";
      example: P.ExampleText;
      output: { text: string; finishReason: string; call: string };
    }
);

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function generateCore(ctx: CoreContext): Promise<CoreResult> {
  const { count, maxDraws, lookahead } = ctx.settings;
  const pending = new Map<number, Promise<Settled<DrawOutcome>>>();
  let decided = 0;
  let stop: StopReason | undefined;
  try {
    for (;;) {
      while (
        pending.size < lookahead &&
        ctx.counters.kept + pending.size < count &&
        ctx.counters.draws < maxDraws
      ) {
        const draw = ctx.counters.draws++;
        pending.set(draw, settle(runDraw(ctx, draw)));
      }
      const next = pending.get(decided);
      if (!next) break;
      const settled = await next;
      pending.delete(decided);
      if (!settled.ok) {
        stop = stopReasonOf(settled.error);
        break;
      }
      decide(ctx, settled.value);
      decided++;
    }
  } finally {
    // Calls in flight finish (and are cached) before the caller closes its files.
    await Promise.all(pending.values());
  }
  if (stop) return { stop, exhausted: false };
  return { exhausted: ctx.counters.kept < count };
}

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

/** One draw: the generation call, its checks that need no other draw, and the output call. */
async function runDraw(ctx: CoreContext, draw: number): Promise<DrawOutcome> {
  const { engine, model, settings } = ctx;
  // Everything up to the first await runs synchronously in draw order: the seed pick and the draw's
  // occurrence number (Draws) are the same in every run.
  const shown = engine.rng.fork(`unnatural/core/${draw}`).sample(ctx.seeds, settings.inContext);
  const request = chatRequest(P.generateMessage(shown.map(seedExample)), settings.generation);
  const prepared = ctx.draws.prepare(model, { ...request, jsonSchema: EXAMPLE_SCHEMA });
  const base = { draw, seedIds: shown.map((s) => s.id), call: prepared.keys[0] as string };
  const [result] = await generateObjects(
    engine,
    model,
    { request, schema: exampleSchema, name: EXAMPLE_SCHEMA.name },
    1,
    prepared.firstSample ?? 0,
  );
  if (!result?.ok) {
    const detail = result ? `not a valid example: ${result.error}` : "no reply";
    return { ...base, kind: "invalid", reason: "invalid", detail, raw: result?.text };
  }
  const example = cleanExample(result.value);
  const problem = instructionProblem(example.instruction, settings.heuristics);
  if (problem) return { ...base, kind: "invalid", ...problem, example };
  // Every valid draft gets its output call, even one that may turn out a duplicate: skipping it when a
  // duplicate happened to be decided first would make the number of calls depend on timing, and with
  // it where a --max-calls budget stops.
  ctx.counters.outputs++;
  const call = engine.prepare(model, chatRequest(P.outputMessage(example), settings.output));
  const [sample] = await engine.run(call);
  const output = {
    text: sample?.text.trim() ?? "",
    finishReason: sample?.finishReason ?? "other",
    call: call.keys[0] as string,
  };
  return { ...base, kind: "candidate", example, output };
}

/** Keeps or drops one draw's example; called in draw order. */
function decide(ctx: CoreContext, outcome: DrawOutcome): void {
  const where = { step: "core", draw: outcome.draw, seed_ids: outcome.seedIds, call: outcome.call };
  const dropId = (reason: string) => `unnatural-drop-${contentId({ ...where, reason })}`;
  if (outcome.kind === "invalid") {
    const { reason, detail, raw, example } = outcome;
    ctx.drop({
      id: dropId(reason),
      reason,
      detail,
      ...example,
      ...where,
      ...(raw !== undefined ? { raw } : {}),
    });
    return;
  }
  const { example, output } = outcome;
  const key = dedupKey(example.instruction, example.input);
  const earlier = ctx.dedup.seen(key);
  if (earlier !== undefined) {
    const detail = `same instruction and input as ${earlier}`;
    ctx.drop({
      id: dropId("duplicate"),
      reason: "duplicate",
      detail,
      duplicate_of: earlier,
      ...example,
      ...where,
    });
    return;
  }
  const made = { ...example, output: output.text, output_call: output.call };
  const unusable =
    output.text === ""
      ? { reason: "empty-output", detail: "the output call returned no text" }
      : output.finishReason === "length"
        ? { reason: "truncated-output", detail: "the output hit the token limit (raise --max-output-tokens)" }
        : undefined;
  if (unusable) {
    // Still remembered: the same example drawn again would get the same (greedy) output.
    const dropped = dropId(unusable.reason);
    ctx.dedup.add(dropped, key);
    ctx.drop({ id: dropped, ...unusable, ...made, ...where });
    return;
  }
  const id = `unnatural-${contentId({ ...where, ...example })}`;
  ctx.dedup.add(id, key);
  ctx.counters.kept++;
  ctx.keep({
    id,
    instruction: example.instruction,
    input: example.input,
    ...(example.constraints !== "" ? { constraints: example.constraints } : {}),
    output: output.text,
    meta: {
      method: "unnatural",
      step: "core",
      seed_ids: outcome.seedIds,
      draw: outcome.draw,
      model: ctx.model.modelName,
      prompts: PROMPTS,
      calls: { generate: outcome.call, output: output.call },
    },
  });
}
