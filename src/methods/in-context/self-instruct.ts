/**
 * Self-Instruct (Wang et al., 2023). The algorithm, step by step:
 *  1. Prompt with 8 instructions from the task pool: 2 machine-made (fewer while the pool has fewer) and
 *     the rest human seeds, shuffled, as a numbered list for the model to continue.
 *  2. Parse the new tasks; drop the one cut by the token limit, those failing the heuristic filters, and
 *     those with ROUGE-L F > 0.7 against any task in the pool (seeds included). The rest join the pool.
 *  3. Ask (few-shot, yes/no) whether each new task is a classification task.
 *  4. Generate instances: input first for ordinary tasks, output (class label) first for classification.
 *  5. Filter instances (empty, input = output, unfinished, too long, one input with different outputs).
 * Steps 1-2 form the loop in bootstrap.ts; 3-5 are `finish`, run while later rounds go on.
 * `alpaca.ts` holds the Alpaca variant of steps 1-2.
 */
import type { RunEngine, Sample } from "../../engine/engine.js";
import type { Rng } from "../../engine/rng.js";
import type { ChatMessage, GenerateRequest, LanguageModel } from "../../llm/language-model.js";
import { promptTag } from "../../prompts/prompt.js";
import * as P from "../../prompts/self-instruct.js";
import type { DroppedRecord } from "../shared/record-output.js";
import type { BootstrapStrategy, KeptTask, PoolTask, PromptPlan } from "./bootstrap.js";
import {
  type DroppedInstance,
  filterInstances,
  type Instance,
  parseInputFirst,
  parseOutputFirst,
} from "./instances.js";
import { parseJsonInstances, parseJsonTasks, withSchema } from "./json-replies.js";
import type { SeedTask } from "./seed-tasks.js";
import { parseTaskList } from "./task-list.js";

export interface SamplingSettings {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
}

export interface SelfInstructSettings {
  /** Instructions shown per prompt (the paper: 8). */
  inContext: number;
  /** Of which machine-made, once the pool has them (the paper: 2). */
  machineInContext: number;
  /** Raw-prompt continuation for base models (completions endpoint) instead of a chat request. */
  completion: boolean;
  /** How replies are laid out: the paper's numbered text, or JSON under a schema (chat only). */
  replyFormat: "list" | "json";
  generation: SamplingSettings;
  /** Sampling for classification and instance calls (the paper: greedy). */
  instanceGeneration: SamplingSettings;
  /** Examples asked per task. */
  maxInstances: number;
  /** Longest instance input or output kept, in characters. */
  maxInstanceChars: number;
}

export const SELF_INSTRUCT_DEFAULTS: SelfInstructSettings = {
  inContext: 8,
  machineInContext: 2,
  completion: false,
  replyFormat: "list",
  // The paper's sampling for task generation (GPT-3 davinci): temperature 0.7, top_p 0.5, 1024 tokens.
  generation: { temperature: 0.7, topP: 0.5, maxTokens: 1024 },
  instanceGeneration: { temperature: 0, maxTokens: 400 },
  maxInstances: 5,
  maxInstanceChars: 1000,
};

/** One Self-Instruct task as written to instructions.jsonl: the seed format, plus lineage. */
export interface SelfInstructRecord {
  id: string;
  instruction: string;
  instances: Instance[];
  is_classification: boolean;
  meta: Record<string, unknown>;
}

export class SelfInstructStrategy implements BootstrapStrategy<SelfInstructRecord> {
  readonly name = "self-instruct";

  constructor(
    private readonly engine: RunEngine,
    private readonly model: LanguageModel,
    private readonly settings: SelfInstructSettings,
  ) {}

  plan(rng: Rng, seeds: readonly SeedTask[], machine: readonly PoolTask[]): PromptPlan {
    const { inContext, machineInContext } = this.settings;
    const fromMachine = rng.sample(machine, Math.min(machineInContext, machine.length));
    const fromSeeds = rng.sample(seeds, inContext - fromMachine.length);
    const shown: PoolTask[] = rng.shuffle([...fromMachine, ...fromSeeds]);
    const texts = shown.map((t) => t.instruction);
    const g = this.settings.generation;
    const sampling = { temperature: g.temperature, topP: g.topP, maxTokens: g.maxTokens };
    let request: GenerateRequest;
    if (this.settings.completion) {
      request = { prompt: P.generatePrompt(texts), stop: P.GENERATE_STOPS, ...sampling };
    } else if (this.json) {
      const content = `${P.generateMessage(texts)}\n${P.JSON_FORMAT_NOTE.generate}`;
      request = withSchema({ messages: [{ role: "user", content }], ...sampling }, "tasks");
    } else {
      request = { messages: [{ role: "user", content: P.generateMessage(texts) }], ...sampling };
    }
    return { request, shown: shown.map((t) => t.id) };
  }

  /** JSON replies apply to chat requests; a base model continues text. */
  private get json(): boolean {
    return this.settings.replyFormat === "json" && !this.settings.completion;
  }

  parse(sample: Sample) {
    // A base model continues after "9.": put the number back so the first item parses like the rest.
    const text = this.settings.completion ? `${this.settings.inContext + 1}.${sample.text}` : sample.text;
    const tasks = this.json
      ? parseJsonTasks(text, sample.finishReason)
      : parseTaskList(text, sample.finishReason);
    return tasks.map((t) => ({
      instruction: t.text,
      truncated: t.truncated,
    }));
  }

  async finish(task: KeptTask): Promise<SelfInstructRecord | DroppedRecord> {
    const classification = await this.classify(task.instruction);
    const prompt = classification.isClassification ? P.OUTPUT_FIRST : P.INPUT_FIRST;
    const outputFirst = classification.isClassification;
    let text = outputFirst
      ? P.outputFirstPrompt(task.instruction, this.settings.maxInstances)
      : P.inputFirstPrompt(task.instruction, this.settings.maxInstances);
    if (this.json)
      text += `\n\n${outputFirst ? P.JSON_FORMAT_NOTE.outputFirst : P.JSON_FORMAT_NOTE.inputFirst}`;
    const reply = await this.ask(
      text,
      this.settings.instanceGeneration,
      outputFirst ? "\nClass label:" : "\nExample 1\n",
      this.json ? (outputFirst ? "labelled" : "examples") : undefined,
    );
    const parsed = this.json
      ? parseJsonInstances(reply.text, outputFirst)
      : outputFirst
        ? parseOutputFirst(reply.text, reply.finishReason)
        : parseInputFirst(reply.text, reply.finishReason);
    const { kept, dropped } = filterInstances(parsed.instances.slice(0, this.settings.maxInstances), {
      maxChars: this.settings.maxInstanceChars,
    });
    const droppedInstances: DroppedInstance[] = parsed.truncated
      ? [...dropped, { ...parsed.truncated, reason: "truncated" }]
      : dropped;
    const meta = {
      method: "self-instruct",
      round: task.round,
      prompt: task.prompt,
      position: task.position,
      shown: task.shown,
      model: this.model.modelName,
      prompts: [P.GENERATE, P.CLASSIFY, prompt].map(promptTag),
      calls: { generate: task.call, classify: classification.call, instances: reply.call },
      rouge: task.rouge,
      classification_answer: classification.answer,
      ...(droppedInstances.length > 0 ? { dropped_instances: droppedInstances } : {}),
    };
    if (kept.length === 0) {
      return {
        id: task.id,
        reason: "no-valid-instances",
        detail:
          droppedInstances.length === 0
            ? "no examples in the reply"
            : `all ${droppedInstances.length} examples dropped`,
        instruction: task.instruction,
        is_classification: classification.isClassification,
        raw_instances: reply.text,
        meta,
      };
    }
    return {
      id: task.id,
      instruction: task.instruction,
      instances: kept,
      is_classification: classification.isClassification,
      meta,
    };
  }

  private async classify(instruction: string) {
    const reply = await this.ask(P.classifyPrompt(instruction), {
      ...this.settings.instanceGeneration,
      maxTokens: 8,
    });
    const answer = reply.text.trim();
    // The first yes or no word decides; anything else counts as "not classification", as in the paper's parsing.
    const word = /\b(yes|no)\b/iu.exec(answer)?.[1]?.toLowerCase();
    return { isClassification: word === "yes", answer, call: reply.call };
  }

  /**
   * One greedy call. In completion mode the prompt ends with `cue` (the start of the expected answer)
   * for the base model to continue, and the cue is put back in front of the reply for parsing.
   */
  private async ask(text: string, sampling: SamplingSettings, cue = "", schema?: "examples" | "labelled") {
    const completion = this.settings.completion;
    let request: GenerateRequest = completion
      ? { prompt: text + cue, ...sampling }
      : { messages: [{ role: "user", content: text } satisfies ChatMessage], ...sampling };
    if (schema) request = withSchema(request, schema);
    const call = this.engine.prepare(this.model, request);
    const [sample] = await this.engine.run(call);
    const reply = sample?.text ?? "";
    return {
      text: completion ? cue + reply : reply,
      finishReason: sample?.finishReason ?? "other",
      call: call.keys[0] as string,
    };
  }
}
