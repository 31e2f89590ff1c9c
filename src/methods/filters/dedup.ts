/**
 * The dedup step: streams records, keeps the first of each group of (near-)duplicates, and writes kept
 * and dropped records to two files. Dropped records carry why (`dedup.reason`), the id of the kept record
 * they duplicate and the score. Three methods:
 *  - rougeL: Self-Instruct's rule, exactly: a record is dropped when its ROUGE-L F against the pool and
 *    the records kept so far is greater than the threshold;
 *  - minhash: MinHash-LSH over word n-grams, for corpora too large for pairwise ROUGE;
 *  - exact: same text after normalization.
 * With `heuristics`, the papers' filters (blacklist, length, first character) run first.
 */
import { rename, rm } from "node:fs/promises";
import { JsonlWriter, readRecords, requireString, sourceIdOf } from "../../data/index.js";
import { ExactDedup } from "../../text/exact-dup.js";
import { type FilterOptions, heuristicFilter } from "../../text/filters.js";
import { MinHashDedup, type MinHashOptions } from "../../text/minhash.js";
import { NearDupIndex } from "../../text/near-dup-index.js";
import { resolveTokenizer, type TokenizerMode } from "../../text/tokenize.js";

export type DedupMethod = "rougeL" | "minhash" | "exact";

export interface DedupOptions {
  inputPath: string;
  keptPath: string;
  droppedPath: string;
  /** Field holding the text to compare (dotted paths allowed). */
  field?: string;
  method?: DedupMethod;
  /** rougeL: drop above this F; minhash: Jaccard needed to confirm a candidate. Default 0.7. */
  threshold?: number;
  tokenizer?: TokenizerMode;
  /** Records every input is compared with (e.g. the seeds); never written out. */
  againstPath?: string;
  /** Apply the heuristic filters before deduplicating. */
  heuristics?: boolean | FilterOptions;
  minhash?: MinHashOptions;
}

export interface DedupStats {
  read: number;
  kept: number;
  dropped: number;
  /** Dropped records by reason. */
  reasons: Record<string, number>;
  /** Pool records loaded from `againstPath`. */
  pool: number;
  /** Tokenizers used (auto mode resolves per text). */
  tokenizers: Record<string, number>;
  seconds: number;
}

/** What decides about one text: `check` says whether it duplicates something kept, `keep` remembers it. */
interface Deduplicator {
  check(text: string): { id: string; score: number; tokenizer?: string } | undefined;
  keep(id: string, text: string): void;
}

export async function dedup(options: DedupOptions): Promise<DedupStats> {
  const started = performance.now();
  const field = options.field ?? "instruction";
  const method = options.method ?? "rougeL";
  const threshold = options.threshold ?? 0.7;
  const tokenizer = options.tokenizer ?? "auto";
  const stats: DedupStats = {
    read: 0,
    kept: 0,
    dropped: 0,
    reasons: {},
    pool: 0,
    tokenizers: {},
    seconds: 0,
  };
  const deduplicator = createDeduplicator(method, threshold, tokenizer, options.minhash);
  const filterOptions = options.heuristics === true ? {} : options.heuristics || undefined;

  if (options.againstPath) {
    for await (const record of readRecords(options.againstPath)) {
      deduplicator.keep(`pool:${sourceIdOf(record)}`, requireString(record, field));
      stats.pool++;
    }
  }

  // Written beside the targets and renamed at the end: a failed run leaves the previous outputs alone.
  const partial = [`${options.keptPath}.partial`, `${options.droppedPath}.partial`] as const;
  const kept = JsonlWriter.open(partial[0]);
  const dropped = JsonlWriter.open(partial[1]);
  let failed = true;
  try {
    for await (const record of readRecords(options.inputPath)) {
      stats.read++;
      const text = requireString(record, field);
      const id = sourceIdOf(record);
      if (method === "rougeL") {
        const used = resolveTokenizer(text, tokenizer);
        stats.tokenizers[used] = (stats.tokenizers[used] ?? 0) + 1;
      }
      const drop = decide(text, deduplicator, filterOptions, method);
      if (drop) {
        dropped.write({ ...record.value, dedup: { method, ...drop } });
        stats.dropped++;
        stats.reasons[drop.reason] = (stats.reasons[drop.reason] ?? 0) + 1;
      } else {
        deduplicator.keep(id, text);
        kept.write(record.value);
        stats.kept++;
      }
    }
    failed = false;
  } finally {
    kept.close();
    dropped.close();
    if (failed) await Promise.all(partial.map((path) => rm(path, { force: true })));
  }
  await rename(partial[0], options.keptPath);
  await rename(partial[1], options.droppedPath);
  stats.seconds = (performance.now() - started) / 1000;
  return stats;
}

function decide(
  text: string,
  deduplicator: Deduplicator,
  filterOptions: FilterOptions | undefined,
  method: DedupMethod,
): { reason: string; nearest_id?: string; score?: number; tokenizer?: string; detail?: string } | undefined {
  if (filterOptions) {
    const verdict = heuristicFilter(text, filterOptions);
    if (!verdict.ok) return { reason: verdict.reason, detail: verdict.detail };
  }
  const duplicate = deduplicator.check(text);
  if (!duplicate) return undefined;
  const reason = method === "exact" ? "exact-duplicate" : method === "minhash" ? "minhash" : "rougeL";
  const drop = { reason, nearest_id: duplicate.id, score: round(duplicate.score) };
  return duplicate.tokenizer ? { ...drop, tokenizer: duplicate.tokenizer } : drop;
}

function createDeduplicator(
  method: DedupMethod,
  threshold: number,
  tokenizer: TokenizerMode,
  minhash: MinHashOptions | undefined,
): Deduplicator {
  if (method === "exact") {
    const exact = new ExactDedup();
    return {
      check: (text) => {
        const id = exact.seen(text);
        return id === undefined ? undefined : { id, score: 1 };
      },
      keep: (id, text) => exact.add(id, text),
    };
  }
  if (method === "minhash") {
    const index = new MinHashDedup({ threshold, ...minhash });
    return {
      check: (text) => {
        const hit = index.query(text);
        return hit ? { id: hit.id, score: hit.jaccard } : undefined;
      },
      keep: (id, text) => index.insert(id, index.signature(text)),
    };
  }
  const index = new NearDupIndex({ threshold, tokenizer });
  return {
    // Greater than the threshold drops; equal keeps (Self-Instruct's rule).
    check: (text) => {
      const nearest = index.nearest(text, { stopAbove: threshold });
      return nearest.score > threshold && nearest.id !== undefined
        ? { id: nearest.id, score: nearest.score, tokenizer: nearest.tokenizer }
        : undefined;
    },
    keep: (id, text) => index.add(id, text),
  };
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
