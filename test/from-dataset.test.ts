/**
 * End-to-end tests of `selfalign from-dataset` (DYNOSAUR) through the real CLI against the scripted
 * server: CSV, JSONL and Parquet datasets; invalid tasks dropped with their reasons; one instance per
 * (row, valid task) minus rows with empty values, at no model call; resuming after a budget stop and
 * after a crash mid-expansion; bad data; the library call.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createOpenAICompatibleModel,
  fromDataset,
  type InputRecord,
  RunDirectory,
  RunEngine,
  readJsonl,
} from "../src/index.js";
import { runCli } from "../testkit/cli.js";
import {
  datasetFixture,
  exampleRowsOf,
  type ScriptedTask,
  showsDescription,
  writeCsv,
} from "../testkit/from-dataset-e2e.js";
import { columnsOf, writeParquetFile } from "../testkit/parquet-files.js";
import {
  chatRequests,
  cleanupsAfterEach,
  finishedCalls,
  MODEL,
  readJson,
  readJsonlFile,
  userMessageOf,
  writeJsonl,
} from "../testkit/respond-e2e.js";

const cleanups = cleanupsAfterEach();

const HEADER = ["id", "title", "review", "sentiment"];
/** Rows 3-6 each lack something; row 6's review spans two lines, so it starts on line 7. */
const ROWS = [
  ["1", "Great kettle", "Boils fast, looks nice.", "positive"],
  ["2", "Broke in a week", 'The handle snapped, "too bad".', "negative"],
  ["3", "", "Does the job.", "positive"],
  ["4", "Loud", "", "negative"],
  ["5", "Love it", "Best purchase this year.", "positive"],
  ["6", "Meh", "Multi\nline review", ""],
];

const SENTIMENT = "Decide whether the review is positive or negative.";
const TITLE = "Write a short title for the review.";
const WRITE_REVIEW = "Write a review that matches the title and the sentiment.";

/** The description-aware call: 2 valid tasks, then 3 invalid ones. */
const AWARE: ScriptedTask[] = [
  { instruction: SENTIMENT, input_fields: ["review"], output_field: "sentiment" },
  { instruction: TITLE, input_fields: ["review"], output_field: "title" },
  { instruction: "Guess the star rating.", input_fields: ["review"], output_field: "rating" },
  { instruction: "Repeat the sentiment.", input_fields: ["review", "sentiment"], output_field: "sentiment" },
  { instruction: "Invent a product title.", input_fields: [], output_field: "title" },
];

/** The description-unaware call: 1 valid task among a duplicate, three invalid and one past the 5 asked. */
const UNAWARE: ScriptedTask[] = [
  {
    instruction: "Decide whether this review is positive or negative.",
    input_fields: ["Review"],
    output_field: "sentiment",
  },
  { instruction: "   ", input_fields: ["review"], output_field: "title" },
  { instruction: WRITE_REVIEW, input_fields: ["title", "sentiment"], output_field: "review" },
  { instruction: "Summarize the review.", input_fields: ["review"], output_field: "" },
  { instruction: "Count the stars.", input_fields: ["stars"], output_field: "sentiment" },
  { instruction: "Give the review's id.", input_fields: ["review"], output_field: "id" },
];

function reviewsScript(context: { input: string }): ScriptedTask[] {
  return showsDescription(context) ? AWARE : UNAWARE;
}

/** [task instruction, input, output, row, line] of every instance of the reviews run, in file order. */
const EXPECTED_INSTANCES: Array<[string, string, string, number, number]> = [
  [SENTIMENT, "Boils fast, looks nice.", "positive", 1, 2],
  [TITLE, "Boils fast, looks nice.", "Great kettle", 1, 2],
  [WRITE_REVIEW, "title: Great kettle\nsentiment: positive", "Boils fast, looks nice.", 1, 2],
  [SENTIMENT, 'The handle snapped, "too bad".', "negative", 2, 3],
  [TITLE, 'The handle snapped, "too bad".', "Broke in a week", 2, 3],
  [WRITE_REVIEW, "title: Broke in a week\nsentiment: negative", 'The handle snapped, "too bad".', 2, 3],
  [SENTIMENT, "Does the job.", "positive", 3, 4],
  [SENTIMENT, "Best purchase this year.", "positive", 5, 6],
  [TITLE, "Best purchase this year.", "Love it", 5, 6],
  [WRITE_REVIEW, "title: Love it\nsentiment: positive", "Best purchase this year.", 5, 6],
  [TITLE, "Multi\nline review", "Meh", 6, 7],
];

describe("from-dataset: CSV end to end", () => {
  it("proposes tasks in 2 calls, drops invalid ones with reasons, and turns every row into instances", async () => {
    const f = await datasetFixture(cleanups, reviewsScript);
    const data = writeCsv(join(f.dir, "reviews.csv"), HEADER, ROWS);
    const result = await runCli(f.args(data));
    expect(result.stderr).toContain("from-dataset: complete");
    expect(result.code).toBe(0);

    // ceil(10 / 5) = 2 calls, and no call at all for the 11 instances.
    const requests = chatRequests(f.server);
    expect(requests).toHaveLength(2);
    const prompts = requests.map((r) => userMessageOf(r.body) as string);
    const aware = prompts.find((p) => p.includes("Description:")) as string;
    const unaware = prompts.find((p) => !p.includes("Description:")) as string;
    expect(aware).toBeDefined();
    expect(unaware).toBeDefined();
    for (const prompt of [aware, unaware]) {
      expect(prompt).toContain("Dataset: reviews");
      expect(prompt).toContain("Rows: 6");
      expect(prompt).toContain("- id: integer\n");
      expect(prompt).toMatch(/- title: text, about \d+ characters\n/);
      expect(prompt).toContain("- sentiment: text, about 8 characters; values: positive, negative\n");
      expect(prompt).toContain("Design 5 different tasks");
      const examples = exampleRowsOf(prompt);
      expect(examples).toHaveLength(3);
      for (const example of examples) expect(Object.keys(example)).toEqual(HEADER);
    }
    // Structured output: the JSON schema went with each request.
    for (const r of requests)
      expect(JSON.stringify((r.body as Record<string, unknown>).response_format)).toContain("input_fields");

    const tasks = readJsonlFile(join(f.out, "tasks.jsonl"));
    expect(tasks.map((t) => [t.instruction, t.input_fields, t.output_field])).toEqual([
      [SENTIMENT, ["review"], "sentiment"],
      [TITLE, ["review"], "title"],
      [WRITE_REVIEW, ["title", "sentiment"], "review"],
    ]);
    expect(tasks[0]!.answer_choices).toEqual(["positive", "negative"]);
    expect(tasks[1]).not.toHaveProperty("answer_choices");
    const meta0 = tasks[0]!.meta as Record<string, unknown>;
    expect(meta0).toMatchObject({
      method: "from-dataset",
      step: "propose",
      call: 0,
      position: 0,
      description_shown: true,
      model: MODEL,
      prompts: ["from-dataset/propose@v1"],
      dataset: "reviews",
      source_file: data,
    });
    expect((tasks[2]!.meta as Record<string, unknown>).description_shown).toBe(false);
    // The lineage names the cached call each task came from.
    const cached = new Set(finishedCalls(f.runDir).map((row) => row.key));
    for (const task of tasks) expect(cached.has((task.meta as { call_key: string }).call_key)).toBe(true);

    const dropped = readJsonlFile(join(f.out, "dropped.jsonl"));
    expect(dropped.map((d) => [d.reason, (d.task as ScriptedTask).instruction])).toEqual([
      ["unknown-field", "Guess the star rating."],
      ["output-in-inputs", "Repeat the sentiment."],
      ["no-input-fields", "Invent a product title."],
      ["duplicate-task", "Decide whether this review is positive or negative."],
      ["empty-instruction", "   "],
      ["no-output-field", "Summarize the review."],
      ["unknown-field", "Count the stars."],
      ["surplus", "Give the review's id."],
    ]);
    expect(dropped[0]!.detail).toBe('not a field of the dataset: "rating"');
    expect(dropped[3]!.detail).toContain(`task ${tasks[0]!.id}`);
    expect(dropped[6]!.detail).toBe('not a field of the dataset: "stars"');
    for (const d of dropped)
      expect(d.meta).toMatchObject({ method: "from-dataset", step: "propose", model: MODEL });

    // 6 rows x 3 tasks - 7 (row, task) pairs with an empty input or output = 11.
    const instances = readJsonlFile(join(f.out, "instructions.jsonl"));
    expect(instances).toHaveLength(6 * 3 - 7);
    const choices = " Answer with one of: positive, negative.";
    expect(instances.map((r) => [r.instruction, r.input, r.output, (r.meta as { row: number }).row])).toEqual(
      EXPECTED_INSTANCES.map(([task, input, output, row]) => [
        task === SENTIMENT ? task + choices : task,
        input,
        output,
        row,
      ]),
    );
    const byInstruction = new Map(tasks.map((t) => [t.instruction, t.id]));
    instances.forEach((r, i) => {
      const [task, , , row, line] = EXPECTED_INSTANCES[i]!;
      expect(r.id).toMatch(/^[0-9a-f]{16}$/);
      expect(r.meta).toEqual({
        method: "from-dataset",
        step: "expand",
        task_id: byInstruction.get(task),
        row,
        line,
        source_file: data,
        dataset: "reviews",
        model: MODEL,
        prompts:
          task === SENTIMENT
            ? ["from-dataset/propose@v1", "from-dataset/answer-choices@v1"]
            : ["from-dataset/propose@v1"],
      });
    });
    expect(new Set(instances.map((r) => r.id)).size).toBe(instances.length);

    const summary = readJson(join(f.out, "summary.json"));
    expect(summary.status).toBe("complete");
    expect(summary.tasks).toEqual({
      asked: 10,
      proposed: 11,
      valid: 3,
      dropped: {
        "unknown-field": 2,
        "output-in-inputs": 1,
        "no-input-fields": 1,
        "duplicate-task": 1,
        "empty-instruction": 1,
        "no-output-field": 1,
        surplus: 1,
      },
    });
    expect(summary.instances).toEqual({ written: 11, alreadyThere: 0, total: 11, rowsSkipped: 7 });
    expect(summary.perTask).toEqual([
      {
        task_id: tasks[0]!.id,
        output_field: "sentiment",
        instances: 4,
        skipped: { "empty-input": 1, "empty-output": 1 },
      },
      {
        task_id: tasks[1]!.id,
        output_field: "title",
        instances: 4,
        skipped: { "empty-input": 1, "empty-output": 1 },
      },
      {
        task_id: tasks[2]!.id,
        output_field: "review",
        instances: 3,
        skipped: { "empty-input": 2, "empty-output": 1 },
      },
    ]);
    expect(summary.calls).toBe(2);
  });

  it("re-running the finished command sends nothing and writes nothing twice", async () => {
    const f = await datasetFixture(cleanups, reviewsScript);
    const data = writeCsv(join(f.dir, "reviews.csv"), HEADER, ROWS);
    expect((await runCli(f.args(data))).code).toBe(0);
    const files = ["tasks.jsonl", "dropped.jsonl", "instructions.jsonl"].map((name) => join(f.out, name));
    const before = files.map((file) => readFileSync(file, "utf8"));
    const requests = chatRequests(f.server).length;

    const again = await runCli(f.args(data));
    expect(again.code).toBe(0);
    expect(chatRequests(f.server)).toHaveLength(requests);
    expect(files.map((file) => readFileSync(file, "utf8"))).toEqual(before);
    expect(readJson(join(f.out, "summary.json")).instances).toEqual({
      written: 0,
      alreadyThere: 11,
      total: 11,
      rowsSkipped: 7,
    });
  });
});

describe("from-dataset: JSONL and Parquet", () => {
  it("reads typed JSONL values: type guesses in the prompt, lists and numbers rendered in instances", async () => {
    const f = await datasetFixture(cleanups, () => [
      {
        instruction: "Pick the right answer.",
        input_fields: ["question", "choices"],
        output_field: "answer",
      },
      { instruction: "Rate how hard the question is.", input_fields: ["question"], output_field: "level" },
    ]);
    const data = writeJsonl(join(f.dir, "quiz.jsonl"), [
      { question: "2 + 2?", choices: ["3", "4", "5"], answer: 4, level: 1, ok: true },
      { question: "Capital of France?", choices: ["Paris", "Rome"], answer: "Paris", level: 1.5, ok: false },
      { question: "Empty choices", choices: [], answer: "none", level: null, ok: true },
    ]);
    const result = await runCli(
      f.args(data, [
        "--tasks",
        "2",
        "--description-mode",
        "with",
        "--name",
        "Quiz Bowl",
        "--sample-rows",
        "5",
      ]),
    );
    expect(result.code).toBe(0);
    const requests = chatRequests(f.server);
    expect(requests).toHaveLength(1);
    const prompt = userMessageOf(requests[0]!.body) as string;
    expect(prompt).toContain("Dataset: Quiz Bowl\nDescription: ");
    expect(prompt).toContain("Design 2 different tasks");
    expect(prompt).toMatch(
      /- question: text, about \d+ characters\n- choices: list\n- answer: mixed\n- level: number\n- ok: boolean\n/,
    );
    // All 3 rows (fewer than --sample-rows), in file order, values as they are.
    expect(exampleRowsOf(prompt).map((r) => r.question)).toEqual([
      "2 + 2?",
      "Capital of France?",
      "Empty choices",
    ]);
    expect(exampleRowsOf(prompt)[0]).toEqual({
      question: "2 + 2?",
      choices: '["3","4","5"]',
      answer: 4,
      level: 1,
      ok: true,
    });

    const instances = readJsonlFile(join(f.out, "instructions.jsonl"));
    expect(instances.map((r) => [r.input, r.output])).toEqual([
      ['question: 2 + 2?\nchoices: ["3","4","5"]', "4"],
      ["2 + 2?", "1"],
      ['question: Capital of France?\nchoices: ["Paris","Rome"]', "Paris"],
      ["Capital of France?", "1.5"],
    ]);
    expect(instances.map((r) => (r.meta as { line: number }).line)).toEqual([1, 1, 2, 2]);
    expect(readJson(join(f.out, "summary.json")).instances).toMatchObject({ total: 4, rowsSkipped: 2 });
  });

  it("reads a Parquet dataset row group by row group; rows are numbered from 1", async () => {
    const f = await datasetFixture(cleanups, () => [
      {
        instruction: "Translate the sentence into French.",
        input_fields: ["english"],
        output_field: "french",
      },
    ]);
    const rows = [
      { english: "Good morning", french: "Bonjour", votes: 3n },
      { english: "Thank you", french: "Merci", votes: 2n ** 60n },
      { english: "Goodbye", french: null, votes: null },
      { english: "Please", french: "S'il vous plaît", votes: 1n },
      { english: "Yes", french: "Oui", votes: 0n },
    ];
    const data = writeParquetFile(join(f.dir, "phrases.parquet"), {
      schema: [
        { name: "root", num_children: 3 },
        { name: "english", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
        { name: "french", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
        { name: "votes", type: "INT64", repetition_type: "OPTIONAL" },
      ],
      columns: columnsOf(["english", "french", "votes"], rows),
      codec: "GZIP",
      rowGroupSize: 2,
    });
    const result = await runCli(f.args(data, ["--tasks", "1"]));
    expect(result.code).toBe(0);
    const prompt = userMessageOf(chatRequests(f.server)[0]!.body) as string;
    expect(prompt).toContain("Dataset: phrases\n");
    expect(prompt).toContain("- votes: integer\n"); // 2^60 is kept exact (as text), still an integer
    expect(prompt).toContain("Design one task");
    const instances = readJsonlFile(join(f.out, "instructions.jsonl"));
    expect(instances.map((r) => [r.input, r.output, (r.meta as { row: number }).row])).toEqual([
      ["Good morning", "Bonjour", 1],
      ["Thank you", "Merci", 2],
      ["Please", "S'il vous plaît", 4],
      ["Yes", "Oui", 5],
    ]);
    expect(instances.every((r) => (r.meta as { source_file: string }).source_file === data)).toBe(true);
  });
});

describe("from-dataset: calls", () => {
  it("asks identical prompts as independent draws (Draws), each answered separately", async () => {
    const replies = [
      ["Classify the mood of this customer review.", "Give the review a headline."],
      ["Is the buyer happy or unhappy?", "Name this piece of feedback in three words."],
    ];
    const f = await datasetFixture(cleanups, (_context, n) => [
      { instruction: replies[n]![0]!, input_fields: ["review"], output_field: "sentiment" },
      { instruction: replies[n]![1]!, input_fields: ["review"], output_field: "title" },
    ]);
    const data = writeCsv(join(f.dir, "reviews.csv"), HEADER, ROWS);
    const args = [
      "--tasks",
      "4",
      "--tasks-per-call",
      "2",
      "--sample-rows",
      "0",
      "--description-mode",
      "without",
    ];
    expect((await runCli(f.args(data, args))).code).toBe(0);
    const requests = chatRequests(f.server);
    expect(requests).toHaveLength(2);
    const [a, b] = requests.map((r) => JSON.stringify((r.body as { messages: unknown }).messages));
    expect(a).toBe(b);
    expect(userMessageOf(requests[0]!.body)).not.toContain("Example rows");
    // Two answers, not one answer twice from the cache: 4 distinct tasks.
    const tasks = readJsonlFile(join(f.out, "tasks.jsonl"));
    expect(tasks).toHaveLength(4);
    expect(new Set(tasks.map((t) => (t.meta as { call_key: string }).call_key)).size).toBe(2);
  });

  it("drops a reply that is not valid JSON after the one repair round: 2 calls, no tasks", async () => {
    const f = await datasetFixture(cleanups, () => "Sure! Here are some tasks: 1. classify reviews");
    const data = writeCsv(join(f.dir, "reviews.csv"), HEADER, ROWS);
    const result = await runCli(f.args(data, ["--tasks", "3"]));
    expect(result.code).toBe(0);
    expect(chatRequests(f.server)).toHaveLength(2);
    const dropped = readJsonlFile(join(f.out, "dropped.jsonl"));
    expect(dropped.map((d) => d.reason)).toEqual(["invalid-reply"]);
    expect(dropped[0]!.reply).toBe("Sure! Here are some tasks: 1. classify reviews");
    expect(readJsonlFile(join(f.out, "tasks.jsonl"))).toEqual([]);
    expect(readJsonlFile(join(f.out, "instructions.jsonl"))).toEqual([]);
    expect(readJson(join(f.out, "summary.json"))).toMatchObject({ invalidReplies: 1, tasks: { valid: 0 } });
  });
});

describe("from-dataset: resuming", () => {
  it("a budget stop after 1 of 2 calls makes no instances; the re-run sends only the other call", async () => {
    const f = await datasetFixture(cleanups, reviewsScript);
    const data = writeCsv(join(f.dir, "reviews.csv"), HEADER, ROWS);
    const first = await runCli(f.args(data, ["--max-calls", "1", "--concurrency", "1"]));
    expect(first.code).toBe(3);
    expect(first.stderr).toContain("no instances made yet");
    expect(chatRequests(f.server)).toHaveLength(1);
    expect(readJsonlFile(join(f.out, "instructions.jsonl"))).toEqual([]);
    const tasksBefore = readJsonlFile(join(f.out, "tasks.jsonl"));
    expect(tasksBefore.map((t) => t.instruction)).toEqual([SENTIMENT, TITLE]);

    const second = await runCli(f.args(data));
    expect(second.code).toBe(0);
    const prompts = chatRequests(f.server).map((r) => userMessageOf(r.body));
    expect(prompts).toHaveLength(2);
    expect(new Set(prompts).size).toBe(2);
    expect(readJsonlFile(join(f.out, "tasks.jsonl")).map((t) => t.instruction)).toEqual([
      SENTIMENT,
      TITLE,
      WRITE_REVIEW,
    ]);
    expect(readJsonlFile(join(f.out, "dropped.jsonl"))).toHaveLength(8);

    // The same as a run that was never interrupted (same server, so the same model id and cache keys).
    const fresh = join(f.dir, "fresh");
    expect((await runCli(f.args(data, ["--out", fresh]))).code).toBe(0);
    for (const name of ["tasks.jsonl", "dropped.jsonl", "instructions.jsonl"]) {
      expect(readFileSync(join(f.out, name), "utf8")).toBe(readFileSync(join(fresh, name), "utf8"));
    }
  });

  it("after a crash mid-expansion the re-run appends exactly the missing instances, with no call", async () => {
    const f = await datasetFixture(cleanups, reviewsScript);
    const data = writeCsv(join(f.dir, "reviews.csv"), HEADER, ROWS);
    expect((await runCli(f.args(data))).code).toBe(0);
    const path = join(f.out, "instructions.jsonl");
    const full = readFileSync(path, "utf8");
    const lines = full.split("\n").filter((l) => l !== "");
    const requests = chatRequests(f.server).length;

    // Killed after 4 records, mid-way through the 5th line.
    writeFileSync(path, `${lines.slice(0, 4).join("\n")}\n${lines[4]!.slice(0, 30)}`);
    const resumed = await runCli(f.args(data));
    expect(resumed.code).toBe(0);
    expect(readFileSync(path, "utf8")).toBe(full);
    expect(readJson(join(f.out, "summary.json")).instances).toMatchObject({ written: 7, alreadyThere: 4 });

    // A file that is not a prefix of the sequence (a record missing in the middle) is completed too.
    writeFileSync(path, `${[...lines.slice(0, 2), ...lines.slice(3)].join("\n")}\n`);
    expect((await runCli(f.args(data))).code).toBe(0);
    const after = readFileSync(path, "utf8")
      .split("\n")
      .filter((l) => l !== "");
    expect(after).toHaveLength(lines.length);
    expect(new Set(after)).toEqual(new Set(lines));
    expect(chatRequests(f.server)).toHaveLength(requests);
  });
});

describe("from-dataset: bad input", () => {
  it("a malformed CSV row stops before any call with file:line, and no run directory", async () => {
    const f = await datasetFixture(cleanups, reviewsScript);
    const data = join(f.dir, "bad.csv");
    writeFileSync(data, "id,title,review,sentiment\n1,a,b,positive\n2,c,d,negative\n3,only two\n");
    const result = await runCli(f.args(data));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${data}:4: invalid CSV`);
    expect(chatRequests(f.server)).toHaveLength(0);
    expect(existsSync(f.runDir)).toBe(false);
  });

  it("a bad JSONL line, a file that is not Parquet and an empty dataset are reported likewise", async () => {
    const f = await datasetFixture(cleanups, reviewsScript);
    const jsonl = join(f.dir, "bad.jsonl");
    writeFileSync(jsonl, '{"a": "x", "b": "y"}\n{"a": "z", "b": "w"}\n{"a": oops}\n');
    const parquet = join(f.dir, "fake.parquet");
    writeFileSync(parquet, "a,b\n1,2\n");
    const empty = writeCsv(join(f.dir, "empty.csv"), HEADER, []);
    const unknown = join(f.dir, "data.txt");
    writeFileSync(unknown, "x\n");
    const cases: Array<[string, string]> = [
      [jsonl, `error: ${jsonl}:3: invalid JSON`],
      [parquet, `error: ${parquet}: not a readable Parquet file`],
      [empty, `error: ${empty}: the dataset has no rows`],
      [unknown, "cannot tell the format"],
    ];
    const results = await Promise.all(
      cases.map(([data], i) => runCli(f.args(data, ["--out", join(f.dir, `out-${i}`)]))),
    );
    results.forEach((result, i) => {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(cases[i]![1]);
    });
    expect(chatRequests(f.server)).toHaveLength(0);
  });
});

describe("from-dataset: library", () => {
  it("runs from code through src/index.ts", async () => {
    const f = await datasetFixture(cleanups, () => [
      { instruction: SENTIMENT, input_fields: ["review"], output_field: "sentiment" },
    ]);
    const data = writeCsv(join(f.dir, "reviews.csv"), HEADER, ROWS);
    const runDir = RunDirectory.open(join(f.dir, "lib-run"), { purpose: "test" });
    try {
      const engine = new RunEngine(runDir, { seed: 7 });
      const model = createOpenAICompatibleModel({ baseUrl: f.server.baseUrl, model: MODEL });
      engine.addModel(model, { concurrency: 2 });
      const outDir = join(f.dir, "lib-out");
      const result = await fromDataset({
        engine,
        model,
        dataPath: data,
        outDir,
        description: "reviews",
        tasks: 1,
        answerChoices: false,
      });
      expect(result.stop).toBeUndefined();
      expect(result.tasks).toMatchObject({ asked: 1, proposed: 1, valid: 1 });
      expect(result.instances).toEqual({ written: 4, alreadyThere: 0, total: 4, rowsSkipped: 2 });
      const records: InputRecord[] = [];
      for await (const r of readJsonl(join(outDir, "instructions.jsonl"))) records.push(r);
      expect(records.map((r) => r.value.instruction)).toEqual([SENTIMENT, SENTIMENT, SENTIMENT, SENTIMENT]);
      expect(chatRequests(f.server)).toHaveLength(1);
    } finally {
      runDir.close();
    }
  });
});
