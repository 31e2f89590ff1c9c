/**
 * End-to-end tests of `selfalign auto-evol` (Auto Evol-Instruct) through the real CLI against the
 * scripted server of testkit/auto-evol-model.ts, where a marker word in the method decides which
 * evolutions fail: every failure rate, and so every choice, is predicted from the records alone.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { autoEvol, readOperationsFile, readSeedTasks, resolveOperations } from "../src/index.js";
import {
  APOLOGY,
  autoEvolFixture,
  autoEvolModel,
  autoEvolServer,
  evolveRequest,
  expectedRule,
  markerOf,
  PROPOSALS,
  requestKind,
  taskLines,
  taskNumber,
} from "../testkit/auto-evol-model.js";
import { runCli } from "../testkit/cli.js";
import { libraryRun } from "../testkit/library-run.js";
import { chatRequests, cleanupsAfterEach, readJson, readJsonlFile } from "../testkit/respond-e2e.js";
import type { RecordedRequest } from "../testkit/scripted-server.js";

const cleanups = cleanupsAfterEach();

type Rec = Record<string, unknown>;
type Candidate = { index: number; method_id: string; method?: string; status: string; failures?: number };

const ARGS = ["--steps", "2", "--batch", "4", "--dev", "8", "--candidates", "5", "--seed", "7"];
const FILES = ["trajectories.jsonl", "history.jsonl", "analyses.jsonl", "method.json"];

const jsonl = (out: string, name: string) => readJsonlFile(join(out, name));
const bodies = (requests: RecordedRequest[]) => requests.map((r) => JSON.stringify(r.body)).sort();
const snapshot = (out: string) => FILES.map((f) => readFileSync(join(out, f), "utf8"));

/** Every method a run used, by id: the one each history line started from and every candidate. */
function methodsOf(history: Rec[]): Map<string, string> {
  const methods = new Map<string, string>();
  for (const h of history) {
    methods.set(h.method_id as string, h.method as string);
    for (const c of h.candidates as Candidate[]) if (c.method) methods.set(c.method_id, c.method);
  }
  return methods;
}

describe("auto-evol: the optimization loop", () => {
  it("evaluates the initial method and every new candidate on the development set, keeps the best, and writes history, analyses, trajectories and the method file", async () => {
    const server = await autoEvolServer(cleanups);
    const f = autoEvolFixture(cleanups, server);
    const result = await runCli(f.args([...ARGS, "--optimizer-model", "opt-model"]));
    expect(result.stderr).toContain("auto-evol: complete");
    expect(result.code).toBe(0);

    const history = jsonl(f.out, "history.jsonl");
    const trajectories = jsonl(f.out, "trajectories.jsonl");
    const analyses = jsonl(f.out, "analyses.jsonl");
    expect(history.map((h) => h.step)).toEqual([1, 2]);
    const methods = methodsOf(history);

    // Every evolution failed exactly as its method's marker and its task number say.
    for (const t of trajectories) {
      const marker = markerOf(methods.get(t.method_id as string) as string);
      const rule = expectedRule(marker, taskNumber(t.instruction as string));
      expect((t.elimination as Rec | null)?.rule).toBe(rule);
      expect(t.failed).toBe(rule !== undefined);
      if (rule === "cannot-answer") expect(t.response).toBe(APOLOGY);
      if (rule === "template-leak") expect(t.response).toBeNull();
      expect(t.meta).toMatchObject({ method: "auto-evol", step: t.step, model: "test-model" });
    }
    // The development set: 8 instructions, the same for every evaluation, disjoint from the batches.
    const dev = trajectories.filter((t) => t.role === "dev");
    const devIds = dev.filter((t) => t.step === 0).map((t) => t.instruction_id);
    expect(devIds).toHaveLength(8);
    const batches = trajectories.filter((t) => t.role === "batch");
    expect(batches.map((t) => t.step)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    for (const t of batches) expect(devIds).not.toContain(t.instruction_id);
    const failuresOn = (marker: Parameters<typeof expectedRule>[0]) =>
      dev
        .filter((t) => t.step === 0)
        .filter((t) => expectedRule(marker, taskNumber(t.instruction as string)) !== undefined).length;
    // The split makes the choices below strict where they should be.
    expect(failuresOn("sturdy")).toBeLessThan(failuresOn("plain"));
    expect(failuresOn("sturdy")).toBeLessThan(failuresOn("shaky"));

    // Step 1: the initial method against the five proposals (the fifth repeats the second: not evaluated).
    const [one, two] = history as [Rec, Rec];
    expect(one).toMatchObject({
      method_id: "auto-evol-initial",
      dev_failure_rate: failuresOn("plain") / 8,
      batch: { instruction_ids: batches.slice(0, 4).map((t) => t.instruction_id) },
      analysis_id: analyses[0]?.id,
      chosen: 1, // STURDY and TWIN tie: the earlier one
      next_method_id: "auto-evol-s1-c1",
      next_dev_failure_rate: failuresOn("sturdy") / 8,
      meta: { method: "auto-evol", step: 1, model: "test-model", optimizer_model: "opt-model" },
    });
    const c1 = one.candidates as Candidate[];
    expect(c1.map((c) => c.status)).toEqual([
      "evaluated",
      "evaluated",
      "evaluated",
      "evaluated",
      "duplicate",
    ]);
    expect(c1.map((c) => c.method)).toEqual(PROPOSALS);
    expect(c1.map((c) => c.failures)).toEqual([
      failuresOn("shaky"),
      failuresOn("sturdy"),
      8,
      failuresOn("twin"),
      undefined,
    ]);
    // Step 2: STURDY in use; its proposals again (as the same text, STURDY is not evaluated twice);
    // TWIN ties it, and a candidate no worse than the current method is adopted.
    expect(two).toMatchObject({
      method_id: "auto-evol-s1-c1",
      method: PROPOSALS[1],
      dev_failure_rate: failuresOn("sturdy") / 8,
      chosen: 3,
      next_method_id: "auto-evol-s2-c3",
    });
    expect((two.candidates as Candidate[]).map((c) => c.status)).toEqual([
      "evaluated",
      "same-as-current",
      "evaluated",
      "evaluated",
      "same-as-current",
    ]);
    // Trajectory records per step: the batch, then each evaluated candidate on the whole dev set.
    expect(trajectories.map((t) => `${t.step}/${t.role}/${t.candidate}`)).toEqual([
      ...Array(8).fill("0/dev/null"),
      ...Array(4).fill("1/batch/null"),
      ...[0, 1, 2, 3].flatMap((k) => Array(8).fill(`1/dev/${k}`)),
      ...Array(4).fill("2/batch/null"),
      ...[0, 2, 3].flatMap((k) => Array(8).fill(`2/dev/${k}`)),
    ]);
    expect(trajectories.filter((t) => t.role === "batch" && t.step === 2).map((t) => t.method_id)).toEqual(
      Array(4).fill("auto-evol-s1-c1"),
    );
    expect(((trajectories[0] as Rec).meta as Rec).prompts).toEqual(
      expect.arrayContaining(["auto-evol/initial-method@v1", "evol/in-depth@v1"]),
    );

    // Analyses: one per step, by the optimizer model, on the step's batch.
    expect(analyses).toHaveLength(2);
    analyses.forEach((a, i) => {
      const batch = batches.filter((t) => t.step === i + 1);
      const failed = batch.filter((t) => t.failed).length;
      expect(a).toMatchObject({
        step: i + 1,
        method_id: history[i]?.method_id,
        instruction_ids: batch.map((t) => t.instruction_id),
        issues: failed ? [{ evidence: `${failed} of 4 cases failed.` }] : [],
        meta: { model: "opt-model", prompts: ["auto-evol/analyse@v1"] },
      });
    });

    // The final method is an operations file `evol --operations` accepts, replacing the built-ins.
    const set = readOperationsFile(join(f.out, "method.json"));
    expect(set).toEqual({
      replace: true,
      operations: [{ id: "auto-evol-s2-c3", kind: "depth", directive: PROPOSALS[3] }],
    });
    expect(resolveOperations("general", set)).toHaveLength(1);

    // Requests: who was asked what, with which sampling.
    const requests = chatRequests(server);
    const of = (kind: string) =>
      requests.filter((r) => requestKind(r.body) === kind).map((r) => r.body as Rec);
    expect(of("repair")).toHaveLength(0);
    expect(of("analyse").map((b) => [b.model, b.temperature])).toEqual([
      ["opt-model", 0],
      ["opt-model", 0],
    ]);
    expect(of("improve").map((b) => [b.model, b.temperature, b.n])).toEqual([
      ["opt-model", 1, 5],
      ["opt-model", 1, 5],
    ]);
    const evolves = of("evolve");
    // 8 for the initial method; per step 4 for the batch and 8 per evaluated candidate (4, then 3).
    expect(evolves).toHaveLength(8 + 4 + 4 * 8 + 4 + 3 * 8);
    for (const b of [...evolves, ...of("respond"), ...of("judge")]) expect(b.model).toBe("test-model");
    for (const b of evolves) expect([b.temperature, b.top_p, b.max_tokens]).toEqual([1, 0.95, 2048]);
    for (const b of [...of("respond"), ...of("judge")]) expect(b.temperature).toBe(0);
    const evolvedWith = new Set(
      evolves.map(
        (b) => evolveRequest((b.messages as Array<{ content: string }>).at(-1)?.content ?? "")?.method,
      ),
    );
    expect(evolvedWith).toEqual(new Set([history[0]?.method, ...PROPOSALS.slice(0, 4)]));

    const summary = readJson(join(f.out, "summary.json"));
    expect(summary).toMatchObject({
      command: "auto-evol",
      status: "complete",
      instructions: 24,
      train: 16,
      dev: 8,
      completedSteps: 2,
      initialDevFailureRate: failuresOn("plain") / 8,
      method: { id: "auto-evol-s2-c3", devFailureRate: failuresOn("twin") / 8, text: PROPOSALS[3] },
      evolutions: evolves.length,
    });
  });

  it("starts from a given method (a method.json), and skips the gain judgement with --no-gain-judge", async () => {
    const server = await autoEvolServer(cleanups);
    const f = autoEvolFixture(cleanups, server);
    const method = join(f.dir, "start.json");
    writeFileSync(
      method,
      JSON.stringify({ replace: true, operations: [{ id: "mine", kind: "depth", directive: PROPOSALS[1] }] }),
    );
    const result = await runCli(
      f.args([
        "--steps",
        "1",
        "--batch",
        "3",
        "--dev",
        "6",
        "--candidates",
        "1",
        "--initial-method",
        method,
        "--no-gain-judge",
      ]),
    );
    expect(result.code).toBe(0);
    const [step] = jsonl(f.out, "history.jsonl");
    // The one proposal (SHAKY) fails more often than the STURDY start: the method stays.
    expect(step).toMatchObject({ method: PROPOSALS[1], chosen: null, next_method_id: "auto-evol-initial" });
    expect(readOperationsFile(join(f.out, "method.json")).operations[0]?.directive).toBe(PROPOSALS[1]);
    const trajectories = jsonl(f.out, "trajectories.jsonl");
    expect(((trajectories[0] as Rec).meta as Rec).prompts).toEqual(["evol/in-depth@v1"]);
    expect(chatRequests(server).filter((r) => requestKind(r.body) === "judge")).toHaveLength(0);
  });
});

describe("auto-evol: resume, input errors and library", () => {
  it("stopped by --max-calls or a failed call, a re-run sends no finished request again and writes the files one run writes; more --steps continue a run", async () => {
    const server = await autoEvolServer(cleanups);
    const whole = autoEvolFixture(cleanups, server);
    expect((await runCli(whole.args(ARGS))).code).toBe(0);
    const total = chatRequests(server).length;
    const expected = { requests: bodies(chatRequests(server)), files: snapshot(whole.out) };

    // Early: among the first candidates' evaluations; late: in the last step.
    for (const stopAt of [30, total - 5]) {
      const f = autoEvolFixture(cleanups, server);
      const from = server.requests.length;
      const first = await runCli(f.args([...ARGS, "--max-calls", String(stopAt)]));
      expect(first.code).toBe(3);
      expect(first.stderr).toContain("budget reached");
      expect(readJson(join(f.out, "summary.json")).status).toBe("budget");
      const partial = readFileSync(join(f.out, "trajectories.jsonl"), "utf8");
      expect((expected.files[0] as string).startsWith(partial)).toBe(true);
      expect(partial.length).toBeLessThan((expected.files[0] as string).length);

      const second = await runCli(f.args(ARGS));
      expect(second.code).toBe(0);
      // Both sessions together sent exactly the requests of the uninterrupted run.
      expect(bodies(chatRequests(server, from))).toEqual(expected.requests);
      expect(snapshot(f.out)).toEqual(expected.files);
    }

    // A call that fails for good (no retries) stops the run after the calls in flight, with exit code 2.
    const failing = autoEvolFixture(cleanups, server);
    let from = server.requests.length;
    server.injectFaults(...Array.from({ length: 40 }, () => ({ delayMs: 0 })), { status: 400 });
    const failed = await runCli(failing.args([...ARGS, "--retries", "0"]));
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("re-run to retry");
    expect(readJson(join(failing.out, "summary.json")).status).toBe("partial");
    expect((await runCli(failing.args(ARGS))).code).toBe(0);
    const answered = chatRequests(server, from).filter((r) => !(r.fault && "status" in r.fault));
    expect(bodies(answered)).toEqual(expected.requests);
    expect(snapshot(failing.out)).toEqual(expected.files);

    // --steps 1, then --steps 2: the second session goes on from the first.
    const f = autoEvolFixture(cleanups, server);
    from = server.requests.length;
    expect((await runCli(f.args(["--steps", "1", ...ARGS.slice(2)]))).code).toBe(0);
    expect(jsonl(f.out, "history.jsonl")).toHaveLength(1);
    expect((await runCli(f.args(ARGS))).code).toBe(0);
    expect(bodies(chatRequests(server, from))).toEqual(expected.requests);
    expect(snapshot(f.out)).toEqual(expected.files);
  });

  it("refuses a development set that leaves no training instructions, and a resume with other settings, before any call", async () => {
    const server = await autoEvolServer(cleanups);
    const f = autoEvolFixture(cleanups, server, 6);
    const tooBig = await runCli(f.args(["--steps", "1", "--dev", "6"]));
    expect(tooBig.code).toBe(1);
    expect(tooBig.stderr).toContain("6 instructions leave none for training after a development set of 6");
    expect(server.requests).toHaveLength(0);

    const args = ["--steps", "1", "--dev", "3", "--batch", "2", "--candidates", "2"];
    expect((await runCli(f.args(args))).code).toBe(0);
    const sent = server.requests.length;
    const changed = await runCli(f.args([...args.slice(0, 4), "--batch", "1", ...args.slice(6)]));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain("batch: 2 -> 1");
    expect(server.requests).toHaveLength(sent);
  });

  it("runs from the library API", async () => {
    const { dir, runDir, engine, model } = await libraryRun(cleanups, autoEvolModel().reply, 3);
    const input = join(dir, "tasks.txt");
    writeFileSync(input, `${taskLines(12)}\n`);
    const { tasks } = await readSeedTasks(input);
    const stats = await autoEvol({
      engine,
      model,
      instructions: tasks,
      steps: 1,
      dev: 4,
      batch: 3,
      candidates: 2,
      outDir: dir,
    });
    runDir.close();
    expect(stats).toMatchObject({ instructions: 12, train: 8, dev: 4, completedSteps: 1 });
    expect(stats.stoppedBy).toBeUndefined();
    // Of SHAKY and STURDY, STURDY fails least and no more often than the initial method.
    expect(stats.perStep[0]).toMatchObject({ chosen: 1, nextMethodId: "auto-evol-s1-c1" });
    expect(readOperationsFile(join(dir, "method.json")).operations[0]?.directive).toBe(PROPOSALS[1]);
    expect(jsonl(dir, "trajectories.jsonl")).toHaveLength(4 + 3 + 2 * 4);
  });
});
