import { z } from "zod";
import {
  JsonlWriter,
  optionalString,
  readJsonlKeys,
  readRecords,
  requireString,
  sourceIdOf,
} from "../../data/index.js";
import type { InputRecord } from "../../data/input-record.js";
import { BudgetExhaustedError } from "../../engine/budget.js";
import { type PreparedCall, type RunEngine, RunInterruptedError, type Sample } from "../../engine/engine.js";
import { OrderedSink } from "../../engine/ordered-sink.js";
import { generateObjects, type StructuredResult } from "../../engine/structured.js";
import { TaskGroup } from "../../engine/task-group.js";
import type { ChatMessage, LanguageModel, Usage } from "../../llm/language-model.js";
import { canonicalJson, sha256 } from "../../util/canonical.js";
import { chatRequest } from "../shared/chat-request.js";

export interface GenerationSettings {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  seed?: number;
  /** A system message put before every instruction. */
  system?: string;
}

export interface RespondOptions {
  engine: RunEngine;
  /** The model, or several: each answers every instruction (one record per instruction, model, sample). */
  model: LanguageModel | readonly LanguageModel[];
  inputPath: string;
  outputPath: string;
  /** Field holding the instruction (dotted paths allowed). */
  field?: string;
  /** Field holding the optional input appended to the instruction. */
  inputField?: string;
  samples?: number;
  generation?: GenerationSettings;
  /** Ask for JSON matching this schema; the parsed value becomes the record's response. */
  structured?: { schema: z.ZodType; name: string };
  /** How many finished records may wait for an earlier, slower one (output stays in input order). */
  window?: number;
  /** How many (record, model) jobs may be in progress at once; default twice the models' concurrency. */
  lookahead?: number;
  /** Counters to update as the run goes (for live progress); a fresh object when omitted. */
  stats?: RespondStats;
}

export interface RespondStats {
  /** Input records read. */
  read: number;
  /** Output records written in this session. */
  written: number;
  /** Output records that were already in the output file (a resumed run). */
  alreadyWritten: number;
  /** (Input record, model) jobs whose call failed after retries (re-run to retry them). */
  failed: number;
  /** Records written with a structured-output failure recorded on them. */
  invalidStructured: number;
  /** (Input record, model) jobs finished in this session (written, failed or skipped as done). */
  finished: number;
  /** Why the loop ended early, if it did. */
  stoppedBy?: "budget" | "interrupt";
  budgetMessage?: string;
}

export function newRespondStats(): RespondStats {
  return { read: 0, written: 0, alreadyWritten: 0, failed: 0, invalidStructured: 0, finished: 0 };
}

export interface RespondRecord {
  id: string;
  instruction: string;
  input?: string;
  response: unknown;
  messages: ChatMessage[];
  model: string;
  sample: number;
  finish_reason: string;
  usage: { input_tokens: number; output_tokens: number };
  lineage: { source_id: string; source_file: string; source_line: number };
  meta: Record<string, unknown>;
  error?: string;
  raw_response?: string;
}

export async function respond(options: RespondOptions): Promise<RespondStats> {
  const { engine, inputPath, outputPath } = options;
  const models: readonly LanguageModel[] = Array.isArray(options.model) ? options.model : [options.model];
  if (models.length === 0) throw new Error("respond: no model given");
  const field = options.field ?? "instruction";
  const inputField = options.inputField ?? "input";
  const samples = options.samples ?? 1;
  const stats = options.stats ?? newRespondStats();
  // Output ids depend on the schema too: editing the schema file must not pass for finished work.
  const schemaTag = options.structured
    ? sha256(canonicalJson(z.toJSONSchema(options.structured.schema)))
    : "";

  // Records already in the output (a previous session) are not written again.
  const done = await readJsonlKeys(outputPath, (r) => (typeof r.id === "string" ? r.id : undefined));
  const writer = JsonlWriter.open(outputPath);
  if (writer.repairedBytes > 0) {
    engine.runDir.events.emit({ type: "output-repaired", file: outputPath, bytesCut: writer.repairedBytes });
  }
  const sink = new OrderedSink<RespondRecord>((record) => {
    writer.write(record);
    stats.written++;
  }, options.window ?? 1024);
  const tasks = new TaskGroup();
  const lookahead =
    options.lookahead ?? models.reduce((sum, m) => sum + engine.lane(m).settings.concurrency, 0) * 2;
  let firstError: unknown;
  const onError = (job: Job, seq: number) => (error: unknown) => {
    sink.complete(seq, []);
    if (error instanceof BudgetExhaustedError) {
      stats.stoppedBy = "budget";
      stats.budgetMessage = error.message;
    } else if (error instanceof RunInterruptedError) {
      stats.stoppedBy = "interrupt";
    } else {
      stats.failed++;
      stats.finished++;
      engine.runDir.events.emit({
        type: "record-failed",
        source_id: job.sourceId,
        model: job.model.modelName,
        file: job.record.file,
        line: job.record.line,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  try {
    for await (const record of readRecords(inputPath)) {
      if (stats.stoppedBy) break;
      stats.read++;
      // Every model answers the record; the jobs of one record run side by side, written in model order.
      for (const model of models) {
        if (stats.stoppedBy) break;
        const job = planJob(engine, record, { field, inputField, samples, schemaTag }, model, options);
        let todo = 0;
        for (const id of job.outputIds) if (!done.has(id)) todo++;
        stats.alreadyWritten += samples - todo;
        if (todo === 0) {
          stats.finished++;
          continue;
        }
        // Start a job only when a model can take it soon: jobs parked by the hundreds in a lane's
        // queue cost memory and GC time for nothing. The sink's window separately bounds reordering.
        const room = tasks.below(lookahead);
        if (room) await room;
        const seq = sink.tryReserve() ?? (await sink.reserve());
        tasks.run(
          async () => {
            const records = await runJob(engine, job, samples, options);
            let fresh = records;
            if (todo < samples) fresh = records.filter((r) => !done.has(r.id));
            for (const r of fresh) if (r.error !== undefined) stats.invalidStructured++;
            sink.complete(seq, fresh);
            stats.finished++;
          },
          onError(job, seq),
        );
      }
    }
  } catch (error) {
    // Bad input: finish what is in flight (nothing made is lost), then report the error.
    firstError = error;
  }
  await tasks.idle();
  writer.close();
  if (firstError !== undefined) throw firstError;
  return stats;
}

interface Job {
  model: LanguageModel;
  sourceId: string;
  instruction: string;
  input: string | undefined;
  call: PreparedCall;
  outputIds: string[];
  record: InputRecord;
}

function planJob(
  engine: RunEngine,
  record: InputRecord,
  shape: { field: string; inputField: string; samples: number; schemaTag: string },
  model: LanguageModel,
  options: RespondOptions,
): Job {
  const { field, inputField, samples, schemaTag } = shape;
  const instruction = requireString(record, field);
  const input = optionalString(record, inputField);
  const sourceId = sourceIdOf(record);
  const request = chatRequest(input ? `${instruction}\n\n${input}` : instruction, options.generation ?? {});
  const call = engine.prepare(model, request, samples);
  // The output id depends on the source and on the sample's cache key (model, request, sample index), so
  // a changed setting yields new records instead of being mistaken for work already done.
  const outputIds = call.keys.map((key) => sha256(`${sourceId}\u0000${key}\u0000${schemaTag}`).slice(0, 16));
  return { model, sourceId, instruction, input, call, outputIds, record };
}

async function runJob(
  engine: RunEngine,
  job: Job,
  samples: number,
  options: RespondOptions,
): Promise<RespondRecord[]> {
  const { model } = job;
  if (options.structured) {
    const results = await generateObjects(
      engine,
      model,
      { request: job.call.request, ...options.structured },
      samples,
    );
    return results.map((r, i) => structuredRecord(job, i, r));
  }
  const results = await engine.run(job.call);
  return results.map((s) => textRecord(job, s));
}

/** Builds one output record; fields in reading order (what a person scanning the JSONL wants first). */
function buildRecord(
  job: Job,
  sample: number,
  reply: { response: unknown; text: string; finishReason: string; usage: Usage },
  meta: Record<string, unknown>,
  failure?: { error: string },
): RespondRecord {
  const { model } = job;
  const record: RespondRecord = {
    id: job.outputIds[sample] as string,
    instruction: job.instruction,
    input: job.input,
    response: reply.response,
    messages: [...(job.call.request.messages ?? []), { role: "assistant", content: reply.text }],
    model: model.modelName,
    sample,
    finish_reason: reply.finishReason,
    usage: { input_tokens: reply.usage.inputTokens, output_tokens: reply.usage.outputTokens },
    lineage: { source_id: job.sourceId, source_file: job.record.file, source_line: job.record.line },
    meta: { method: "respond", model_id: model.id, ...meta },
  };
  if (failure) {
    record.error = failure.error;
    record.raw_response = reply.text;
  }
  return record;
}

function textRecord(job: Job, s: Sample): RespondRecord {
  const reply = { response: s.text, text: s.text, finishReason: s.finishReason, usage: s.usage };
  return buildRecord(job, s.sample, reply, { cached: s.cached });
}

function structuredRecord(job: Job, sample: number, r: StructuredResult<unknown>): RespondRecord {
  const reply = {
    response: r.ok ? r.value : null,
    text: r.text,
    finishReason: r.finishReason,
    usage: r.usage,
  };
  if (r.ok) return buildRecord(job, sample, reply, { structured: { mode: r.mode, repaired: r.repaired } });
  const failure = { error: `structured output: ${r.error}` };
  return buildRecord(job, sample, reply, { structured: { mode: r.mode, ok: false } }, failure);
}
