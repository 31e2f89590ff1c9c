/**
 * A scripted model for `selfalign backtranslate` (Humpback) tests, and its corpus and seeds. Replies
 * depend only on the request's content, never on arrival order, so two runs of one command agree
 * whatever the concurrency:
 *  - augmentation (no schema): the instruction for the passage after "### Your turn" (or the whole
 *    message in raw mode): "Tell me about <topic>." when the examples shown are seeds only, "Explain
 *    <topic> in detail." when they include a corpus passage (a curated pair, i.e. a later round);
 *    nothing for the "silence" passage;
 *  - rating (schema with "score"): a score from `SCORES` by topic and instruction style; no JSON at all
 *    (not even after the repair) for the "static" passage.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AUGMENT_ASK, CURATE_PAIR_HEADING } from "../src/prompts/humpback.js";
import { tempDir } from "./cli.js";
import { APHIDS, MOUNTAINS, RIVERS, TEA_1, TOMATOES } from "./corpus-files.js";
import { type Cleanup, removeDir, serverArgs, writeJsonl } from "./respond-e2e.js";
import {
  type ReplyContext,
  type ScriptedReply,
  type ScriptedServer,
  startScriptedServer,
} from "./scripted-server.js";

export const SILENCE =
  "Silence settles over the valley after the first snow, and even the birds seem to wait for the thaw before they sing again.";
export const STATIC =
  "Static crackles on the old radio between the stations, a hiss of distant storms and of the sun itself, heard by anyone who turns the dial.";
/** Too short for --min-tokens 10: dropped at ingestion. */
export const NOTE = "Water them early.";

/** The passages, by topic, in the order the corpus yields them (sorted file paths). */
export const TOPICS = {
  rivers: RIVERS,
  mountains: MOUNTAINS,
  tomatoes: TOMATOES,
  aphids: APHIDS,
  silence: SILENCE,
  static: STATIC,
  tea: TEA_1,
} as const;
export type Topic = keyof typeof TOPICS;

/** Round 1 ("Tell me about ...") and later rounds ("Explain ... in detail.") scores. */
export const SCORES: Record<"first" | "later", Partial<Record<Topic, number>>> = {
  first: { rivers: 5, mountains: 5, tomatoes: 4, aphids: 2, tea: 5 },
  later: { rivers: 5, mountains: 5, tomatoes: 4, aphids: 2, tea: 3 },
};

export const firstInstruction = (topic: Topic) => `Tell me about ${topic}.`;
export const laterInstruction = (topic: Topic) => `Explain ${topic} in detail.`;

/** The topic whose passage `text` contains (undefined for seeds and other text). */
export function topicIn(text: string): Topic | undefined {
  for (const [topic, passage] of Object.entries(TOPICS)) if (text.includes(passage)) return topic as Topic;
  return undefined;
}

/** The corpus: .txt, .md (with a too-short section), .jsonl (with a duplicate), .html, and a .pdf skipped. */
export function writeHumpbackCorpus(dir: string): string {
  mkdirSync(join(dir, "web"), { recursive: true });
  writeFileSync(join(dir, "a-nature.txt"), `${RIVERS}\n\n${MOUNTAINS}\n`);
  writeFileSync(join(dir, "b-garden.md"), `# Growing tomatoes\n\n${TOMATOES}\n\n## Note\n\n${NOTE}\n`);
  writeJsonl(join(dir, "c-records.jsonl"), [
    { id: "aphids-1", text: APHIDS },
    { id: "silence-1", text: SILENCE },
    { id: "static-1", text: STATIC },
    { id: "rivers-again", text: RIVERS },
  ]);
  writeFileSync(join(dir, "d-report.pdf"), "%PDF-1.4 not really");
  writeFileSync(
    join(dir, "web", "tea.html"),
    `<html><head><title>All about tea</title></head><body><nav><a href="/">Home</a></nav>\n<h1>Green tea</h1>\n<p>${TEA_1}</p>\n<footer>Copyright 2026</footer></body></html>\n`,
  );
  return dir;
}

/** Alpaca seeds: three with an output, one without (passed over). */
export const HUMPBACK_SEEDS = [
  {
    id: "s1",
    instruction: "Give me a tip for sleeping better.",
    input: "",
    output: "Keep the same bedtime every day.",
  },
  { id: "s2", instruction: "Translate to French.", input: "Good morning", output: "Bonjour" },
  { id: "s3", instruction: "Name a prime number above 10.", input: "", output: "Eleven is one." },
  { id: "s4", instruction: "Name three colours.", input: "" },
];

export function writeHumpbackSeeds(path: string): string {
  return writeJsonl(path, HUMPBACK_SEEDS);
}

/** The passage of an augmentation prompt (everything in raw mode) and the text before it. */
export function augmentParts(input: string): { passage: string; examples: string } {
  const at = input.indexOf("### Your turn\nText:\n");
  if (at < 0) return { passage: input, examples: "" };
  const rest = input.slice(at + "### Your turn\nText:\n".length);
  return { passage: rest.slice(0, rest.indexOf(`\n\n${AUGMENT_ASK}`)), examples: input.slice(0, at) };
}

/** The pair under review in a rating prompt, and the text before it (rubric, calibration). */
export function ratedParts(input: string): { instruction: string; answer: string; before: string } {
  const at = input.indexOf(CURATE_PAIR_HEADING);
  const m = /Instruction:\n([\s\S]*?)\n\nAnswer:\n([\s\S]*?)\n\nReply with a JSON/.exec(input.slice(at));
  return { instruction: m?.[1] ?? "", answer: m?.[2] ?? "", before: input.slice(0, at) };
}

export function isRating(body: unknown): boolean {
  const b = body as { response_format?: { json_schema?: { name?: string } } };
  return b.response_format?.json_schema?.name === "humpback_rating";
}

export function humpbackModel() {
  const reply = (ctx: ReplyContext): ScriptedReply => {
    if (ctx.input.startsWith("Your previous reply could not be used")) return "Still no JSON, sorry.";
    const properties = (ctx.schema?.properties ?? {}) as Record<string, unknown>;
    if ("score" in properties) {
      const { instruction, answer } = ratedParts(ctx.input);
      const topic = topicIn(answer);
      if (!topic || topic === "static") return "I would rather not say.";
      const score = SCORES[instruction.startsWith("Explain") ? "later" : "first"][topic] ?? 1;
      return JSON.stringify({ reason: `The answer about ${topic} scores ${score}.`, score });
    }
    const { passage, examples } = augmentParts(ctx.input);
    const topic = topicIn(passage);
    if (!topic) return "What is this?";
    if (topic === "silence") return "   ";
    return topicIn(examples) ? laterInstruction(topic) : `Request: "${firstInstruction(topic)}"`;
  };
  return { reply };
}

export async function humpbackServer(cleanups: Cleanup[]): Promise<ScriptedServer> {
  const server = await startScriptedServer({ reply: humpbackModel().reply });
  cleanups.push(() => server.close());
  return server;
}

export interface HumpbackFixture {
  dir: string;
  corpus: string;
  seeds: string;
  out: string;
  args(extra?: string[]): string[];
}

/** A temp dir with the corpus and seeds, and the argv of `backtranslate` against `server`. */
export function humpbackFixture(cleanups: Cleanup[], server: ScriptedServer): HumpbackFixture {
  const dir = tempDir("selfalign-humpback-");
  cleanups.push(() => removeDir(dir));
  const corpus = writeHumpbackCorpus(join(dir, "corpus"));
  const seeds = writeHumpbackSeeds(join(dir, "seeds.jsonl"));
  const out = join(dir, "out");
  return {
    dir,
    corpus,
    seeds,
    out,
    args: (extra = []) => [
      "backtranslate",
      "--corpus",
      corpus,
      "--seeds",
      seeds,
      "--out",
      out,
      "--min-tokens",
      "10",
      "--max-tokens-per-passage",
      "40",
      ...serverArgs(server.baseUrl),
      ...extra,
    ],
  };
}
