/**
 * A scripted model for `selfalign unnatural` tests, and its fixture. Replies depend only on the request's
 * content (never on arrival order), so two runs of one command agree whatever the concurrency; what a
 * generation call returns is set by the first seed shown in its prompt (see `RULES`), so every draw's
 * fate can be predicted from the `seed_ids` the method records.
 */
import { join } from "node:path";
import { tempDir } from "./cli.js";
import { type Cleanup, removeDir, serverArgs, writeJsonl } from "./respond-e2e.js";
import {
  type ReplyContext,
  type ScriptedReply,
  type ScriptedServer,
  startScriptedServer,
} from "./scripted-server.js";

/** Seeds in the Self-Instruct format with Unnatural's optional constraints; ids u0..u9. */
export const UNNATURAL_SEEDS = [
  ["Give the antonym of the word.", "generous", "stingy", ""],
  [
    "Classify the sentiment of the review.",
    "I loved every minute.",
    "positive",
    "Answer positive or negative.",
  ],
  ["Write a limerick about a programmer who never sleeps.", "", "A coder who worked...", ""],
  ["Convert the temperatures from Celsius to Fahrenheit.", "0, 100", "32, 212", ""],
  ["Identify the programming language of the snippet.", "fn main() {}", "Rust", "Name one language."],
  ["Summarize the paragraph in one sentence.", "A long paragraph about tides.", "Tides follow the moon.", ""],
  ["Suggest three names for a coffee shop.", "", "Study Grounds, Bean Lab, Night Owl", ""],
  ["Is the number prime?", "13", "Yes", "Answer Yes or No."],
  ["Plan a three-day trip to a coastal town.", "", "Day 1: walk the harbour...", ""],
  ["Sort the words alphabetically.", "pear, apple, fig", "apple, fig, pear", ""],
] as const;

export function writeUnnaturalSeeds(path: string, count: number = UNNATURAL_SEEDS.length): string {
  return writeJsonl(
    path,
    UNNATURAL_SEEDS.slice(0, count).map(([instruction, input, output, constraints], i) => ({
      id: `u${i}`,
      instruction,
      instances: [{ input, output }],
      ...(constraints ? { constraints } : {}),
    })),
  );
}

const SEED_ID = new Map<string, string>(UNNATURAL_SEEDS.map(([instruction], i) => [instruction, `u${i}`]));

/** The colour example (rules u1 and u2 write it in two spellings that normalize the same). */
export const COLOUR = "Name a colour of the rainbow.";
export const SILENT_MARK = "Say nothing";

/**
 * What a generation whose first shown seed is `first` yields:
 *  u0: a copy of seed u0 (a duplicate of the seed); u1: the colour example; u2: the colour example
 *  spelled differently (a normalized duplicate); u3: no JSON even after the repair (invalid);
 *  u4: a task whose output is empty; u5: an empty instruction (invalid); others: a new example per
 *  ordered triple of shown seeds, with "image" in it (heuristics drop it), constraints only after u6.
 */
export type Fate = "seed-copy" | "colour" | "invalid" | "empty-output" | "unique";

export function fateOf(first: string): Fate {
  if (first === "u0") return "seed-copy";
  if (first === "u1" || first === "u2") return "colour";
  if (first === "u3" || first === "u5") return "invalid";
  if (first === "u4") return "empty-output";
  return "unique";
}

export function uniqueInstruction(ids: readonly string[]): string {
  return `Combine the tasks ${ids.join(", ")} into one image caption.`;
}

function generation(ids: string[], occurrence: number, vary: boolean): ScriptedReply {
  const first = ids[0] as string;
  const example = (instruction: string, input: string, constraints: string) =>
    JSON.stringify({ instruction, input, constraints });
  if (vary) return example(`Write task number ${occurrence} about ${ids.join(" and ")}.`, "", "");
  switch (first) {
    case "u0":
      return example(UNNATURAL_SEEDS[0][0], UNNATURAL_SEEDS[0][1], "");
    case "u1":
      return example(COLOUR, "", "None");
    case "u2":
      return example("  name a colour of   the RAINBOW ", "", "");
    case "u3":
      return "I could not think of a task.";
    case "u4":
      return example(`${SILENT_MARK} about the sea for a while.`, "the sea", "");
    case "u5":
      return example("   ", "some input", "");
    default:
      return example(
        uniqueInstruction(ids),
        `Context ${ids.join("-")}`,
        first === "u6" ? "Answer in one sentence." : "None",
      );
  }
}

/** The instructions shown in a generation prompt, in order, as seed ids. */
export function shownSeeds(prompt: string): string[] {
  const ids: string[] = [];
  for (const m of prompt.matchAll(/"instruction": ("(?:[^"\\]|\\.)*")/g)) {
    ids.push(SEED_ID.get(JSON.parse(m[1] as string) as string) ?? "?");
  }
  return ids;
}

/** The instruction a rewording prompt is about. */
export function rewordedInstruction(prompt: string): string {
  const m = /Here is an instruction for a task:\n\n([\s\S]*?)\n\n/.exec(prompt);
  return m?.[1] ?? "";
}

/** The task line of an output prompt. */
export function outputTask(prompt: string): string {
  return /^Task: (.*)$/m.exec(prompt)?.[1] ?? "";
}

export function rewordingsOf(instruction: string): string[] {
  // One new, one equal to the original, one repeating the first, one more (kept only when K >= 4).
  return [`Please: ${instruction}`, instruction, `Please: ${instruction}`, `Kindly ${instruction}`];
}

export function answerOf(task: string): string {
  return task.includes(SILENT_MARK) ? "" : `Answer to: ${task}`;
}

/**
 * The reply script. With `vary`, generations ignore the rules above and number each occurrence of a
 * prompt instead (for testing that repeated prompts are asked again, not served from the cache).
 */
export function unnaturalModel(options: { vary?: boolean } = {}) {
  const occurrences = new Map<string, number>();
  const reply = (ctx: ReplyContext): ScriptedReply => {
    const properties = (ctx.schema?.properties ?? {}) as Record<string, unknown>;
    if (ctx.input.startsWith("Your previous reply could not be used")) return "Still no JSON, sorry.";
    if ("rewordings" in properties) {
      return JSON.stringify({ rewordings: rewordingsOf(rewordedInstruction(ctx.input)) });
    }
    if ("instruction" in properties) {
      const n = occurrences.get(ctx.input) ?? 0;
      occurrences.set(ctx.input, n + 1);
      return generation(shownSeeds(ctx.input), n, options.vary ?? false);
    }
    return answerOf(outputTask(ctx.input));
  };
  return { reply };
}

export interface UnnaturalFixture {
  dir: string;
  seeds: string;
  out: string;
  args(extra?: string[]): string[];
}

/** A temp dir with the seeds and the argv of `unnatural` against `server` (shared across fixtures). */
export function unnaturalFixture(
  cleanups: Cleanup[],
  server: ScriptedServer,
  writeSeeds: (dir: string) => string = (dir) => writeUnnaturalSeeds(join(dir, "seeds.jsonl")),
): UnnaturalFixture {
  const dir = tempDir("selfalign-unnatural-");
  cleanups.push(() => removeDir(dir));
  const seeds = writeSeeds(dir);
  const out = join(dir, "out");
  return {
    dir,
    seeds,
    out,
    args: (extra = []) => [
      "unnatural",
      "--seeds",
      seeds,
      "--out",
      out,
      ...serverArgs(server.baseUrl),
      ...extra,
    ],
  };
}

export async function unnaturalServer(
  cleanups: Cleanup[],
  options: { vary?: boolean } = {},
): Promise<ScriptedServer> {
  const server = await startScriptedServer({ reply: unnaturalModel(options).reply });
  cleanups.push(() => server.close());
  return server;
}

/** Kinds of chat requests the method sends, told apart by their schema and prompt. */
export function requestKind(body: unknown): "generate" | "repair" | "output" | "reformulate" {
  const b = body as {
    response_format?: { json_schema?: { name?: string } };
    messages: Array<{ role: string }>;
  };
  const name = b.response_format?.json_schema?.name;
  if (name === "unnatural_rewordings") return "reformulate";
  if (name === "unnatural_example") return b.messages.length > 1 ? "repair" : "generate";
  return "output";
}
