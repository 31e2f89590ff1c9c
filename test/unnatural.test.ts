/**
 * End-to-end tests of `selfalign unnatural` (Unnatural Instructions) through the real CLI against the
 * scripted server of testkit/unnatural-model.ts, whose generation replies are set by the first seed
 * shown: every draw's fate (kept, duplicate, invalid, empty output) is predicted from the seed ids the
 * method records, whichever seeds the run's generator picks.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { normalizeForDedup, readSeedTasks, unnatural } from "../src/index.js";
import { runCli } from "../testkit/cli.js";
import { libraryRun } from "../testkit/library-run.js";
import {
  chatRequests,
  cleanupsAfterEach,
  MODEL,
  readJson,
  readJsonlFile,
  userMessageOf,
  writeJsonl,
} from "../testkit/respond-e2e.js";
import type { RecordedRequest } from "../testkit/scripted-server.js";
import {
  answerOf,
  COLOUR,
  fateOf,
  outputTask,
  requestKind,
  rewordingsOf,
  UNNATURAL_SEEDS,
  uniqueInstruction,
  unnaturalFixture,
  unnaturalModel,
  unnaturalServer,
  writeUnnaturalSeeds,
} from "../testkit/unnatural-model.js";

const cleanups = cleanupsAfterEach();

type Rec = Record<string, unknown> & { meta: Record<string, unknown> };

const records = (out: string) => readJsonlFile(join(out, "instructions.jsonl")) as Rec[];
const drops = (out: string) => readJsonlFile(join(out, "dropped.jsonl"));
const generationBodies = (requests: RecordedRequest[]) =>
  requests
    .filter((r) => requestKind(r.body) === "generate")
    .map((r) => JSON.stringify(r.body))
    .sort();
const countReasons = (rows: Record<string, unknown>[]) => {
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.reason as string] = (counts[r.reason as string] ?? 0) + 1;
  return counts;
};

describe("unnatural: core examples, outputs and reformulations", () => {
  it("keeps --count unique examples in draw order, answers each in its own call, rewords them, and logs every drop", async () => {
    const server = await unnaturalServer(cleanups);
    const f = unnaturalFixture(cleanups, server);
    const result = await runCli(f.args(["--count", "5", "--reformulations", "3"]));
    expect(result.stderr).toContain("unnatural: complete");
    expect(result.code).toBe(0);

    const all = records(f.out);
    const core = all.filter((r) => r.meta.step === "core");
    const reformulations = all.filter((r) => r.meta.step === "reformulation");
    expect(core).toHaveLength(5);
    // Core examples first, then the reformulations in the order of their examples.
    expect(all.slice(0, 5)).toEqual(core);
    expect(reformulations.map((r) => r.meta.parent_id)).toEqual(core.map((r) => r.id));
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);

    const dropped = drops(f.out);
    const coreDrops = dropped.filter((d) => d.step === "core");
    // Every draw is decided exactly once, in order, and the last draw made is the one that reached --count.
    const draws = [...core.map((r) => r.meta.draw), ...coreDrops.map((d) => d.draw)] as number[];
    draws.sort((a, b) => a - b);
    expect(draws).toEqual(draws.map((_, i) => i));
    expect(core.at(-1)?.meta.draw).toBe(draws.length - 1);
    expect(core.map((r) => r.meta.draw)).toEqual(
      [...(core.map((r) => r.meta.draw) as number[])].sort((a, b) => a - b),
    );

    // What each draw became follows from the first seed it showed.
    const colourKept = core.find((r) => fateOf((r.meta.seed_ids as string[])[0] as string) === "colour");
    for (const r of core) {
      const ids = r.meta.seed_ids as string[];
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(3);
      const fate = fateOf(ids[0] as string);
      expect(["colour", "unique"]).toContain(fate);
      if (fate === "unique") {
        expect(r.instruction).toBe(uniqueInstruction(ids));
        expect(r.input).toBe(`Context ${ids.join("-")}`);
        if (ids[0] === "u6") expect(r.constraints).toBe("Answer in one sentence.");
        else expect(r).not.toHaveProperty("constraints"); // "None" means no constraints
      } else {
        expect(r).toBe(colourKept);
        expect(r.input).toBe("");
      }
      expect(r.output).toBe(answerOf(r.instruction as string));
      expect(r.meta).toMatchObject({
        method: "unnatural",
        step: "core",
        model: MODEL,
        prompts: ["unnatural/generate@v1", "unnatural/output@v1"],
      });
      const calls = r.meta.calls as Record<string, string>;
      expect(calls.generate).toMatch(/^[0-9a-f]{64}$/);
      expect(calls.output).toMatch(/^[0-9a-f]{64}$/);
    }
    for (const d of coreDrops) {
      const fate = fateOf((d.seed_ids as string[])[0] as string);
      if (fate === "seed-copy") expect(d).toMatchObject({ reason: "duplicate", duplicate_of: "seed:u0" });
      else if (fate === "colour")
        expect(d).toMatchObject({ reason: "duplicate", duplicate_of: colourKept?.id });
      else if (fate === "empty-output") {
        // The first one has no output; the same example drawn again is its duplicate.
        const first = coreDrops.find((x) => fateOf((x.seed_ids as string[])[0] as string) === "empty-output");
        if (d === first) expect(d).toMatchObject({ reason: "empty-output", output: "" });
        else expect(d).toMatchObject({ reason: "duplicate", duplicate_of: first?.id });
      } else expect(d.reason).toBe("invalid");
      expect(d.detail).toEqual(expect.any(String));
    }
    const coreReasons = countReasons(coreDrops);
    expect(coreReasons.duplicate).toBeGreaterThan(0);
    expect(coreReasons.invalid).toBeGreaterThan(0);

    // Reformulations: of the four rewordings the model offers, K = 3 are taken; one is the original
    // instruction and one repeats another, so one per example survives; it keeps input, constraints, output.
    expect(reformulations).toHaveLength(5);
    reformulations.forEach((r, i) => {
      const parent = core[i] as Rec;
      expect(r.instruction).toBe(rewordingsOf(parent.instruction as string)[0]);
      expect(r.input).toBe(parent.input);
      expect(r.output).toBe(parent.output);
      expect(r.constraints).toBe(parent.constraints);
      expect(r.meta).toMatchObject({
        method: "unnatural",
        step: "reformulation",
        parent_id: parent.id,
        seed_ids: parent.meta.seed_ids,
        draw: parent.meta.draw,
        rewording: 0,
        prompts: ["unnatural/generate@v1", "unnatural/output@v1", "unnatural/reformulate@v1"],
      });
    });
    const reformulationDrops = dropped.filter((d) => d.step === "reformulation");
    expect(countReasons(reformulationDrops)).toEqual({ "same-as-original": 5, duplicate: 5 });
    for (const d of reformulationDrops.filter((x) => x.reason === "duplicate")) {
      expect(d.duplicate_of).toBe(reformulations.find((r) => r.meta.parent_id === d.parent_id)?.id);
    }

    // Requests: one generation per draw (plus a repair for each unparsable reply), a separate output
    // call per valid example (duplicates included, so the calls never depend on timing), one rewording
    // call per kept example.
    const requests = chatRequests(server);
    const kinds = countReasons(requests.map((r) => ({ reason: requestKind(r.body) })));
    expect(kinds.generate).toBe(draws.length);
    expect(kinds.reformulate).toBe(5);
    const outputs = requests.filter((r) => requestKind(r.body) === "output");
    for (const r of outputs) expect((r.body as Record<string, unknown>).response_format).toBeUndefined();
    const answered = outputs.map((r) => outputTask(userMessageOf(r.body) ?? ""));
    for (const r of core) expect(answered).toContain(r.instruction);
    // A copy of a seed is answered too, then dropped as a duplicate.
    expect(answered).toContain(UNNATURAL_SEEDS[0][0]);
    for (const r of requests)
      expect((r.body as Record<string, unknown>).temperature).toBe(requestKind(r.body) === "output" ? 0 : 1);

    const invalidDraws = dropped.filter((d) => d.step === "core" && d.reason === "invalid").length;
    const summary = readJson(join(f.out, "summary.json"));
    expect(summary).toMatchObject({
      command: "unnatural",
      status: "complete",
      seeds: 10,
      core: 5,
      reformulations: 5,
      exhausted: false,
      maxDraws: 20,
      // Asked of the engine: one per valid example; the server saw fewer when two asked the same thing.
      requests: { generate: draws.length, output: draws.length - invalidDraws, reformulate: 5 },
      dropped: countReasons(dropped),
    });
    expect((summary.session as Record<string, unknown>).calls).toBe(requests.length);
  });

  it("drops instructions the heuristic filters reject with --heuristics, and stops at --max-draws", async () => {
    const server = await unnaturalServer(cleanups);
    const f = unnaturalFixture(cleanups, server);
    const result = await runCli(
      f.args(["--count", "5", "--reformulations", "0", "--heuristics", "--max-draws", "8"]),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("--max-draws 8 reached short of 5");
    const core = records(f.out);
    // Only the colour example (in one of its two spellings) passes: the unique ones mention an image.
    expect(core).toHaveLength(1);
    expect(normalizeForDedup(core[0]?.instruction as string)).toBe(normalizeForDedup(COLOUR));
    const dropped = drops(f.out);
    expect(dropped).toHaveLength(7);
    for (const d of dropped) {
      if (fateOf((d.seed_ids as string[])[0] as string) === "unique") {
        expect(d).toMatchObject({ reason: "blacklist", detail: 'contains "image"' });
      }
    }
    expect(countReasons(dropped).blacklist).toBeGreaterThan(0);
    const summary = readJson(join(f.out, "summary.json"));
    expect(summary).toMatchObject({
      status: "complete",
      core: 1,
      exhausted: true,
      requests: { generate: 8, reformulate: 0 },
    });
    expect(chatRequests(server).filter((r) => requestKind(r.body) === "reformulate")).toHaveLength(0);
  });

  it("asks a repeated prompt again as an independent draw instead of reusing the cached answer", async () => {
    const server = await unnaturalServer(cleanups, { vary: true });
    // One seed shown out of one: every generation prompt is the same.
    const f = unnaturalFixture(cleanups, server, (dir) => writeUnnaturalSeeds(join(dir, "seeds.jsonl"), 1));
    const result = await runCli(f.args(["--count", "3", "--reformulations", "0"]));
    expect(result.code).toBe(0);
    const generations = chatRequests(server).filter((r) => requestKind(r.body) === "generate");
    expect(generations).toHaveLength(3);
    expect(new Set(generations.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(records(f.out).map((r) => r.instruction)).toEqual(
      [0, 1, 2].map((n) => `Write task number ${n} about u0.`),
    );
  });
});

describe("unnatural: resume, input errors and library", () => {
  it("stopped by --max-calls (in the core step or among the rewordings), a re-run sends no request twice and writes what one run writes", async () => {
    const server = await unnaturalServer(cleanups);
    const args = ["--count", "5", "--reformulations", "3", "--concurrency", "3"];
    const whole = unnaturalFixture(cleanups, server);
    expect((await runCli(whole.args(args))).code).toBe(0);
    const total = chatRequests(server).length;
    const expected = {
      generations: generationBodies(chatRequests(server)),
      instructions: readFileSync(join(whole.out, "instructions.jsonl"), "utf8"),
      dropped: readFileSync(join(whole.out, "dropped.jsonl"), "utf8"),
    };

    // The last request is always a rewording call: one is asked only once its example is kept.
    for (const stopAt of [4, total - 1]) {
      const f = unnaturalFixture(cleanups, server);
      const from = server.requests.length;
      const first = await runCli(f.args([...args, "--max-calls", String(stopAt)]));
      expect(first.code).toBe(3);
      expect(first.stderr).toContain("budget reached");
      expect(chatRequests(server, from)).toHaveLength(stopAt);
      expect(readJson(join(f.out, "summary.json")).status).toBe("budget");
      const partial = readFileSync(join(f.out, "instructions.jsonl"), "utf8");
      expect(expected.instructions.startsWith(partial)).toBe(true);
      expect(partial.length).toBeLessThan(expected.instructions.length);
      // The early stop falls among the core draws; the late one after them, among the rewordings.
      const partialCore = records(f.out).filter((r) => r.meta.step === "core").length;
      if (stopAt === 4) expect(partialCore).toBeLessThan(5);
      else expect(partialCore).toBe(5);

      const second = await runCli(f.args(args));
      expect(second.code).toBe(0);
      // The same draws as the uninterrupted run (a prompt drawn twice is asked twice, as there), and
      // no other request twice: nothing finished in the first session was asked again.
      const sent = chatRequests(server, from);
      expect(generationBodies(sent)).toEqual(expected.generations);
      const others = sent
        .filter((r) => requestKind(r.body) !== "generate")
        .map((r) => JSON.stringify(r.body));
      expect(new Set(others).size).toBe(others.length);
      expect(readFileSync(join(f.out, "instructions.jsonl"), "utf8")).toBe(expected.instructions);
      expect(readFileSync(join(f.out, "dropped.jsonl"), "utf8")).toBe(expected.dropped);
    }
  });

  it("refuses to resume a run with settings that change what it makes, naming them", async () => {
    const server = await unnaturalServer(cleanups);
    const f = unnaturalFixture(cleanups, server);
    expect((await runCli(f.args(["--count", "2", "--reformulations", "1"]))).code).toBe(0);
    const before = readFileSync(join(f.out, "instructions.jsonl"), "utf8");
    const sent = server.requests.length;
    const changed = await runCli(f.args(["--count", "2", "--reformulations", "2"]));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain("reformulations: 1 -> 2");
    expect(server.requests).toHaveLength(sent);
    expect(readFileSync(join(f.out, "instructions.jsonl"), "utf8")).toBe(before);
    // Asking for more with the same settings continues the run.
    expect((await runCli(f.args(["--count", "3", "--reformulations", "1"]))).code).toBe(0);
    expect(records(f.out).filter((r) => r.meta.step === "core")).toHaveLength(3);
  });

  it("rejects a bad seed file with its file, line and field before any call", async () => {
    const server = await unnaturalServer(cleanups);
    const f = unnaturalFixture(cleanups, server, (dir) =>
      writeJsonl(join(dir, "seeds.jsonl"), [
        {
          id: "a",
          instruction: "Give the antonym of the word.",
          instances: [{ input: "hot", output: "cold" }],
        },
        { id: "b", instruction: 42 },
      ]),
    );
    const result = await runCli(f.args(["--count", "3"]));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${f.seeds}:2: field "instruction"`);
    expect(server.requests).toHaveLength(0);
  });

  it("runs from the library API", async () => {
    const { dir, runDir, engine, model: llm } = await libraryRun(cleanups, unnaturalModel().reply, 3);
    const seeds = await readSeedTasks(writeUnnaturalSeeds(join(dir, "seeds.jsonl")));
    const stats = await unnatural({
      engine,
      model: llm,
      seeds: seeds.tasks,
      count: 4,
      reformulations: 1,
      outDir: dir,
    });
    runDir.close();
    expect(stats).toMatchObject({ core: 4, reformulations: 4, exhausted: false });
    expect(stats.stoppedBy).toBeUndefined();
    expect(records(dir)).toHaveLength(8);
  });
});
