/**
 * Selective Reflection-Tuning (Li et al., 2024). For each (instruction, answer) pair:
 *
 *   1. the teacher reflects on the instruction (critique first) and writes a better instruction and an
 *      answer to it; the student keeps the pair with the higher IFD (among pairs with IFD < 1);
 *   2. the teacher reflects on the kept pair's answer and rewrites it; the student keeps the answer with
 *      the lower r-IFD.
 *
 * Both versions, the critiques and every score are written with the choice, so the decision can be
 * audited. Teacher calls go through the engine with a JSON schema; the student only scores.
 */

import { join } from "node:path";
import { z } from "zod";
import { readRecords, sourceIdOf } from "../../data/index.js";
import type { InputRecord } from "../../data/input-record.js";
import type { RunEngine } from "../../engine/engine.js";
import { generateObject, type StructuredResult } from "../../engine/structured.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { promptTag } from "../../prompts/prompt.js";
import {
  REFLECT_INSTRUCTION,
  REFLECT_RESPONSE,
  REVERSE_INSTRUCTION,
  reflectInstructionPrompt,
  reflectResponsePrompt,
} from "../../prompts/reflection.js";
import { canonicalJson, sha256 } from "../../util/canonical.js";
import { type ReplySchema, replySchema } from "../backtranslation/document-call.js";
import type { GenerationSettings } from "../responses/respond.js";
import { chatRequest } from "../shared/chat-request.js";
import { pinRecipe } from "../shared/recipe.js";
import { runRecordLoop } from "../shared/record-loop.js";
import { DropLog, type DroppedRecord, RecordOutput } from "../shared/record-output.js";
import { allOrFirstError } from "../shared/settle-all.js";
import type { StopReason } from "../shared/stop-reason.js";
import { assertCanScore, type IfdScores, isUnscorable, type ScoringTemplate, scoreIfd } from "./ifd.js";
import { chooseInstruction, chooseResponse, type Version } from "./reflection-choice.js";
import { DEFAULT_PAIR_FIELDS, type PairFields, readSftPair } from "./sft-pair.js";

const STAGE1 = z.object({ critique: z.string(), instruction: z.string().min(1), answer: z.string().min(1) });
type Stage1 = z.infer<typeof STAGE1>;
const INSTRUCTION_REPLY = replySchema("instruction_reflection", STAGE1);
const RESPONSE_REPLY = replySchema(
  "response_reflection",
  z.object({ critique: z.string(), answer: z.string().min(1) }),
);

export interface ReflectOptions {
  engine: RunEngine;
  teacher: LanguageModel;
  student: LanguageModel;
  inputPath: string;
  outDir: string;
  /** How the student sees a pair when scoring (see ifd.ts). */
  template: ScoringTemplate;
  system?: string;
  fields?: PairFields;
  teacherGeneration?: GenerationSettings;
  stats?: ReflectStats;
}

export interface ReflectStats {
  read: number;
  written: number;
  alreadyWritten: number;
  /** How often each version won, per stage. */
  instructionChoice: Record<Version, number>;
  responseChoice: Record<Version, number>;
  dropped: Record<string, number>;
  stop?: StopReason;
}

export function newReflectStats(): ReflectStats {
  return {
    read: 0,
    written: 0,
    alreadyWritten: 0,
    instructionChoice: { original: 0, reflected: 0 },
    responseChoice: { original: 0, reflected: 0 },
    dropped: {},
  };
}

type Scored = { instruction: string; output: string; ifd: number; r_ifd: number };

export interface ReflectRecord {
  id: string;
  source_id: string;
  /** The chosen pair. */
  instruction: string;
  output: string;
  ifd: number;
  r_ifd: number;
  choice: { instruction: Version; response: Version; instruction_reason: string; response_reason: string };
  original: Scored;
  reflected_instruction: Scored & { critique: string };
  /** The teacher's rewrite of the answer of the pair kept at stage 1. */
  reflected_response: Omit<Scored, "instruction"> & { critique: string };
  meta: Record<string, unknown>;
}

type Outcome = { kept: ReflectRecord } | { dropped: DroppedRecord };

export async function reflect(options: ReflectOptions): Promise<ReflectStats> {
  const { engine, teacher, student, template } = options;
  const fields = options.fields ?? DEFAULT_PAIR_FIELDS;
  const stats = options.stats ?? newReflectStats();
  assertCanScore(student, template);
  const generation = options.teacherGeneration ?? {};
  pinRecipe(engine.runDir, "reflect", {
    teacher: teacher.id,
    student: student.id,
    template,
    system: options.system,
    fields,
    generation,
  });

  const events = engine.runDir.events;
  const kept = await RecordOutput.open<ReflectRecord>(join(options.outDir, "reflected.jsonl"), events);
  const drops = await DropLog.open(join(options.outDir, "dropped.jsonl"), events);
  try {
    stats.stop = await runRecordLoop<Job, Outcome>({
      records: readRecords(options.inputPath),
      lookahead: engine.lane(teacher).settings.concurrency * 2,
      plan: (record) => {
        stats.read++;
        const job = planJob(record, fields, options);
        if (!kept.has(job.id) && !drops.has(job.id)) return job;
        stats.alreadyWritten++;
        return undefined;
      },
      run: async (job) => [await reflectPair(job, options)],
      write: (outcome) => {
        if ("dropped" in outcome) {
          drops.drop(outcome.dropped);
          return;
        }
        const { choice } = outcome.kept;
        if (!kept.write(outcome.kept)) return;
        stats.written++;
        stats.instructionChoice[choice.instruction]++;
        stats.responseChoice[choice.response]++;
      },
    });
  } finally {
    kept.close();
    drops.close();
    stats.dropped = { ...drops.byReason };
  }
  return stats;
}

interface Job {
  id: string;
  sourceId: string;
  instruction: string;
  answer: string;
  system: string | undefined;
}

function planJob(record: InputRecord, fields: PairFields, options: ReflectOptions): Job {
  const pair = readSftPair(record, fields);
  const sourceId = sourceIdOf(record);
  const system = pair.system ?? options.system;
  const id = sha256(
    canonicalJson({
      teacher: options.teacher.id,
      student: options.student.id,
      template: options.template,
      generation: options.teacherGeneration ?? {},
      system,
      sourceId,
      ...pair,
    }),
  ).slice(0, 16);
  return { id, sourceId, instruction: pair.instruction, answer: pair.answer, system };
}

async function reflectPair(job: Job, options: ReflectOptions): Promise<Outcome> {
  const drop = (reason: string, detail: string, extra: Record<string, unknown> = {}): Outcome => ({
    dropped: { id: job.id, source_id: job.sourceId, reason, detail, instruction: job.instruction, ...extra },
  });
  const score = (instruction: string, output: string) => scorePair(options, job, instruction, output);
  try {
    // Stage 1: the instruction.
    const [original, stage1] = await allOrFirstError<[Scored, StructuredResult<Stage1>]>([
      score(job.instruction, job.answer),
      ask(options, reflectInstructionPrompt(job.instruction, job.answer), INSTRUCTION_REPLY),
    ]);
    if (!stage1.ok) return drop("teacher-invalid", stage1.error, { stage: "instruction", raw: stage1.text });
    const reflected = await score(stage1.value.instruction, stage1.value.answer);
    const first = chooseInstruction(original, reflected);
    if (first.keep === undefined)
      return drop("no-helpful-instruction", first.reason, { original, reflected });
    const base = first.keep === "original" ? original : reflected;

    // Stage 2: the answer of the kept pair.
    const stage2 = await ask(options, reflectResponsePrompt(base.instruction, base.output), RESPONSE_REPLY);
    if (!stage2.ok) return drop("teacher-invalid", stage2.error, { stage: "response", raw: stage2.text });
    const rewritten = await score(base.instruction, stage2.value.answer);
    const second = chooseResponse(base, rewritten);
    // IFD(base) < 1 after stage 1, so the response stage always has a valid version to keep.
    const final = second.keep === "reflected" ? rewritten : base;
    return {
      kept: {
        id: job.id,
        source_id: job.sourceId,
        instruction: final.instruction,
        output: final.output,
        ifd: final.ifd,
        r_ifd: final.r_ifd,
        choice: {
          instruction: first.keep,
          response: second.keep ?? "original",
          instruction_reason: first.reason,
          response_reason: second.reason,
        },
        original,
        reflected_instruction: { ...reflected, critique: stage1.value.critique },
        reflected_response: {
          output: rewritten.output,
          ifd: rewritten.ifd,
          r_ifd: rewritten.r_ifd,
          critique: stage2.value.critique,
        },
        meta: {
          method: "reflect",
          teacher: options.teacher.modelName,
          student: options.student.modelName,
          template: options.template,
          prompts: [REFLECT_INSTRUCTION, REFLECT_RESPONSE, REVERSE_INSTRUCTION].map(promptTag),
        },
      },
    };
  } catch (error) {
    if (!isUnscorable(error)) throw error;
    return drop("unscorable", error instanceof Error ? error.message : String(error));
  }
}

async function scorePair(
  options: ReflectOptions,
  job: Job,
  instruction: string,
  output: string,
): Promise<Scored> {
  const scorer = { engine: options.engine, model: options.student, template: options.template };
  const scores: IfdScores = await scoreIfd(scorer, { instruction, answer: output, system: job.system });
  return { instruction, output, ifd: scores.ifd, r_ifd: scores.r_ifd };
}

function ask<T>(options: ReflectOptions, prompt: string, reply: ReplySchema<T>) {
  const request = chatRequest(prompt, options.teacherGeneration ?? {});
  return generateObject(options.engine, options.teacher, {
    request,
    schema: reply.schema,
    name: reply.json.name,
  });
}
