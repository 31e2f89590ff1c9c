/**
 * Fixtures for the in-context methods' end-to-end tests: seed files in the formats people have, a temp
 * dir with a scripted server answering as `inContextModel`, and the argv of a method command against it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./cli.js";
import { type InContextScript, inContextModel } from "./in-context-model.js";
import { type Cleanup, removeDir, serverArgs, writeJsonl } from "./respond-e2e.js";
import { type ScriptedServer, startScriptedServer } from "./scripted-server.js";

/** Seed tasks of our own, in the original Self-Instruct seed format. */
export const ENGLISH_SEEDS = [
  [
    "Suggest a healthy breakfast without eggs that still has plenty of protein.",
    "",
    "Greek yogurt with oats and nuts.",
    false,
  ],
  ["Give the antonym of the word.", "generous", "stingy", false],
  [
    "Classify the sentiment of the review as positive or negative.",
    "I loved every minute.",
    "positive",
    true,
  ],
  [
    "Write a limerick about a programmer who never sleeps.",
    "",
    "A coder who worked through the night...",
    false,
  ],
  [
    "Explain the difference between weather and climate to a child.",
    "",
    "Weather is today; climate is the usual.",
    false,
  ],
  ["Convert the temperatures from Celsius to Fahrenheit.", "0, 100", "32, 212", false],
  [
    "Suggest three names for a coffee shop near a university.",
    "",
    "Study Grounds, Bean Lab, Night Owl",
    false,
  ],
  ["Identify the programming language of the snippet.", "fn main() {}", "Rust", true],
  [
    "Summarize the paragraph in one sentence for a busy reader.",
    "A long paragraph about tides.",
    "Tides follow the moon.",
    false,
  ],
  ["Plan a three-day trip to a coastal town on a small budget.", "", "Day 1: walk the harbour...", false],
] as const;

export function writeSelfInstructSeeds(path: string, seeds = ENGLISH_SEEDS): string {
  return writeJsonl(
    path,
    seeds.map(([instruction, input, output, clf], i) => ({
      id: `seed_task_${i}`,
      name: `seed_${i}`,
      instruction,
      instances: [{ input, output }],
      is_classification: clf,
    })),
  );
}

export const CHINESE_SEEDS = [
  "请用三句话解释光合作用的过程。",
  "把下面这段话翻译成英文。",
  "为一家新开的面包店想五个店名。",
  "判断这条评论的情感是正面还是负面。",
  "写一首关于秋天落叶的短诗。",
  "列出学习一门新语言的五个有效方法。",
  "总结这篇文章的主要观点。",
  "给一位刚入职的程序员写一封欢迎邮件。",
  "解释为什么天空是蓝色的。",
];

export interface InContextFixture {
  dir: string;
  server: ScriptedServer;
  counts: ReturnType<typeof inContextModel>["counts"];
  seeds: string;
  out: string;
  /** `<command> --seeds <seeds> --out <out>` against the server, quiet, fast retries, plus `extra`. */
  args(command: string, extra?: string[]): string[];
}

export async function inContextFixture(
  cleanups: Cleanup[],
  script: InContextScript = {},
  seeds: (dir: string) => string = (dir) => writeSelfInstructSeeds(join(dir, "seeds.jsonl")),
  latencyMs = 0,
): Promise<InContextFixture> {
  const dir = tempDir("selfalign-in-context-");
  cleanups.push(() => removeDir(dir));
  const model = inContextModel(script);
  const server = await startScriptedServer({ reply: model.reply, latencyMs });
  cleanups.push(() => server.close());
  const seedsPath = seeds(dir);
  const out = join(dir, "out");
  return {
    dir,
    server,
    counts: model.counts,
    seeds: seedsPath,
    out,
    args: (command, extra = []) => [
      command,
      "--seeds",
      seedsPath,
      "--out",
      out,
      ...serverArgs(server.baseUrl),
      ...extra,
    ],
  };
}

export function writeText(path: string, lines: readonly string[]): string {
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}
