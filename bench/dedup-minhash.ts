/**
 * Dedup throughput and memory (node --import tsx bench/dedup-minhash.ts [--quick]): 1,000,000 short
 * instructions (100,000 with --quick), generated on the fly from a seed so no corpus sits in memory,
 * run through ExactDedup and MinHashDedup (query, then insert when not a duplicate), one pass each.
 * About 15% of texts are mutated copies of a recent text (one word changed, inserted or dropped, or
 * only case and punctuation changed), so the drop counts can be checked against what was injected.
 * Timings include generation (reported separately) and, for near copies, the bench's own exact
 * Jaccard used to measure recall. Writes bench/results/dedup-minhash.json and prints one summary line.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExactDedup } from "../src/text/exact-dup.js";
import { MinHashDedup } from "../src/text/minhash.js";
import { shingleTokens } from "../src/text/minhash-tokens.js";

const TOTAL = process.argv.includes("--quick") ? 100_000 : 1_000_000;
const SAMPLE_EVERY = 50_000;
const NEAR_DUP_RATE = 0.15;

/** xorshift32: fast and seeded; the bench only needs reproducibility, not statistical quality. */
function random(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const SYLLABLES =
  "ba be bi bo bu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru sa se si so su ta te ti to tu".split(
    " ",
  );
const OPENERS = [
  "Write",
  "Explain",
  "Summarize",
  "Describe",
  "List",
  "Compare",
  "Translate",
  "Suggest",
  "Classify",
  "Rewrite",
];
const JOINERS = ["the", "a", "of", "about", "for", "with", "and", "in", "to", "how"];

interface Generated {
  text: string;
  /** "unique", "near" (one word edited) or "exact" (case/punctuation only) */
  kind: "unique" | "near" | "exact";
  /** near copies: true Jaccard of the 3-word shingle sets with the text copied, for recall */
  jaccard?: number;
}

function shingles(text: string): Set<string> {
  const tokens = shingleTokens(text);
  const out = new Set<string>();
  for (let i = 0; i + 3 <= tokens.length; i++) out.add(tokens.slice(i, i + 3).join(" "));
  return out;
}

function jaccard(a: string, b: string): number {
  const x = shingles(a);
  const y = shingles(b);
  let both = 0;
  for (const s of x) if (y.has(s)) both++;
  return both / (x.size + y.size - both);
}

/** Yields TOTAL texts; keeps only a ring of recent texts to copy from, so memory stays flat. */
function* generate(seed: number): Generator<Generated> {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  // 8,000 pseudo-words of 2–4 syllables: enough that independent texts rarely share 3-word shingles.
  const vocabulary = Array.from({ length: 8000 }, () =>
    Array.from({ length: 2 + Math.floor(next() * 3) }, () => pick(SYLLABLES)).join(""),
  );
  const recent: string[] = [];
  for (let i = 0; i < TOTAL; i++) {
    if (recent.length > 100 && next() < NEAR_DUP_RATE) {
      const source = pick(recent);
      const words = source.split(" ");
      if (next() < 0.25) {
        yield { text: `${words.join(" ").toLowerCase()}!`, kind: "exact" };
        continue;
      }
      // Edit one word away from the opener so the copy stays 8–30 words.
      const at = 1 + Math.floor(next() * (words.length - 1));
      const edit = next();
      if (edit < 0.5) words[at] = pick(vocabulary);
      else if (edit < 0.75 && words.length < 30) words.splice(at, 0, pick(vocabulary));
      else if (words.length > 8) words.splice(at, 1);
      else words[at] = pick(vocabulary);
      const text = words.join(" ");
      yield { text, kind: "near", jaccard: jaccard(source, text) };
      continue;
    }
    const length = 8 + Math.floor(next() * 23);
    const words = [pick(OPENERS)];
    while (words.length < length) words.push(next() < 0.25 ? pick(JOINERS) : pick(vocabulary));
    const text = `${words.join(" ")}.`;
    if (recent.length < 1000) recent.push(text);
    else recent[Math.floor(next() * 1000)] = text;
    yield { text, kind: "unique" };
  }
}

interface Memory {
  rssMB: number;
  heapMB: number;
  arrayBuffersMB: number;
}

const MB = 1024 * 1024;
function memory(): Memory {
  const m = process.memoryUsage();
  return { rssMB: m.rss / MB, heapMB: m.heapUsed / MB, arrayBuffersMB: m.arrayBuffers / MB };
}

interface PassResult {
  seconds: number;
  textsPerSecond: number;
  kept: number;
  dropped: number;
  droppedByKind: Record<string, number>;
  injected: Record<string, number>;
  /** Near copies whose true shingle Jaccard with their source is ≥ 0.7, and how many were dropped. */
  nearAtLeast07: number;
  nearAtLeast07Dropped: number;
  peakRssMB: number;
  peakHeapMB: number;
  /** Growth of JS heap + ArrayBuffers over the pass, divided by the records kept. */
  bytesPerKept: number;
  samples: Memory[];
}

function pass(name: string, check: (id: string, text: string) => boolean): PassResult {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  const samples: Memory[] = [];
  const injected: Record<string, number> = { unique: 0, near: 0, exact: 0 };
  const droppedByKind: Record<string, number> = { unique: 0, near: 0, exact: 0 };
  let kept = 0;
  let i = 0;
  let nearAtLeast07 = 0;
  let nearAtLeast07Dropped = 0;
  const start = process.hrtime.bigint();
  for (const { text, kind, jaccard } of generate(7)) {
    injected[kind]!++;
    const similar = jaccard !== undefined && jaccard >= 0.7;
    if (similar) nearAtLeast07++;
    if (check(`r${i}`, text)) kept++;
    else {
      droppedByKind[kind]!++;
      if (similar) nearAtLeast07Dropped++;
    }
    if (++i % SAMPLE_EVERY === 0) samples.push(memory());
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  samples.push(memory());
  const after = process.memoryUsage();
  const grown = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
  const result: PassResult = {
    seconds: round(seconds),
    textsPerSecond: Math.round(TOTAL / seconds),
    kept,
    dropped: TOTAL - kept,
    droppedByKind,
    injected,
    nearAtLeast07,
    nearAtLeast07Dropped,
    peakRssMB: round(Math.max(...samples.map((s) => s.rssMB))),
    peakHeapMB: round(Math.max(...samples.map((s) => s.heapMB))),
    bytesPerKept: Math.round(grown / kept),
    samples: samples.map((s) => ({
      rssMB: round(s.rssMB),
      heapMB: round(s.heapMB),
      arrayBuffersMB: round(s.arrayBuffersMB),
    })),
  };
  console.error(`${name}: ${JSON.stringify({ ...result, samples: undefined })}`);
  return result;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

// Generation alone, so its share of each pass's time is known.
const genStart = process.hrtime.bigint();
let chars = 0;
for (const { text } of generate(7)) chars += text.length;
const generateSeconds = Number(process.hrtime.bigint() - genStart) / 1e9;

let exact: ExactDedup | undefined = new ExactDedup();
const exactResult = pass("exact", (id, text) => {
  if (exact!.seen(text) !== undefined) return false;
  exact!.add(id, text);
  return true;
});
exact = undefined;

const minhash = new MinHashDedup({ seed: 1 });
const minhashResult = pass("minhash", (id, text) => {
  const signature = minhash.signature(text);
  if (minhash.querySignature(signature)) return false;
  minhash.insert(id, signature);
  return true;
});

const report = {
  date: new Date().toISOString(),
  node: process.version,
  texts: TOTAL,
  averageChars: round(chars / TOTAL),
  generateSeconds: round(generateSeconds),
  minhashOptions: {
    numPerm: minhash.numPerm,
    bands: minhash.bands,
    rows: minhash.rows,
    threshold: minhash.threshold,
  },
  minhashTypedArrayBytesPerKept: Math.round(minhash.bytes / minhashResult.kept),
  exact: exactResult,
  minhash: minhashResult,
};
const out = join(dirname(fileURLToPath(import.meta.url)), "results", "dedup-minhash.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `dedup ${TOTAL} texts: minhash ${minhashResult.seconds}s (${minhashResult.textsPerSecond}/s) kept ${minhashResult.kept} ` +
    `dropped ${minhashResult.dropped} (recall on near copies with J ≥ 0.7: ${minhashResult.nearAtLeast07Dropped}/${minhashResult.nearAtLeast07}), peak RSS ${minhashResult.peakRssMB} MB, heap ${minhashResult.peakHeapMB} MB, ` +
    `${minhashResult.bytesPerKept} B/kept | exact ${exactResult.seconds}s (${exactResult.textsPerSecond}/s) kept ` +
    `${exactResult.kept} dropped ${exactResult.dropped}, ${exactResult.bytesPerKept} B/kept | generation ${round(generateSeconds)}s`,
);
