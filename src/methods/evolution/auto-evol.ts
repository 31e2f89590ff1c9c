/**
 * Auto Evol-Instruct (Zeng et al., 2024, "Automatic Instruction Evolving for Large Language Models").
 * The evolving method itself is optimized: a method is a text telling the evol model how to rewrite an
 * instruction into a harder one (the directive of one in-depth operation), and the optimizer model
 * improves it. The algorithm:
 *  0. Split the instructions (seeded) into a development set of D and a training part; start from a
 *     general, domain-free method and evaluate it on the development set: its failure rate is the share
 *     of evolutions the elimination rules of Evol-Instruct reject (elimination.ts).
 *  1. For each of S steps (auto-evol-step.ts): evolve a mini-batch of B training instructions with the
 *     current method; the optimizer analyses these trajectories for problems and proposes K improved
 *     methods; each is evaluated on the development set; the one with the lowest failure rate replaces
 *     the current method if it is no worse.
 * Output, in `outDir`: method.json (the final method as an operations file for `selfalign evol
 * --operations`), history.jsonl, analyses.jsonl, trajectories.jsonl (see auto-evol-records.ts).
 *
 * Every step depends on the ones before, so a failed call, the budget or Ctrl-C stops the run after the
 * calls in flight; a re-run recomputes the finished steps from the cache and goes on.
 */
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { ANALYSE, IMPROVE, INITIAL_METHOD, initialMethod } from "../../prompts/auto-evol.js";
import { EVOL_DEPTH } from "../../prompts/evol.js";
import { EVOL_GAIN } from "../../prompts/evol-judge.js";
import { promptTag } from "../../prompts/prompt.js";
import { canonicalJson, sha256 } from "../../util/canonical.js";
import type { SeedTask } from "../in-context/seed-tasks.js";
import type { GenerationSettings } from "../responses/respond.js";
import { Draws } from "../shared/draws.js";
import { pinRecipe } from "../shared/recipe.js";
import { withDefaults } from "../shared/settings.js";
import type { StopReason } from "../shared/stop-reason.js";
import { AutoEvolOutputs } from "./auto-evol-records.js";
import {
  type EvaluatedMethod,
  evaluateInitial,
  type Item,
  optimizationStep,
  type StepStats,
} from "./auto-evol-step.js";

export interface AutoEvolSettings {
  /** Training instructions evolved per step to show the optimizer (the paper's code: 10). */
  batch: number;
  /** Instructions held out to measure failure rates (the paper's code: 10 per step). */
  dev: number;
  /** Improved methods the optimizer proposes per step (the paper's code: 10). */
  candidates: number;
  /** Sampling of the evolution calls. */
  evolution: GenerationSettings;
  /** Sampling of the answers the elimination rules look at (greedy: the method is on trial, not luck). */
  response: GenerationSettings;
  /** Sampling of the optimizer's analysis (greedy). */
  analysis: GenerationSettings;
  /** Sampling of the optimizer's proposals (sampled: K of them must differ). */
  improvement: GenerationSettings;
  /** Apply the model-judged "no information gain" rule (one more call per evolution). */
  gainJudge: boolean;
  /** The method to start from; default: the built-in general method (prompts/auto-evol.ts). */
  initialMethod?: string;
}

export const AUTO_EVOL_DEFAULTS: AutoEvolSettings = {
  batch: 8,
  dev: 20,
  candidates: 3,
  // Evol-Instruct's sampling for the rewrites (as `selfalign evol`); greedy answers for the rules.
  evolution: { temperature: 1, topP: 0.95, maxTokens: 2048 },
  response: { temperature: 0, maxTokens: 2048 },
  analysis: { temperature: 0, maxTokens: 2048 },
  improvement: { temperature: 1, maxTokens: 2048 },
  gainJudge: true,
};

export interface AutoEvolOptions extends Partial<AutoEvolSettings> {
  engine: RunEngine;
  /** The evol model: rewrites the instructions, answers them and judges the information gain. */
  model: LanguageModel;
  /** Analyses and improves the method; must be added to the engine too. Default: `model`. */
  optimizerModel?: LanguageModel;
  instructions: readonly SeedTask[];
  /** Optimization steps. A re-run with more steps continues a finished run. */
  steps: number;
  /** Directory of the output files (must exist). */
  outDir: string;
  /** Evolutions in progress at once; default twice the evol model's concurrency. */
  lookahead?: number;
  /** Counters updated as the run goes (live progress); a fresh object when omitted. */
  stats?: AutoEvolStats;
}

export interface AutoEvolStats {
  instructions: number;
  train: number;
  dev: number;
  steps: number;
  completedSteps: number;
  /** The initial method's failure rate on the development set (once evaluated). */
  initialDevFailureRate?: number;
  /** The method after the last completed step. */
  method?: { id: string; devFailureRate: number; text: string };
  perStep: StepStats[];
  /** Evolutions started (answered from the cache or not). */
  evolutions: number;
  written: { trajectories: number; analyses: number; history: number };
  alreadyWritten: { trajectories: number; analyses: number; history: number };
  stoppedBy?: StopReason;
}

export function newAutoEvolStats(): AutoEvolStats {
  return {
    instructions: 0,
    train: 0,
    dev: 0,
    steps: 0,
    completedSteps: 0,
    perStep: [],
    evolutions: 0,
    written: { trajectories: 0, analyses: 0, history: 0 },
    alreadyWritten: { trajectories: 0, analyses: 0, history: 0 },
  };
}

/** The text an instruction is evolved from: the instruction, and its (first) input when it has one. */
export function evolvableText(task: SeedTask): string {
  const input = task.instances[0]?.input.trim() ?? "";
  return input === "" ? task.instruction : `${task.instruction}\n\n${input}`;
}

export async function autoEvol(options: AutoEvolOptions): Promise<AutoEvolStats> {
  const { engine, model, steps } = options;
  const optimizer = options.optimizerModel ?? model;
  const settings = resolveSettings(options);
  checkCounts(options.instructions.length, steps, settings);
  const items: Item[] = options.instructions.map((t) => ({ id: t.id, text: evolvableText(t) }));
  const builtIn = settings.initialMethod === undefined;
  const initial = settings.initialMethod ?? initialMethod();
  // Everything that decides what the steps make; the step count only says how far to go.
  pinRecipe(engine.runDir, "auto-evol", {
    ...settings,
    initialMethod: initial,
    instructions: sha256(canonicalJson(items)),
    prompts: [INITIAL_METHOD, ANALYSE, IMPROVE, EVOL_DEPTH, EVOL_GAIN].map(promptTag),
    rngSeed: engine.rng.seed,
    model: model.id,
    optimizerModel: optimizer.id,
  });

  const order = engine.rng.fork("auto-evol/split").shuffle(items);
  const dev = order.slice(0, settings.dev);
  const train = order.slice(settings.dev);
  const stats = options.stats ?? newAutoEvolStats();
  Object.assign(stats, { instructions: items.length, train: train.length, dev: dev.length, steps });
  const outputs = await AutoEvolOutputs.open(options.outDir, engine.runDir.events);
  const draws = new Draws(engine);
  const ctx = {
    evolve: {
      engine,
      model,
      draws,
      settings: {
        evolution: settings.evolution,
        response: settings.response,
        skipGainJudge: !settings.gainJudge,
      },
      lookahead: options.lookahead ?? 2 * engine.lane(model).settings.concurrency,
      onStart: () => {
        stats.evolutions++;
      },
    },
    optimizer: { engine, model: optimizer, draws },
    outputs,
    dev,
    candidates: settings.candidates,
    analysis: settings.analysis,
    improvement: settings.improvement,
    initialTags: builtIn ? [promptTag(INITIAL_METHOD)] : [],
    modelName: model.modelName,
    optimizerName: optimizer.modelName,
  };
  const keep = (method: EvaluatedMethod) => {
    stats.method = { id: method.id, devFailureRate: method.failures / dev.length, text: method.text };
    outputs.writeMethod(method.id, method.text);
  };
  try {
    const start = await evaluateInitial(ctx, initial);
    if (!start.ok) {
      stats.stoppedBy = start.stop;
      return stats;
    }
    let current = start.method;
    stats.initialDevFailureRate = current.failures / dev.length;
    keep(current);
    for (let step = 1; step <= steps; step++) {
      const batch = engine.rng.fork(`auto-evol/batch/${step}`).sample(train, settings.batch);
      const result = await optimizationStep(ctx, step, current, batch);
      sync(stats, outputs);
      if (!result.ok) {
        stats.stoppedBy = result.stop;
        break;
      }
      stats.perStep.push(result.stats);
      stats.completedSteps = step;
      current = result.method;
      keep(current);
    }
  } finally {
    sync(stats, outputs);
    outputs.close();
  }
  return stats;
}

function resolveSettings(options: Partial<AutoEvolSettings>): AutoEvolSettings {
  const D = AUTO_EVOL_DEFAULTS;
  const merged = (key: "evolution" | "response" | "analysis" | "improvement"): GenerationSettings =>
    withDefaults(D[key], options[key]);
  const initial = options.initialMethod?.trim();
  return {
    batch: options.batch ?? D.batch,
    dev: options.dev ?? D.dev,
    candidates: options.candidates ?? D.candidates,
    evolution: merged("evolution"),
    response: merged("response"),
    analysis: merged("analysis"),
    improvement: merged("improvement"),
    gainJudge: options.gainJudge ?? D.gainJudge,
    ...(initial ? { initialMethod: initial } : {}),
  };
}

/** Refuses counts that cannot work, before any call. */
export function checkCounts(
  instructions: number,
  steps: number,
  s: Pick<AutoEvolSettings, "batch" | "dev" | "candidates">,
): void {
  for (const [name, value] of Object.entries({
    steps,
    batch: s.batch,
    dev: s.dev,
    candidates: s.candidates,
  })) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  if (instructions <= s.dev) {
    throw new Error(
      `${instructions} instructions leave none for training after a development set of ${s.dev}: give more, or a smaller dev set`,
    );
  }
}

function sync(stats: AutoEvolStats, outputs: AutoEvolOutputs): void {
  for (const name of ["trajectories", "analyses", "history"] as const) {
    stats.written[name] = outputs[name].written;
    stats.alreadyWritten[name] = outputs[name].alreadyThere;
  }
}
