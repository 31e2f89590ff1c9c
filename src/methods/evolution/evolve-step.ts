/**
 * One evolution, as both Evol-Instruct and Auto Evol-Instruct use it: rewrite an instruction with an
 * operation, answer the result, and apply the elimination rules (instruction rules first, so a leaked
 * template costs no response; then the response rules; then the model's information-gain judgement).
 */
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { cleanEvolved, EVOL_BREADTH, EVOL_DEPTH, evolvePrompt } from "../../prompts/evol.js";
import { EVOL_GAIN } from "../../prompts/evol-judge.js";
import { promptTag } from "../../prompts/prompt.js";
import type { GenerationSettings } from "../responses/respond.js";
import { chatRequest } from "../shared/chat-request.js";
import type { Draws } from "../shared/draws.js";
import {
  type Elimination,
  type GainVerdict,
  instructionFailure,
  judgeGain,
  responseFailure,
} from "./elimination.js";
import type { EvolOperation } from "./operations.js";

export interface EvolveSettings {
  /** Sampling of the rewrite (the paper: temperature 1 for evolution). */
  evolution: GenerationSettings;
  /** Sampling of the response used by the elimination rules. */
  response: GenerationSettings;
  /** Skip the model's information-gain judgement (saves a call per evolution). */
  skipGainJudge?: boolean;
}

export interface Evolution {
  operation: string;
  kind: EvolOperation["kind"];
  /** The evolved instruction (empty when the reply held none). */
  instruction: string;
  response?: string;
  elimination?: Elimination;
  gain?: GainVerdict;
  prompts: string[];
  calls: { evolve: string; respond?: string; gain?: string };
}

export async function evolveOnce(
  engine: RunEngine,
  model: LanguageModel,
  draws: Draws,
  operation: EvolOperation,
  parent: string,
  settings: EvolveSettings,
  /** Answers the evolved instruction; default: the same model. */
  responder: LanguageModel = model,
): Promise<Evolution> {
  const prompt = operation.kind === "breadth" ? EVOL_BREADTH : EVOL_DEPTH;
  // A draw: the same parent and operation twice (a failed instruction retried next round) must sample anew.
  const evolveCall = draws.prepare(model, chatRequest(evolvePrompt(operation, parent), settings.evolution));
  const [reply] = await engine.run(evolveCall);
  const instruction = cleanEvolved(reply?.text ?? "");
  const evolution: Evolution = {
    operation: operation.id,
    kind: operation.kind,
    instruction,
    prompts: [promptTag(prompt)],
    calls: { evolve: evolveCall.keys[0] as string },
  };
  const early = instructionFailure(instruction);
  if (early) return { ...evolution, elimination: early };

  const respondCall = engine.prepare(responder, chatRequest(instruction, settings.response));
  const [answer] = await engine.run(respondCall);
  evolution.response = answer?.text ?? "";
  evolution.calls.respond = respondCall.keys[0] as string;
  const failure = responseFailure(evolution.response);
  if (failure) return { ...evolution, elimination: failure };

  // In-breadth writes a new instruction on purpose: "no gain over the parent" does not apply to it.
  if (settings.skipGainJudge || operation.kind === "breadth") return evolution;
  const gain = await judgeGain(engine, model, parent, instruction);
  evolution.gain = gain;
  evolution.calls.gain = gain.call;
  evolution.prompts.push(promptTag(EVOL_GAIN));
  if (gain.equal) {
    evolution.elimination = {
      rule: "no-information-gain",
      detail: gain.reason || "judged equal to its parent",
    };
  }
  return evolution;
}
