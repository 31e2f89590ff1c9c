/**
 * ROUGE-L near-duplicate filtering: the indexed greedyFilter against the all-pairs naive filter.
 *
 *   node --import tsx bench/dedup-rouge.ts [--quick]
 *
 * The corpus imitates machine-generated instructions: 100 task templates (opener, object, fixed
 * qualifier clauses) with topic and audience slots, plus word-level edits (insert, delete, substitute)
 * like a model paraphrasing itself, so siblings of one template often score above 0.7. The naive
 * filter is O(kept² · L²); it runs on the first `naiveCount` texts, next to the fast filter on the same
 * texts, and its time on the whole corpus is extrapolated from the DP cells it would evaluate (labelled
 * as an estimate).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { Rng } from "../src/engine/rng.js";
import { type FilterDecision, type FilterRecord, greedyFilter } from "../src/text/greedy-filter.js";
import { naiveFilter } from "../src/text/naive-filter.js";
import { tokenize } from "../src/text/tokenize.js";

const quick = process.argv.includes("--quick");
const total = quick ? 5_000 : 20_000;
// --full runs the naive filter on every text (about 20 minutes here); otherwise on the first 4,000.
const naiveCount = quick ? 1_500 : process.argv.includes("--full") ? total : 4_000;
const threshold = 0.7;

const openers =
  "write a|please write a|can you draft a|compose a|create a|i need a|generate a|give me a|prepare a|help me write a".split(
    "|",
  );
const objects =
  "short poem|blog post|step by step guide|brief summary|detailed explanation|product description|cover letter|lesson plan|short story|tweet thread|recipe|formal email|speech|list of questions|news article|dialogue|quiz|review|motivational message|set of tips".split(
    "|",
  );
const topics =
  "climate change|the history of the roman empire|machine learning for beginners|healthy breakfast ideas|saving money on groceries|learning a second language|the water cycle|remote work|electric cars|time management|the solar system|gardening in small spaces|public speaking|the french revolution|photosynthesis|job interviews|renewable energy|social media addiction|ancient egypt|personal finance|the human heart|volcanoes|chess openings|sleep hygiene|urban cycling|the stock market|vaccines|coffee brewing|black holes|recycling plastic|a rainy day in the city|friendship|artificial intelligence ethics|the ocean|mountain hiking safety|basic python programming|first aid|world war two|meditation|bird migration".split(
    "|",
  );
const audiences =
  "a ten year old child|a busy parent|a university student|a small business owner|a retired teacher|software engineers|high school students|a first time visitor|a skeptical reader|non native speakers".split(
    "|",
  );
const clauses =
  "that is easy to understand|using no more than three paragraphs|in the style of a famous poet|and include at least two concrete examples|with a friendly and professional tone|focusing on practical everyday advice|without using any technical jargon|and end with a surprising twist|in exactly five bullet points|that could be shared on a company website|and explain why it matters today|with a catchy title at the top|in a humorous and lighthearted way|and cite one common misconception|that takes less than two minutes to read|written from the first person perspective".split(
    "|",
  );
const aspects =
  "its main causes|its effects on daily life|common myths|the key facts|recent developments|the biggest challenges|simple experiments|its long history|practical benefits|the future outlook|surprising statistics|the main arguments on both sides".split(
    "|",
  );
const fillers =
  "also|really|maybe|briefly|clearly|please|kindly|simply|carefully|quickly|actually|just|now|very|quite".split(
    "|",
  );

interface Template {
  opener: string;
  object: string;
  clauses: string[];
}

function makeCorpus(count: number, rng: Rng): FilterRecord[] {
  const templates: Template[] = Array.from({ length: 100 }, () => ({
    opener: rng.pick(openers),
    object: rng.pick(objects),
    clauses: rng.sample(clauses, 1 + rng.int(4)),
  }));
  const out: FilterRecord[] = [];
  for (let i = 0; i < count; i++) {
    const t = rng.pick(templates);
    let words =
      `${t.opener} ${t.object} about ${rng.next() < 0.6 ? `${rng.pick(aspects)} of ` : ""}${rng.pick(topics)} for ${rng.pick(audiences)} ${t.clauses.join(" ")}`.split(
        " ",
      );
    // Paraphrase-like edits: each text gets 0 to 15 word operations.
    for (let e = rng.int(16); e > 0; e--) {
      const at = rng.int(words.length);
      const op = rng.int(3);
      if (op === 0) words.splice(at, 0, rng.pick(fillers));
      else if (op === 1 && words.length > 10) words.splice(at, 1);
      else words[at] = rng.pick(rng.pick([topics, clauses, fillers]).join(" ").split(" "));
    }
    if (rng.next() < 0.3) words = words.concat(rng.pick(clauses).split(" "));
    words = words.slice(0, 60);
    while (words.length < 10) words.push(rng.pick(fillers));
    const text = words.join(" ");
    out.push({
      id: `t${i}`,
      text: text.charAt(0).toUpperCase() + text.slice(1) + (rng.next() < 0.5 ? "." : "?"),
    });
  }
  return out;
}

let peakRss = 0;
let peakHeap = 0;
function sampleMemory(): void {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}

function run(
  name: string,
  filter: typeof greedyFilter,
  texts: FilterRecord[],
): { ms: number; decisions: FilterDecision[] } {
  const started = performance.now();
  const decisions: FilterDecision[] = [];
  for (const d of filter(texts, { threshold })) {
    decisions.push(d);
    if (decisions.length % 500 === 0) sampleMemory();
  }
  const ms = performance.now() - started;
  sampleMemory();
  process.stdout.write(`${name} on ${texts.length}: ${ms.toFixed(0)} ms\n`);
  return { ms, decisions };
}

/** DP cells the naive filter evaluates: Σ over records of |tokens| · Σ |tokens of records kept before|. */
function naiveCells(texts: FilterRecord[], decisions: FilterDecision[]): number {
  let cells = 0;
  let keptTokens = 0;
  texts.forEach((t, i) => {
    const n = tokenize(t.text).length;
    cells += n * keptTokens;
    if (decisions[i]!.kept) keptTokens += n;
  });
  return cells;
}

const texts = makeCorpus(total, new Rng(42).fork("dedup-rouge"));
const head = texts.slice(0, naiveCount);
const fastAll = run("fast", greedyFilter, texts);
const fastHead = run("fast", greedyFilter, head);
const naiveHead = run("naive", naiveFilter, head);
const identical = fastHead.decisions.every((d, i) => d.kept === naiveHead.decisions[i]!.kept);
const scoresEqual = fastHead.decisions.every((d, i) => !d.kept || d.score === naiveHead.decisions[i]!.score);
const naiveEstimateMs =
  naiveHead.ms * (naiveCells(texts, fastAll.decisions) / naiveCells(head, naiveHead.decisions));
const keptAll = fastAll.decisions.filter((d) => d.kept).length;
const keptHead = fastHead.decisions.filter((d) => d.kept).length;
const result = {
  date: new Date().toISOString(),
  machine: `${cpus().length} x ${cpus()[0]?.model ?? "?"}, Node ${process.version}`,
  quick,
  threshold,
  all: { texts: total, kept: keptAll, dropped: total - keptAll, fastMs: fastAll.ms },
  headToHead: {
    texts: naiveCount,
    kept: keptHead,
    dropped: naiveCount - keptHead,
    fastMs: fastHead.ms,
    naiveMs: naiveHead.ms,
    speedup: naiveHead.ms / fastHead.ms,
    decisionsIdentical: identical,
    keptScoresIdentical: scoresEqual,
  },
  estimatedNaiveMsAll: naiveEstimateMs,
  estimatedSpeedupAll: naiveEstimateMs / fastAll.ms,
  peak: {
    rssMB: peakRss / 2 ** 20,
    heapUsedMB: peakHeap / 2 ** 20,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  },
};
const dir = join(import.meta.dirname, "results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "dedup-rouge.json"), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `dedup-rouge: ${total} texts, kept ${keptAll}, dropped ${total - keptAll}, fast ${fastAll.ms.toFixed(0)} ms; ` +
    `first ${naiveCount}: fast ${fastHead.ms.toFixed(0)} ms vs naive ${naiveHead.ms.toFixed(0)} ms = ` +
    `${result.headToHead.speedup.toFixed(0)}x, decisions ${identical ? "identical" : "DIFFERENT"}; ` +
    (naiveCount === total
      ? ""
      : `naive on all ≈ ${(naiveEstimateMs / 1000).toFixed(0)} s (estimate, ${result.estimatedSpeedupAll.toFixed(0)}x); `) +
    `peak rss ${result.peak.maxRssMB.toFixed(0)} MB\n`,
);
if (!identical) process.exitCode = 1;
