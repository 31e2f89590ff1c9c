/**
 * `selfalign export`: every format's rows checked against what its trainer documents (testkit/
 * trainer-formats.ts), for SFT and preference input, single- and multi-turn, with system prompts;
 * round trips through each format; dataset_info.json entries and merging; the dataset card's front
 * matter; errors that name file:line and field; Parquet read back with hyparquet and readRecords.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import {
  type ExportDatasetOptions,
  type ExportFormat,
  exportDataset,
  InputError,
  readRecords,
} from "../src/index.js";
import { runCli, tempDir } from "../testkit/cli.js";
import {
  cleanupsAfterEach,
  readJsonlFile,
  removeDir,
  respondFixture,
  writeJsonl,
} from "../testkit/respond-e2e.js";
import {
  alpacaPreference,
  alpacaSft,
  openaiDpo,
  openaiSft,
  type RowCheck,
  readCard,
  rowProblems,
  sharegptPreference,
  sharegptSft,
  trlCompletion,
  trlPreference,
} from "../testkit/trainer-formats.js";

const cleanups = cleanupsAfterEach();

function workspace(): string {
  const dir = tempDir("selfalign-export-");
  cleanups.push(() => removeDir(dir));
  return dir;
}

const SYSTEM = "You answer briefly and precisely.";
const SUMMARY_PROMPT = "Summarize the following paragraph in one sentence.";
const PARAGRAPH =
  "The river rose after three days of rain, and the village moved its boats to higher ground.";

/** respond's record shape: instruction, input, response and the chat it was asked in. */
const respondRecord = {
  id: "r1",
  instruction: SUMMARY_PROMPT,
  input: PARAGRAPH,
  response: "Heavy rain flooded the river, so the villagers moved their boats uphill.",
  messages: [
    { role: "system", content: SYSTEM },
    { role: "user", content: `${SUMMARY_PROMPT}\n\n${PARAGRAPH}` },
    {
      role: "assistant",
      content: "Heavy rain flooded the river, so the villagers moved their boats uphill.",
    },
  ],
  model: "model-a",
  meta: { method: "respond", model_id: "openai-compatible:model-a" },
};

const sftRecords = [
  respondRecord,
  // A structured reply that failed validation: respond writes response null with the error.
  {
    id: "r2",
    instruction: "Return the capital of France as JSON.",
    response: null,
    error: "structured output: expected object",
    messages: [
      { role: "user", content: "Return the capital of France as JSON." },
      { role: "assistant", content: "Paris" },
    ],
    meta: { method: "respond" },
  },
  {
    id: "r3",
    messages: [
      { role: "user", content: "What is the boiling point of water at sea level?" },
      { role: "assistant", content: "It is 100 degrees Celsius." },
      { role: "user", content: "And what is it in Fahrenheit, please?" },
      { role: "assistant", content: "It is 212 degrees Fahrenheit." },
    ],
    meta: { method: "evol", step: "evolve", model: "model-b" },
  },
  {
    id: "r4",
    instruction: "Name the largest planet of the solar system.",
    input: "",
    output: "Jupiter is the largest planet.",
    system: SYSTEM,
    history: [["Let us talk about astronomy today.", "Gladly, ask me anything."]],
  },
  { id: "r5", prompt: "Translate 'good morning' into French.", completion: "Bonjour." },
  { id: "r6", instruction: "An instruction that has not been answered yet." },
];

const preferenceRecords = [
  // The shape `selfalign preferences` writes.
  {
    id: "p1",
    prompt: "Write a two-line poem about the sea at night.",
    prompt_messages: [
      { role: "system", content: SYSTEM },
      { role: "user", content: "Write a two-line poem about the sea at night." },
    ],
    chosen: "Dark waves hum beneath the moon,\nthe tide keeps time, a silver tune.",
    rejected: "The sea is wet.",
    chosen_score: 8.5,
    rejected_score: 3,
    margin: 5.5,
    meta: { method: "preferences", judge_model: "judge" },
  },
  {
    id: "p2",
    instruction: "Name a prime number between ten and twenty.",
    input: "",
    chosen: "13",
    rejected: "15",
  },
  {
    id: "p3",
    prompt: [
      { role: "user", content: "I want to learn a new language this year." },
      { role: "assistant", content: "Great! Which one interests you most?" },
      { role: "user", content: "Which language is easiest for an English speaker?" },
    ],
    chosen: [{ role: "assistant", content: "Spanish or Norwegian are often called the easiest." }],
    rejected: [{ role: "assistant", content: "All languages are impossible." }],
  },
];

async function exportTo(
  dir: string,
  input: string,
  format: ExportFormat,
  file: string,
  extra: Partial<ExportDatasetOptions> = {},
) {
  const outputPath = join(dir, file);
  const result = await exportDataset({ inputPath: input, format, outputPath, ...extra });
  return { result, outputPath };
}

async function rowsOf(path: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const r of readRecords(path)) rows.push(r.value);
  return rows;
}

describe("selfalign export: SFT records", () => {
  it("writes LLaMA-Factory alpaca rows, skips failed and unanswered records, and registers the file (CLI)", async () => {
    const dir = workspace();
    const input = writeJsonl(join(dir, "responses.jsonl"), sftRecords);
    const out = join(dir, "sft.jsonl");
    const result = await runCli(["export", "--in", input, "--format", "alpaca", "--out", out]);
    expect(result.code).toBe(0);
    expect(readJsonlFile(out)).toEqual([
      { instruction: SUMMARY_PROMPT, input: PARAGRAPH, output: respondRecord.response, system: SYSTEM },
      {
        instruction: "And what is it in Fahrenheit, please?",
        input: "",
        output: "It is 212 degrees Fahrenheit.",
        history: [["What is the boiling point of water at sea level?", "It is 100 degrees Celsius."]],
      },
      {
        instruction: "Name the largest planet of the solar system.",
        input: "",
        output: "Jupiter is the largest planet.",
        system: SYSTEM,
        history: [["Let us talk about astronomy today.", "Gladly, ask me anything."]],
      },
      { instruction: "Translate 'good morning' into French.", input: "", output: "Bonjour." },
    ]);
    expect(result.stderr).toContain(
      "export (alpaca, sft): read 6, wrote 4, skipped 2 (failed-response 1, missing-response 1)",
    );
    expect(JSON.parse(readFileSync(join(dir, "dataset_info.json"), "utf8"))).toEqual({
      sft: {
        file_name: "sft.jsonl",
        formatting: "alpaca",
        columns: {
          prompt: "instruction",
          query: "input",
          response: "output",
          system: "system",
          history: "history",
        },
      },
    });
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  const sftFormats: [string, ExportFormat, Partial<ExportDatasetOptions>, RowCheck][] = [
    ["alpaca", "alpaca", {}, alpacaSft],
    ["sharegpt", "sharegpt", {}, sharegptSft],
    ["openai", "openai", {}, openaiSft],
    ["trl --conversational", "trl", { conversational: true }, trlCompletion(true)],
  ];
  for (const [label, format, extra, check] of sftFormats) {
    it(`${label}: every row has the documented fields, and reading it back gives the same chats`, async () => {
      const dir = workspace();
      const input = writeJsonl(join(dir, "in.jsonl"), sftRecords);
      const { result, outputPath } = await exportTo(dir, input, format, "out.jsonl", extra);
      const rows = readJsonlFile(outputPath);
      expect(rows).toHaveLength(4);
      expect(rowProblems(rows, check)).toEqual([]);
      expect(result).toMatchObject({ read: 6, written: 4, kind: "sft", withSystem: 2, multiTurn: 2 });
      // Round trip: the export read as input gives the same OpenAI chats as the original records.
      const direct = await exportTo(dir, input, "openai", "direct.jsonl");
      const again = await exportTo(dir, outputPath, "openai", "again.jsonl", {
        card: false,
        datasetInfo: false,
      });
      expect(readJsonlFile(again.outputPath)).toEqual(readJsonlFile(direct.outputPath));
    });
  }

  it("trl standard rows need a one-turn prompt without system: the others are skipped as needs-conversational", async () => {
    const dir = workspace();
    const input = writeJsonl(join(dir, "in.jsonl"), sftRecords);
    const { result, outputPath } = await exportTo(dir, input, "trl", "out.jsonl");
    expect(readJsonlFile(outputPath)).toEqual([
      { prompt: "Translate 'good morning' into French.", completion: "Bonjour." },
    ]);
    expect(rowProblems(readJsonlFile(outputPath), trlCompletion(false))).toEqual([]);
    expect(result.skipped).toEqual({
      "failed-response": 1,
      "needs-conversational": 3,
      "missing-response": 1,
    });
    expect(JSON.parse(readFileSync(join(dir, "dataset_info.json"), "utf8")).out).toEqual({
      file_name: "out.jsonl",
      formatting: "alpaca",
      columns: { prompt: "prompt", response: "completion" },
    });
  });

  it("openai and sharegpt entries carry LLaMA-Factory's tags; a .json output is one JSON array", async () => {
    const dir = workspace();
    const input = writeJsonl(join(dir, "in.jsonl"), sftRecords);
    const { outputPath } = await exportTo(dir, input, "openai", "chat.json");
    const array = JSON.parse(readFileSync(outputPath, "utf8")) as Record<string, unknown>[];
    expect(array).toHaveLength(4);
    expect(rowProblems(array, openaiSft)).toEqual([]);
    expect(array[0]).toEqual({ messages: respondRecord.messages });
    await exportTo(dir, input, "sharegpt", "conv.jsonl");
    const info = JSON.parse(readFileSync(join(dir, "dataset_info.json"), "utf8"));
    expect(info.chat).toEqual({
      file_name: "chat.json",
      formatting: "sharegpt",
      columns: { messages: "messages" },
      tags: {
        role_tag: "role",
        content_tag: "content",
        user_tag: "user",
        assistant_tag: "assistant",
        system_tag: "system",
      },
    });
    expect(info.conv).toEqual({
      file_name: "conv.jsonl",
      formatting: "sharegpt",
      columns: { messages: "conversations", system: "system" },
      tags: {
        role_tag: "from",
        content_tag: "value",
        user_tag: "human",
        assistant_tag: "gpt",
        system_tag: "system",
      },
    });
  });

  it("alpaca and sharegpt skip chats whose turns do not alternate; --strict makes that an error", async () => {
    const dir = workspace();
    const input = writeJsonl(join(dir, "in.jsonl"), [
      respondRecord,
      {
        messages: [
          { role: "user", content: "First question?" },
          { role: "user", content: "Second question?" },
          { role: "assistant", content: "One answer." },
        ],
      },
    ]);
    const { result } = await exportTo(dir, input, "sharegpt", "out.jsonl");
    expect(result.skipped).toEqual({ "not-alternating": 1 });
    const openai = await exportTo(dir, input, "openai", "all.jsonl");
    expect(openai.result.written).toBe(2);
    await expect(exportTo(dir, input, "alpaca", "strict.jsonl", { strict: true })).rejects.toThrow(
      `${input}:2: field "messages": message 2 after the system prompt is user, expected assistant`,
    );
    expect(existsSync(join(dir, "strict.jsonl"))).toBe(false);
  });
});

describe("selfalign export: preference records", () => {
  const prefFormats: [string, ExportFormat, Partial<ExportDatasetOptions>, RowCheck, number][] = [
    ["alpaca", "alpaca", {}, alpacaPreference, 3],
    ["sharegpt", "sharegpt", {}, sharegptPreference, 3],
    ["openai (DPO)", "openai", {}, openaiDpo, 3],
    ["dpo --conversational", "dpo", { conversational: true }, trlPreference(true), 3],
    ["dpo", "dpo", {}, trlPreference(false), 1],
  ];
  for (const [label, format, extra, check, written] of prefFormats) {
    it(`${label}: every row has the documented fields`, async () => {
      const dir = workspace();
      const input = writeJsonl(join(dir, "in.jsonl"), preferenceRecords);
      const { result, outputPath } = await exportTo(dir, input, format, "pairs.jsonl", extra);
      const rows = readJsonlFile(outputPath);
      expect(rows).toHaveLength(written);
      expect(rowProblems(rows, check)).toEqual([]);
      expect(result.kind).toBe("preference");
      if (written === 3) {
        // Lossless formats: reading the export back gives the same conversational pairs.
        const direct = await exportTo(dir, input, "dpo", "direct.jsonl", { conversational: true });
        const again = await exportTo(dir, outputPath, "dpo", "again.jsonl", {
          conversational: true,
          card: false,
        });
        expect(readJsonlFile(again.outputPath)).toEqual(readJsonlFile(direct.outputPath));
      }
    });
  }

  it("writes the exact documented shapes for a system prompt and a multi-turn prompt", async () => {
    const dir = workspace();
    const input = writeJsonl(join(dir, "in.jsonl"), preferenceRecords);
    const sharegpt = readJsonlFile((await exportTo(dir, input, "sharegpt", "s.jsonl")).outputPath);
    expect(sharegpt[0]).toEqual({
      conversations: [{ from: "human", value: "Write a two-line poem about the sea at night." }],
      chosen: { from: "gpt", value: preferenceRecords[0]!.chosen },
      rejected: { from: "gpt", value: "The sea is wet." },
      system: SYSTEM,
    });
    const alpaca = readJsonlFile((await exportTo(dir, input, "alpaca", "a.jsonl")).outputPath);
    expect(alpaca[2]).toEqual({
      instruction: "Which language is easiest for an English speaker?",
      input: "",
      chosen: "Spanish or Norwegian are often called the easiest.",
      rejected: "All languages are impossible.",
      history: [["I want to learn a new language this year.", "Great! Which one interests you most?"]],
    });
    const openai = readJsonlFile((await exportTo(dir, input, "openai", "o.jsonl")).outputPath);
    expect(openai[1]).toEqual({
      input: { messages: [{ role: "user", content: "Name a prime number between ten and twenty." }] },
      preferred_output: [{ role: "assistant", content: "13" }],
      non_preferred_output: [{ role: "assistant", content: "15" }],
    });
    const dpo = await exportTo(dir, input, "dpo", "d.jsonl");
    expect(readJsonlFile(dpo.outputPath)).toEqual([
      { prompt: "Name a prime number between ten and twenty.", chosen: "13", rejected: "15" },
    ]);
    expect(dpo.result.skipped).toEqual({ "needs-conversational": 2 });
    const info = JSON.parse(readFileSync(join(dir, "dataset_info.json"), "utf8"));
    expect(info.s).toMatchObject({
      formatting: "sharegpt",
      ranking: true,
      columns: { chosen: "chosen", rejected: "rejected" },
    });
    expect(info.a).toEqual({
      file_name: "a.jsonl",
      formatting: "alpaca",
      ranking: true,
      columns: {
        prompt: "instruction",
        query: "input",
        chosen: "chosen",
        rejected: "rejected",
        system: "system",
        history: "history",
      },
    });
    expect(info.d).toEqual({
      file_name: "d.jsonl",
      formatting: "alpaca",
      ranking: true,
      columns: { prompt: "prompt", chosen: "chosen", rejected: "rejected" },
    });
    // LLaMA-Factory has no reader for OpenAI's DPO rows: no entry, said so.
    expect(info.o).toBeUndefined();
  });

  it("reads TRL's implicit prompt and OpenAI's DPO rows; a record of the other kind is skipped as mixed-kind", async () => {
    const dir = workspace();
    const input = writeJsonl(join(dir, "in.jsonl"), [
      {
        chosen: [
          { role: "user", content: "Tell me a short joke." },
          {
            role: "assistant",
            content: "Why did the scarecrow win an award? He was outstanding in his field.",
          },
        ],
        rejected: [
          { role: "user", content: "Tell me a short joke." },
          { role: "assistant", content: "No." },
        ],
      },
      {
        input: { messages: [{ role: "user", content: "What is 2 + 2?" }] },
        preferred_output: [{ role: "assistant", content: "4" }],
        non_preferred_output: [{ role: "assistant", content: "5" }],
      },
      respondRecord,
    ]);
    const { result, outputPath } = await exportTo(dir, input, "dpo", "out.jsonl");
    expect(readJsonlFile(outputPath)).toEqual([
      {
        prompt: "Tell me a short joke.",
        chosen: "Why did the scarecrow win an award? He was outstanding in his field.",
        rejected: "No.",
      },
      { prompt: "What is 2 + 2?", chosen: "4", rejected: "5" },
    ]);
    expect(result.skipped).toEqual({ "mixed-kind": 1 });
  });
});

describe("selfalign export: from a real respond run", () => {
  it("exports what `selfalign respond --system` wrote, with the model in the card", async () => {
    const f = await respondFixture(cleanups, { reply: (ctx) => `Answer to: ${ctx.input}` });
    writeJsonl(f.input, [
      { id: "a", instruction: "Describe a thunderstorm over the mountains.", input: "" },
      { id: "b", instruction: "Explain photosynthesis in simple words.", input: "for a child" },
    ]);
    expect((await runCli(f.args(["--system", SYSTEM]))).code).toBe(0);
    const out = join(f.dir, "export", "sft.jsonl");
    const result = await runCli(["export", "--in", f.out, "--format", "alpaca", "--out", out]);
    expect(result.code).toBe(0);
    expect(readJsonlFile(out)).toEqual([
      {
        instruction: "Describe a thunderstorm over the mountains.",
        input: "",
        output: "Answer to: Describe a thunderstorm over the mountains.",
        system: SYSTEM,
      },
      {
        instruction: "Explain photosynthesis in simple words.",
        input: "for a child",
        output: "Answer to: Explain photosynthesis in simple words.\n\nfor a child",
        system: SYSTEM,
      },
    ]);
    const { body } = readCard(join(f.dir, "export", "README.md"));
    expect(body).toMatch(/\| respond \| 2 \|/);
    expect(body).toMatch(/\| test-model \| 2 \|/);
  });
});

describe("selfalign export: errors", () => {
  it("--format dpo on SFT records is an error that says so, naming file:line; nothing is written (CLI)", async () => {
    const dir = workspace();
    const input = writeJsonl(join(dir, "in.jsonl"), sftRecords);
    const out = join(dir, "out.jsonl");
    const result = await runCli(["export", "--in", input, "--format", "dpo", "--out", out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `error: ${input}:1: field "chosen": --format dpo needs preference records`,
    );
    expect(readdirSync(dir)).toEqual(["in.jsonl"]);
  });

  it("a malformed record is an InputError naming file:line and the field; --strict turns skips into errors", async () => {
    const dir = workspace();
    const input = writeJsonl(join(dir, "in.jsonl"), [
      respondRecord,
      respondRecord,
      {
        messages: [
          { role: "user", content: "Hi" },
          { role: "robot", content: "Beep" },
        ],
      },
    ]);
    const error = await exportTo(dir, input, "openai", "out.jsonl").catch((e: unknown) => e);
    expect(InputError.is(error)).toBe(true);
    expect((error as InputError).message).toBe(
      `${input}:3: field "messages[1].role": unsupported role "robot" (expected system, user/human or assistant/gpt)`,
    );
    expect(readdirSync(dir)).toEqual(["in.jsonl"]);

    const strictInput = writeJsonl(join(dir, "strict.jsonl"), sftRecords);
    const result = await runCli([
      "export",
      "--in",
      strictInput,
      "--format",
      "openai",
      "--out",
      join(dir, "s.jsonl"),
      "--strict",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${strictInput}:2: field "response": the response is null: structured output: expected object (failed-response)`,
    );
    expect(existsSync(join(dir, "s.jsonl"))).toBe(false);
  });

  it("an unreadable dataset_info.json stops the export before anything is written", async () => {
    const dir = workspace();
    const input = writeJsonl(join(dir, "in.jsonl"), sftRecords);
    writeFileSync(join(dir, "dataset_info.json"), "{ not json");
    await expect(exportTo(dir, input, "alpaca", "out.jsonl")).rejects.toThrow(
      /dataset_info\.json: not valid JSON/,
    );
    expect(existsSync(join(dir, "out.jsonl"))).toBe(false);
    expect(readFileSync(join(dir, "dataset_info.json"), "utf8")).toBe("{ not json");
  });
});

describe("selfalign export: dataset_info.json and the dataset card", () => {
  it("merges into an existing dataset_info.json, keeping other entries and replacing its own", async () => {
    const dir = workspace();
    const input = writeJsonl(join(dir, "in.jsonl"), sftRecords);
    const other = { file_name: "alpaca_en_demo.json" };
    writeFileSync(
      join(dir, "dataset_info.json"),
      JSON.stringify({ alpaca_en_demo: other, mine: { file_name: "old.json" } }),
    );
    await exportTo(dir, input, "alpaca", "out.jsonl", { name: "mine" });
    const info = JSON.parse(readFileSync(join(dir, "dataset_info.json"), "utf8"));
    expect(Object.keys(info)).toEqual(["alpaca_en_demo", "mine"]);
    expect(info.alpaca_en_demo).toEqual(other);
    expect(info.mine.file_name).toBe("out.jsonl");
  });

  it("writes a card whose YAML front matter the Hub reads, and never replaces a README.md that is not ours", async () => {
    const dir = workspace();
    const input = writeJsonl(join(dir, "in.jsonl"), sftRecords);
    const { result } = await exportTo(dir, input, "openai", "chat.jsonl", { name: "rain-sft" });
    expect(result.cardPath).toBe(join(dir, "README.md"));
    const { front, body } = readCard(join(dir, "README.md"));
    expect(front).toEqual({
      license: "other",
      language: ["en"],
      task_categories: ["text-generation"],
      tags: ["synthetic", "selfalign", "sft", "openai"],
      size_categories: ["n<1K"],
      pretty_name: "rain-sft",
      configs: [{ config_name: "default", data_files: [{ split: "train", path: "chat.jsonl" }] }],
    });
    expect(body).toContain("4 records in `chat.jsonl`");
    expect(body).toMatch(/\| respond \| 1 \|/);
    expect(body).toMatch(/\| model-a \| 1 \|/);
    expect(body).toMatch(/\| model-b \| 1 \|/);
    expect(body).toMatch(/\| failed-response \| 1 \|/);
    expect(body).toMatch(/\| missing-response \| 1 \|/);
    expect(body).toContain("TRL SFTTrainer");

    // A re-export replaces our own card...
    await exportTo(dir, input, "openai", "chat.jsonl", { name: "renamed" });
    expect(readCard(join(dir, "README.md")).front.pretty_name).toBe("renamed");
    // ...but not someone else's.
    writeFileSync(join(dir, "README.md"), "# My own dataset notes\n");
    const again = await exportTo(dir, input, "openai", "chat.jsonl");
    expect(again.result.cardPath).toBeUndefined();
    expect(again.result.notes).toContain("README.md: kept as it is (not written by selfalign export)");
    expect(readFileSync(join(dir, "README.md"), "utf8")).toBe("# My own dataset notes\n");
  });

  it("--no-card and --no-dataset-info write the data only (CLI)", async () => {
    const dir = workspace();
    const input = writeJsonl(join(dir, "in.jsonl"), preferenceRecords);
    const out = join(dir, "pairs.jsonl");
    const result = await runCli([
      "export",
      "--in",
      input,
      "--format",
      "sharegpt",
      "--out",
      out,
      "--no-card",
      "--no-dataset-info",
    ]);
    expect(result.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["in.jsonl", "pairs.jsonl"]);
  });
});

describe("selfalign export: Parquet", () => {
  it("writes the Hub layout with messages as list<struct<role, content>>, read back by hyparquet and readRecords", async () => {
    const dir = workspace();
    const input = writeJsonl(join(dir, "in.jsonl"), sftRecords);
    const hub = join(dir, "rain-sft");
    const result = await runCli(["export", "--in", input, "--format", "parquet", "--out", `${hub}/`]);
    expect(result.code).toBe(0);
    const file = join(hub, "data/train-00000-of-00001.parquet");
    const buffer = await asyncBufferFromFile(file);
    const metadata = await parquetMetadataAsync(buffer);
    expect(metadata.schema.map((s) => [s.name, s.repetition_type ?? null, s.converted_type ?? null])).toEqual(
      [
        ["root", null, null],
        ["messages", "OPTIONAL", "LIST"],
        ["list", "REPEATED", null],
        ["element", "OPTIONAL", null],
        ["role", "OPTIONAL", "UTF8"],
        ["content", "OPTIONAL", "UTF8"],
      ],
    );
    const rows = await parquetReadObjects({ file: buffer });
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({ messages: respondRecord.messages });
    expect(rowProblems(await rowsOf(file), openaiSft)).toEqual([]);
    const direct = await exportTo(dir, input, "openai", "direct.jsonl");
    expect(await rowsOf(file)).toEqual(readJsonlFile(direct.outputPath));

    const info = JSON.parse(readFileSync(join(hub, "dataset_info.json"), "utf8"));
    expect(info["rain-sft"]).toMatchObject({
      file_name: "data/train-00000-of-00001.parquet",
      formatting: "sharegpt",
    });
    const { front } = readCard(join(hub, "README.md"));
    expect(front.configs).toEqual([
      { config_name: "default", data_files: [{ split: "train", path: "data/train-00000-of-00001.parquet" }] },
    ]);
  });

  it("writes preference pairs as TRL conversational prompt/chosen/rejected columns", async () => {
    const dir = workspace();
    const input = writeJsonl(join(dir, "in.jsonl"), preferenceRecords);
    const { result, outputPath } = await exportTo(dir, input, "parquet", "pairs.parquet");
    expect(result.notes).toEqual([
      "dataset_info.json: not written (LLaMA-Factory has no reader for conversational preference rows)",
    ]);
    const rows = await rowsOf(outputPath);
    expect(rowProblems(rows, trlPreference(true))).toEqual([]);
    expect(rows[0]).toEqual({
      prompt: preferenceRecords[0]!.prompt_messages,
      chosen: [{ role: "assistant", content: preferenceRecords[0]!.chosen }],
      rejected: [{ role: "assistant", content: "The sea is wet." }],
    });
    await expect(exportTo(dir, input, "parquet", "pairs.jsonl")).rejects.toThrow(
      /name the output \*\.parquet/,
    );
  });
});
