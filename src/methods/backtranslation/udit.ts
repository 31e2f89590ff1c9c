/**
 * UDIT (Gu et al., 2022): instruction-tuning examples from plain text with rules and no model. The
 * algorithm:
 *  1. First pass over the corpus: document frequencies of each language's terms (for tf-idf keywords)
 *     and a seeded sample of sentences and cloze spans (distractors drawn "from elsewhere").
 *  2. Second pass: for every passage and every selected task, the rules of udit-tasks.ts find the
 *     pseudo-label (a title, a masked span, an order, the true next sentence, keywords); one of the
 *     task's templates in the passage's language, picked at random, words it as (instruction, input,
 *     output). A passage a task cannot use is logged with the reason.
 * Every random choice comes from `new Rng(seed).fork(label)` with labels naming the task and the passage
 * id, so the output depends only on the corpus, the options and the seed. Nothing is resumed: a run is
 * cheap, so each one rewrites its files, written beside the targets and renamed at the end (a failed run
 * leaves the previous outputs whole).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readCorpus } from "../../data/corpus/index.js";
import {
  type CorpusOptions,
  type CorpusReport,
  newCorpusReport,
  type Passage,
  type PassageSource,
} from "../../data/corpus/passage.js";
import { Rng } from "../../engine/rng.js";
import { promptTag } from "../../prompts/prompt.js";
import { type UditLang, uditTemplates } from "../../prompts/udit.js";
import { contentTerms, DocumentFrequencies } from "../../text/keywords.js";
import { contentId } from "../../util/canonical.js";
import { DropLog, RecordOutput } from "../shared/record-output.js";
import type { Draft } from "./udit-draft.js";
import { UDIT_TASKS, type UditTask, viewOf } from "./udit-passage.js";
import { DistractorPools } from "./udit-pool.js";
import { clozeSpans } from "./udit-spans.js";
import { BUILDERS } from "./udit-tasks.js";

export interface UditOptions {
  /** A file or directory of .txt, .md, .html or JSONL (see `readCorpus`). */
  corpus: string;
  /** Directory for instructions.jsonl, dropped.jsonl and summary.json (created). */
  outDir: string;
  /** Tasks to build; default all. */
  tasks?: readonly UditTask[];
  /** Seed of every random choice; default 0. */
  seed?: number | string;
  /** Most examples of one task from one passage (summary and keywords make one at most); default 1. */
  perPassage?: number;
  /** Ingestion options (passage unit). */
  corpusOptions?: Omit<CorpusOptions, "unit" | "onDrop">;
}

export interface UditRecord {
  id: string;
  task: UditTask;
  instruction: string;
  input: string;
  output: string;
  /** The template that worded it, `udit/<group>/<lang>/<n>@v<version>`. */
  template: string;
  source: PassageSource;
  passage_id: string;
  meta: { method: "udit"; task: UditTask; template: string; lang: UditLang; [field: string]: unknown };
}

export interface UditSummary {
  method: "udit";
  corpus: string;
  seed: number | string;
  tasks: UditTask[];
  perPassage: number;
  /** Passages read (after ingestion's drops) and those with a language that has templates. */
  passages: { read: number; used: number };
  examples: {
    total: number;
    byTask: Partial<Record<UditTask, number>>;
    byLanguage: Record<string, number>;
    byTaskAndLanguage: Partial<Record<UditTask, Record<string, number>>>;
  };
  dropped: {
    total: number;
    /** Ingestion drops (too short, duplicates, language), by reason. */
    ingest: Record<string, number>;
    /** Passages in a language without templates. */
    language: number;
    /** Tasks that could not be built from a passage, by task and reason. */
    byTask: Partial<Record<UditTask, Record<string, number>>>;
  };
  /** Files not read, with the reason (binary, unsupported type, not UTF-8...). */
  skipped: CorpusReport["skipped"];
  ingest: CorpusReport;
  files: { instructions: string; dropped: string; summary: string };
}

export async function udit(options: UditOptions): Promise<UditSummary> {
  const seed = options.seed ?? 0;
  const perPassage = options.perPassage ?? 1;
  const selected = new Set(options.tasks ?? UDIT_TASKS);
  const tasks = UDIT_TASKS.filter((task) => selected.has(task));
  if (tasks.length === 0) throw new Error("no tasks selected");
  if (!Number.isInteger(perPassage) || perPassage < 1) {
    throw new Error(`perPassage must be a positive integer, got ${perPassage}`);
  }
  const corpusOptions: CorpusOptions = { ...options.corpusOptions, unit: "passage" };
  const rng = new Rng(seed);

  // Pass 1: what the rules need to know about the whole corpus.
  const df: Record<UditLang, DocumentFrequencies> = {
    en: new DocumentFrequencies(),
    zh: new DocumentFrequencies(),
  };
  const pools = new DistractorPools(rng.fork("udit/pool"));
  for await (const passage of readCorpus(options.corpus, corpusOptions)) {
    const view = viewOf(passage);
    if (!view) continue;
    df[view.lang].add(contentTerms(passage.text, view.lang).map((t) => t.term));
    pools.offer(view, clozeSpans(view));
  }

  // Pass 2: the examples.
  mkdirSync(options.outDir, { recursive: true });
  const files = {
    instructions: join(options.outDir, "instructions.jsonl"),
    dropped: join(options.outDir, "dropped.jsonl"),
    summary: join(options.outDir, "summary.json"),
  };
  const partial = (path: string) => `${path}.partial`;
  for (const path of Object.values(files)) rmSync(partial(path), { force: true });
  const output = await RecordOutput.open<UditRecord>(partial(files.instructions));
  const drops = await DropLog.open(partial(files.dropped));
  const report = newCorpusReport();
  const summary = emptySummary(options.corpus, seed, tasks, perPassage, report, files);
  let failed = true;
  try {
    const ingestOptions: CorpusOptions = {
      ...corpusOptions,
      onDrop: (passage, reason, detail) => {
        count(summary.dropped.ingest, reason);
        drops.drop({ ...dropOf(passage, "ingest", undefined, reason, detail), text: passage.text });
      },
    };
    for await (const passage of readCorpus(options.corpus, ingestOptions, report)) {
      summary.passages.read++;
      const view = viewOf(passage);
      if (!view) {
        summary.dropped.language++;
        drops.drop(
          dropOf(passage, "build", undefined, "language", `no templates for "${passage.lang}" (en, zh)`),
        );
        continue;
      }
      summary.passages.used++;
      for (const task of tasks) {
        const built = BUILDERS[task]({
          view,
          df: df[view.lang],
          pools,
          rng: rng.fork(`udit/${task}/${passage.id}`),
          perPassage,
        });
        if ("drop" in built) {
          countIn(summary.dropped.byTask, task, built.drop.reason);
          drops.drop(dropOf(passage, "build", task, built.drop.reason, built.drop.detail));
          continue;
        }
        for (const [k, draft] of built.drafts.entries()) {
          const record = word(
            draft,
            task,
            view.lang,
            passage,
            rng.fork(`udit/template/${task}/${passage.id}/${k}`),
          );
          if (!output.write(record)) continue;
          summary.examples.total++;
          count(summary.examples.byTask as Record<string, number>, task);
          count(summary.examples.byLanguage, view.lang);
          countIn(summary.examples.byTaskAndLanguage, task, view.lang);
        }
      }
    }
    failed = false;
  } finally {
    output.close();
    drops.close();
    if (failed) for (const path of Object.values(files)) rmSync(partial(path), { force: true });
  }
  summary.dropped.total = drops.total;
  writeFileSync(partial(files.summary), `${JSON.stringify(summary, null, 2)}\n`);
  for (const path of Object.values(files)) renameSync(partial(path), path);
  return summary;
}

function count(table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}

function countIn(
  table: Partial<Record<UditTask, Record<string, number>>>,
  task: UditTask,
  key: string,
): void {
  const inner = table[task] ?? {};
  table[task] = inner;
  count(inner, key);
}

/** A draft worded by a template of its group picked at random, as a record. */
function word(draft: Draft, task: UditTask, lang: UditLang, passage: Passage, rng: Rng): UditRecord {
  const template = rng.pick(uditTemplates(draft.group, lang));
  const tag = promptTag(template);
  const { instruction, input, output } = template.render(draft.args);
  return {
    id: `udit-${contentId([task, passage.id, tag, instruction, input, output])}`,
    task,
    instruction,
    input,
    output,
    template: tag,
    source: passage.source,
    passage_id: passage.id,
    meta: { method: "udit", task, template: tag, lang, ...draft.meta },
  };
}

function dropOf(
  passage: Passage,
  stage: "ingest" | "build",
  task: UditTask | undefined,
  reason: string,
  detail: string,
) {
  return {
    id: `udit-drop-${contentId([stage, task ?? null, passage.id, reason, detail])}`,
    stage,
    ...(task ? { task } : {}),
    reason,
    detail,
    passage_id: passage.id,
    lang: passage.lang,
    source: passage.source,
  };
}

function emptySummary(
  corpus: string,
  seed: number | string,
  tasks: UditTask[],
  perPassage: number,
  ingest: CorpusReport,
  files: UditSummary["files"],
): UditSummary {
  return {
    method: "udit",
    corpus,
    seed,
    tasks,
    perPassage,
    passages: { read: 0, used: 0 },
    examples: { total: 0, byTask: {}, byLanguage: {}, byTaskAndLanguage: {} },
    dropped: { total: 0, ingest: {}, language: 0, byTask: {} },
    skipped: ingest.skipped,
    ingest,
    files,
  };
}
