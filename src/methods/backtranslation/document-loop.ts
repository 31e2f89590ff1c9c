/**
 * The loop shared by the document-level backtranslation methods (LongForm, DoG-style wrapping): stream
 * the corpus as documents, plan one job per document in corpus order, run the jobs concurrently (at
 * most `lookahead` at a time) and write their outcomes in corpus order, kept records to
 * instructions.jsonl and drops (ingestion's included) to dropped.jsonl.
 *
 * Documents are independent, so a call that fails for good costs only its document: the failure is
 * logged (events.jsonl, the summary) and the loop goes on; the run ends "partial" (exit code 2) and a
 * re-run retries exactly the failed documents, since everything else comes from the cache or is
 * already in the files. The budget and Ctrl-C stop the loop after the calls in flight.
 */
import { join } from "node:path";
import {
  type CorpusOptions,
  type CorpusReport,
  newCorpusReport,
  type Passage,
  type PassageDropReason,
  readCorpus,
} from "../../data/corpus/index.js";
import type { RunEngine } from "../../engine/engine.js";
import { OrderedSink } from "../../engine/ordered-sink.js";
import { TaskGroup } from "../../engine/task-group.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { contentId } from "../../util/canonical.js";
import type { GenerationSettings } from "../responses/respond.js";
import { DropLog, type DroppedRecord, type IdentifiedRecord, RecordOutput } from "../shared/record-output.js";
import { type StopReason, stopReasonOf } from "../shared/stop-reason.js";

/** What became of one document. */
export type DocumentOutcome<R> = { kept: R } | { dropped: DroppedRecord };

/** The work for one document: its record id (known before any call) and how to make the record. */
export interface DocumentJob<R> {
  /** Id of the record it makes, kept or dropped; a kept one already in the output is not made again. */
  id: string;
  run(): Promise<DocumentOutcome<R>>;
}

/** Corpus options a document method may set; the unit is always "document". */
export type DocumentCorpusOptions = Omit<CorpusOptions, "unit" | "onDrop">;

export interface DocumentFailure {
  passage_id: string;
  file: string;
  line: number;
  error: string;
}

export interface DocumentStats {
  /** Documents (or parts of over-long documents) read from the corpus and not dropped by ingestion. */
  read: number;
  /** Documents decided or failed in this session, the ones already written included. */
  finished: number;
  /** Kept records: written in this session or already in the output. */
  kept: number;
  written: number;
  alreadyWritten: number;
  /** Drops by reason, ingestion's included (this session's decisions, resumed or not). */
  dropped: Record<string, number>;
  /** Documents whose call failed after the engine's retries (re-run to retry them). */
  failed: number;
  /** The first few failures; all of them are in events.jsonl ("document-failed"). */
  failures: DocumentFailure[];
  /** The corpus report (files, documents, skipped files, languages). */
  ingest: CorpusReport;
  stoppedBy?: StopReason;
}

export function newDocumentStats(): DocumentStats {
  return {
    read: 0,
    finished: 0,
    kept: 0,
    written: 0,
    alreadyWritten: 0,
    dropped: {},
    failed: 0,
    failures: [],
    ingest: newCorpusReport(),
  };
}

/** What every document-level method takes besides its own settings. */
export interface DocumentMethodOptions {
  engine: RunEngine;
  model: LanguageModel;
  /** A file or directory of documents (see docs/corpus.md). */
  corpus: string;
  corpusOptions?: DocumentCorpusOptions;
  /** Directory for instructions.jsonl and dropped.jsonl (must exist). */
  outDir: string;
  generation?: GenerationSettings;
  /** Documents in progress at once; default twice the model's concurrency. */
  lookahead?: number;
  /** How many finished documents may wait for an earlier, slower one; default 1024. */
  window?: number;
}

export interface DocumentLoopOptions<R extends IdentifiedRecord> extends DocumentMethodOptions {
  /** Plans one document's job; called for every document, in corpus order (so seeded draws repeat). */
  plan(passage: Passage): DocumentJob<R>;
  stats: DocumentStats;
}

const MAX_LISTED_FAILURES = 10;

export async function runDocumentLoop<R extends IdentifiedRecord>(
  options: DocumentLoopOptions<R>,
): Promise<DocumentStats> {
  const { engine, stats } = options;
  const events = engine.runDir.events;
  const output = await RecordOutput.open<R>(join(options.outDir, "instructions.jsonl"), events);
  const drops = await DropLog.open(join(options.outDir, "dropped.jsonl"), events);
  stats.dropped = drops.byReason;
  const sink = new OrderedSink<DocumentOutcome<R>>((outcome) => {
    if ("dropped" in outcome) {
      drops.drop(outcome.dropped);
      return;
    }
    if (output.write(outcome.kept)) stats.written++;
    else stats.alreadyWritten++;
    stats.kept++;
  }, options.window ?? 1024);

  // Ingestion's drops take their place in the order of the files, between the documents around them.
  const ingestDrops: DroppedRecord[] = [];
  const flushIngestDrops = async () => {
    for (const dropped of ingestDrops.splice(0)) {
      const seq = sink.tryReserve() ?? (await sink.reserve());
      sink.complete(seq, [{ dropped }]);
    }
  };
  const corpusOptions: CorpusOptions = {
    ...options.corpusOptions,
    unit: "document",
    onDrop: (passage, reason, detail) => ingestDrops.push(ingestDrop(passage, reason, detail)),
  };

  const tasks = new TaskGroup();
  const lookahead = options.lookahead ?? 2 * engine.lane(options.model).settings.concurrency;
  let fatal: { error: unknown } | undefined;
  const onError = (passage: Passage, seq: number) => (error: unknown) => {
    sink.complete(seq, []);
    let reason: StopReason;
    try {
      reason = stopReasonOf(error);
    } catch (bug) {
      fatal ??= { error: bug };
      return;
    }
    if (reason.kind !== "failed") {
      stats.stoppedBy ??= reason;
      return;
    }
    stats.failed++;
    stats.finished++;
    const failure = {
      passage_id: passage.id,
      file: passage.source.file,
      line: passage.source.line,
      error: reason.message,
    };
    if (stats.failures.length < MAX_LISTED_FAILURES) stats.failures.push(failure);
    events.emit({ type: "document-failed", ...failure });
  };

  try {
    for await (const passage of readCorpus(options.corpus, corpusOptions, stats.ingest)) {
      await flushIngestDrops();
      if (stats.stoppedBy || fatal) break;
      stats.read++;
      const job = options.plan(passage);
      if (output.has(job.id)) {
        stats.kept++;
        stats.alreadyWritten++;
        stats.finished++;
        continue;
      }
      // Start a document only when the model can take it soon (see respond.ts); the sink's window
      // separately bounds how far ahead of the oldest unfinished document the loop may run.
      const room = tasks.below(lookahead);
      if (room) await room;
      if (stats.stoppedBy || fatal) break;
      const seq = sink.tryReserve() ?? (await sink.reserve());
      tasks.run(
        async () => {
          sink.complete(seq, [await job.run()]);
          stats.finished++;
        },
        onError(passage, seq),
      );
    }
    if (!stats.stoppedBy && !fatal) await flushIngestDrops();
  } catch (error) {
    // Bad input (a malformed record file): finish what is in flight, then report it.
    fatal ??= { error };
  } finally {
    await tasks.idle();
    output.close();
    drops.close();
  }
  if (fatal) throw fatal.error;
  if (!stats.stoppedBy && stats.failed > 0) {
    const what = stats.failed === 1 ? "1 document" : `${stats.failed} documents`;
    stats.stoppedBy = {
      kind: "failed",
      message: `${what} failed after retries (see events.jsonl: document-failed)`,
    };
  }
  return stats;
}

/** A passage ingestion dropped (too short, duplicate, language), as a dropped.jsonl record. */
function ingestDrop(passage: Passage, reason: PassageDropReason, detail: string): DroppedRecord {
  return {
    id: contentId(["ingest", passage.id]),
    stage: "ingest",
    reason,
    detail,
    passage_id: passage.id,
    text: passage.text,
    tokens: passage.tokens,
    lang: passage.lang,
    source: passage.source,
  };
}
