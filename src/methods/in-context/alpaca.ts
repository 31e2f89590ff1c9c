/**
 * The Alpaca variant of Self-Instruct (Taori et al., 2023): each request shows 3 complete seed tasks and
 * asks for a batch of 20 new (instruction, input, output) triples at once; the same filters decide which
 * join the pool (heuristics, then ROUGE-L > 0.7 against every instruction so far, seeds included). There
 * is no classification or instance step: the model writes the output with the instruction.
 */
import type { Sample } from "../../engine/engine.js";
import type { Rng } from "../../engine/rng.js";
import type { GenerateRequest, LanguageModel } from "../../llm/language-model.js";
import {
  ALPACA_GENERATE,
  type AlpacaExample,
  alpacaMessage,
  alpacaPrompt,
  alpacaStops,
  NO_INPUT,
} from "../../prompts/alpaca.js";
import { promptTag } from "../../prompts/prompt.js";
import type { DroppedRecord } from "../shared/record-output.js";
import type { BootstrapStrategy, Candidate, KeptTask, PromptPlan } from "./bootstrap.js";
import type { SeedTask } from "./seed-tasks.js";
import type { SamplingSettings } from "./self-instruct.js";

export interface AlpacaSettings {
  /** Seed tasks shown per request (Alpaca: 3). */
  inContext: number;
  /** New tasks asked per request (Alpaca: 20). */
  perRequest: number;
  completion: boolean;
  generation: SamplingSettings;
}

export const ALPACA_DEFAULTS: AlpacaSettings = {
  inContext: 3,
  perRequest: 20,
  completion: false,
  // Alpaca's sampling (text-davinci-003): temperature 1.0, top_p 1.0, up to 3072 tokens.
  generation: { temperature: 1, topP: 1, maxTokens: 3072 },
};

export interface AlpacaRecord {
  id: string;
  instruction: string;
  input: string;
  output: string;
  meta: Record<string, unknown>;
}

export class AlpacaStrategy implements BootstrapStrategy<AlpacaRecord> {
  readonly name = "alpaca";

  constructor(
    private readonly model: LanguageModel,
    private readonly settings: AlpacaSettings,
  ) {}

  plan(rng: Rng, seeds: readonly SeedTask[]): PromptPlan {
    // Alpaca shows human seeds only; the machine pool serves the ROUGE-L filter alone.
    const shown = rng.sample(seeds, this.settings.inContext);
    const examples = shown.map(asExample);
    const { perRequest, generation: g } = this.settings;
    const sampling = { temperature: g.temperature, topP: g.topP, maxTokens: g.maxTokens };
    const request: GenerateRequest = this.settings.completion
      ? {
          prompt: alpacaPrompt(examples, perRequest),
          stop: alpacaStops(examples.length + perRequest),
          ...sampling,
        }
      : { messages: [{ role: "user", content: alpacaMessage(examples, perRequest) }], ...sampling };
    return { request, shown: shown.map((s) => s.id) };
  }

  parse(sample: Sample): Candidate[] {
    const first = this.settings.inContext + 1;
    const text = this.settings.completion ? `${first}. Instruction:${sample.text}` : sample.text;
    return parseTriples(text, sample.finishReason === "length");
  }

  async finish(task: KeptTask): Promise<AlpacaRecord | DroppedRecord> {
    const meta = {
      method: "alpaca",
      round: task.round,
      prompt: task.prompt,
      position: task.position,
      shown: task.shown,
      model: this.model.modelName,
      prompts: [promptTag(ALPACA_GENERATE)],
      calls: { generate: task.call },
      rouge: task.rouge,
    };
    const output = task.output ?? "";
    if (output === "") {
      return {
        id: task.id,
        reason: "empty-output",
        detail: "the task came without an output",
        instruction: task.instruction,
        input: task.input ?? "",
        meta,
      };
    }
    return { id: task.id, instruction: task.instruction, input: task.input ?? "", output, meta };
  }
}

/** Seeds as complete examples; `readSeedTasks` callers check that every seed has one instance. */
function asExample(seed: SeedTask): AlpacaExample {
  const instance = seed.instances[0];
  return { instruction: seed.instruction, input: instance?.input ?? "", output: instance?.output ?? "" };
}

const TASK_START = /^\s*(?:###\s*)?(\d{1,3})\s*[.)]\s*instruction\s*[:：]/imu;
const FIELD = /^\s*(?:\d{1,3}\s*[.)]\s*)?(instruction|input|output)\s*[:：]\s?/imu;

/**
 * Splits a reply into tasks at each "N. Instruction:" (or "###"), then each task into its fields. The
 * output runs to the end of the task, so multi-line outputs (code, lists) survive.
 */
export function parseTriples(reply: string, truncated: boolean): Candidate[] {
  const starts: number[] = [];
  const pattern = new RegExp(TASK_START.source, "gimu");
  for (let m = pattern.exec(reply); m; m = pattern.exec(reply)) starts.push(m.index);
  const out: Candidate[] = [];
  for (let i = 0; i < starts.length; i++) {
    // A "###" line ends the task; what follows it before the next task is chatter.
    const block = reply.slice(starts[i], starts[i + 1] ?? reply.length).replace(/\n\s*###[\s\S]*$/u, "");
    const fields = splitFields(block);
    const input = (fields.input ?? "").trim();
    out.push({
      instruction: (fields.instruction ?? "").replace(/\s+/gu, " ").trim(),
      input: isNoInput(input) ? "" : input,
      output: (fields.output ?? "").trim(),
      truncated: truncated && i === starts.length - 1,
    });
  }
  return out;
}

function splitFields(block: string): Partial<Record<"instruction" | "input" | "output", string>> {
  const fields: Partial<Record<"instruction" | "input" | "output", string>> = {};
  const pattern = new RegExp(FIELD.source, "gimu");
  const marks: Array<{ name: "instruction" | "input" | "output"; start: number; end: number }> = [];
  for (let m = pattern.exec(block); m; m = pattern.exec(block)) {
    marks.push({
      name: (m[1] as string).toLowerCase() as "instruction",
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  for (let i = 0; i < marks.length; i++) {
    const mark = marks[i]!;
    if (mark.name === "output") {
      // The output runs to the end of the task: it may itself contain "Input:" or "Output:" lines.
      fields.output = block.slice(mark.end);
      break;
    }
    fields[mark.name] ??= block.slice(mark.end, marks[i + 1]?.start ?? block.length);
  }
  return fields;
}

function isNoInput(input: string): boolean {
  return input === "" || /^(?:<\s*no\s*input\s*>|no input|none|n\/a|-)$/iu.test(input) || input === NO_INPUT;
}
