/**
 * Counting a step's input file as its method reads it, so the estimate counts what the calls will be
 * about: passages or documents after ingestion for the corpus methods, topics for `topics`, seed tasks
 * (text files included) for the methods that read seeds, and records for the rest.
 */

import { parseCorpusOptions } from "../cli/corpus-options.js";
import { readCorpus } from "../data/corpus/index.js";
import { readRecords } from "../data/index.js";
import { readSeedTasks } from "../methods/in-context/seed-tasks.js";
import { readTopics } from "../methods/in-context/topic-taxonomy.js";
import { type Input, type Options, r } from "./estimators-kit.js";

type Reader = (path: string, options: Options) => Promise<Input>;

/** Records of any format the data readers know; the mean size from the first 500. */
export async function countFile(path: string): Promise<Input> {
  let count = 0;
  let chars = 0;
  for await (const { value } of readRecords(path)) {
    if (count < 500) chars += JSON.stringify(value).length;
    count++;
  }
  return { records: r(count), tokens: count === 0 ? 0 : chars / Math.min(count, 500) / 4 };
}

/** Seed tasks (Self-Instruct, Alpaca or one instruction a line): instruction, first input and output. */
const seeds: Reader = async (path) => {
  const { tasks } = await readSeedTasks(path);
  const chars = tasks.reduce((n, t) => {
    const instance = t.instances[0];
    return n + t.instruction.length + (instance ? instance.input.length + instance.output.length : 0);
  }, 0);
  return { records: r(tasks.length), tokens: tasks.length === 0 ? 0 : chars / tasks.length / 4 };
};

/** Passages (or documents) that survive ingestion, with the command's own corpus options. */
const corpus =
  (unit: "passage" | "document"): Reader =>
  async (path, options) => {
    let count = 0;
    let chars = 0;
    for await (const passage of readCorpus(path, parseCorpusOptions(options, unit))) {
      count++;
      chars += passage.text.length;
    }
    return { records: r(count), tokens: count === 0 ? 0 : chars / count / 4 };
  };

const topics: Reader = async (path) => ({ records: r((await readTopics(path)).length), tokens: 0 });

const READERS: Record<string, Reader> = {
  "self-instruct": seeds,
  unnatural: seeds,
  rainbow: seeds,
  evol: seeds,
  "auto-evol": seeds,
  topics,
  backtranslate: corpus("passage"),
  longform: corpus("document"),
  wrap: corpus("document"),
};

/** Methods whose estimate does not depend on the input (nothing is read). */
const UNREAD = new Set(["udit"]);

/** The input of a step of `method` read from `path`; undefined when its estimate needs none. */
export async function readInput(method: string, path: string, options: Options): Promise<Input | undefined> {
  if (UNREAD.has(method)) return undefined;
  return (READERS[method] ?? ((p: string) => countFile(p)))(path, options);
}
