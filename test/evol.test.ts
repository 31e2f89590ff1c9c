/**
 * End-to-end tests of `selfalign evol` (Evol-Instruct) through the real CLI against the scripted model of
 * testkit/evol-model.ts: an evolution appends " [<operation>]" to its parent, and markers in an
 * instruction provoke each elimination rule, so every attempt's fate is predicted from its parent.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILT_IN_OPERATIONS, evolInstruct, readSeedTasks } from "../src/index.js";
import { runCli } from "../testkit/cli.js";
import {
  APOLOGY,
  answerOf,
  EVOL_SEEDS,
  type EvolFixture,
  evolFixture,
  evolModel,
  evolServer,
  MARKS,
  promptOf,
  requestKind,
  STEADY_SEEDS,
} from "../testkit/evol-model.js";
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
import type { RecordedRequest, ScriptedServer } from "../testkit/scripted-server.js";

const cleanups = cleanupsAfterEach();

type Rec = Record<string, unknown> & {
  id: string;
  parent_id: string | null;
  root_id: string;
  round: number;
  operation: string | null;
  kind: string;
  instruction: string;
  response: string | null;
  elimination: { rule: string; detail: string } | null;
  depth: number;
  meta: Record<string, unknown>;
};
type PoolRec = Rec & { lineage: string[]; operations: string[] };

const generations = (out: string) => readJsonlFile(join(out, "generations.jsonl")) as Rec[];
const pool = (out: string) => readJsonlFile(join(out, "pool.jsonl")) as PoolRec[];
const dropped = (out: string) => readJsonlFile(join(out, "dropped.jsonl"));
const attempts = (out: string) => generations(out).filter((r) => r.kind !== "seed");
const bodies = (requests: RecordedRequest[]) => requests.map((r) => JSON.stringify(r.body)).sort();
const ops = (out: string) => attempts(out).map((r) => `${r.round}/${r.parent_id}/${r.operation}`);
const ids = (list: ReadonlyArray<{ id: string }>) => list.map((op) => op.id);
/** The seeds without FLAKY, whose fate depends on what the server was asked before. */
const steady = (dir: string) => writeJsonl(join(dir, "seeds.jsonl"), STEADY_SEEDS);

/** The marker rule an instruction provokes, if any (FLAKY aside). */
function markRule(instruction: string): string | undefined {
  for (const [mark, rule] of Object.entries(MARKS)) if (instruction.includes(mark)) return rule;
  return undefined;
}

/**
 * Checks that every tree rebuilds from parent_id alone: each attempt hangs under a kept node of an
 * earlier round with the same root, one level deeper; each pool record's chain up to its root is its
 * lineage, with its operations along the way. Returns the trees' node counts by root.
 */
function checkTrees(out: string): Map<string, number> {
  const all = generations(out);
  const byId = new Map(all.map((r) => [r.id, r]));
  expect(byId.size).toBe(all.length);
  const sizes = new Map<string, number>();
  for (const r of all) {
    sizes.set(r.root_id, (sizes.get(r.root_id) ?? 0) + 1);
    if (r.kind === "seed") {
      expect(r).toMatchObject({ parent_id: null, root_id: r.id, round: 0, depth: 0, elimination: null });
      continue;
    }
    const parent = byId.get(r.parent_id as string) as Rec;
    expect(parent).toBeDefined();
    expect(parent.elimination).toBeNull();
    expect(parent.round).toBeLessThan(r.round);
    expect(r.root_id).toBe(parent.root_id);
    expect(r.depth).toBe(parent.depth + 1);
  }
  for (const p of pool(out)) {
    const chain: string[] = [];
    const operations: string[] = [];
    for (let node = byId.get(p.id); node; node = byId.get(node.parent_id ?? "")) {
      chain.unshift(node.id);
      if (node.operation) operations.unshift(node.operation);
      expect(node.elimination).toBeNull();
    }
    expect(chain).toEqual(p.lineage);
    expect(operations).toEqual(p.operations);
    expect(chain[0]).toBe(p.root_id);
    expect(p.depth).toBe(chain.length - 1);
    expect(p.instruction).toBe(byId.get(p.id)?.instruction);
  }
  return sizes;
}

/** Every attempt's rewrite prompt was sent (one request per attempt: each is its own draw). */
function checkEvolvePrompts(
  server: ScriptedServer,
  out: string,
  from = 0,
  extra: Parameters<typeof promptOf>[2] = [],
) {
  const all = generations(out);
  const byId = new Map(all.map((r) => [r.id, r]));
  const sent = chatRequests(server, from)
    .filter((r) => requestKind(r.body, extra) === "evolve")
    .map((r) => userMessageOf(r.body))
    .sort();
  const expected = attempts(out)
    .map((r) => promptOf(r.operation as string, byId.get(r.parent_id as string)?.instruction ?? "", extra))
    .sort();
  expect(sent).toEqual(expected);
}

describe("evol: rounds, operations and elimination", () => {
  it("evolves every pool instruction once a round, eliminates by each rule, retries failed ones un-evolved, and keeps trees whole", async () => {
    const server = await evolServer(cleanups);
    const f = evolFixture(cleanups, server);
    const result = await runCli(f.args(["--rounds", "3", "--breadth-share", "0"]));
    expect(result.stderr).toContain("evol: complete");
    expect(result.code).toBe(0);

    const all = generations(f.out);
    // The seeds first (round 0), each with its input joined to the instruction and its output kept.
    const seeds = all.slice(0, EVOL_SEEDS.length);
    expect(seeds.map((r) => r.id)).toEqual(EVOL_SEEDS.map((s) => s.id));
    expect(seeds.find((r) => r.id === "tides")).toMatchObject({
      kind: "seed",
      instruction: "Summarize the text.\n\nThe tide comes in twice a day.",
      response: "Tides come twice daily.",
      meta: { method: "evol-instruct", step: "seed", source: { file: f.input, line: 3 } },
    });
    expect(seeds.find((r) => r.id === "haiku")?.response).toBeNull();

    // No breadth: the pool stays at 9, every member is tried once a round, rounds in order.
    const tried = attempts(f.out);
    expect(tried.map((r) => r.round)).toEqual([1, 2, 3].flatMap((round) => Array(9).fill(round)));
    const byId = new Map(all.map((r) => [r.id, r]));
    for (const r of tried) {
      const parent = byId.get(r.parent_id as string) as Rec;
      expect(r.kind).toBe("depth");
      expect(ids(BUILT_IN_OPERATIONS.general)).toContain(r.operation);
      expect(r.meta).toMatchObject({
        method: "evol-instruct",
        step: "evolve",
        domain: "general",
        model: MODEL,
      });
      const rule = markRule(parent.instruction);
      const flakyFirst = parent.instruction.includes("FLAKY") && r.round !== 2;
      if (rule === "empty") {
        expect(r).toMatchObject({ instruction: "", response: null, elimination: { rule } });
        expect(r.meta.calls).toEqual({ evolve: expect.stringMatching(/^[0-9a-f]{64}$/) });
        continue;
      }
      expect(r.instruction.startsWith(`${parent.instruction} [${r.operation}]`)).toBe(true);
      if (rule === "template-leak" || flakyFirst) {
        expect(r).toMatchObject({ response: null, elimination: { rule: "template-leak" } });
        expect(r.elimination?.detail).toMatch(/^contains "(given|rewritten) prompt"$/);
      } else if (rule === "cannot-answer") {
        expect(r).toMatchObject({ response: APOLOGY, elimination: { rule }, gain: null });
      } else if (rule === "trivial-response") {
        expect(r).toMatchObject({ elimination: { rule, detail: "only stop words and punctuation" } });
      } else if (rule === "no-information-gain") {
        expect(r).toMatchObject({
          elimination: { rule, detail: "Only reworded." },
          gain: { equal: true, reason: "Only reworded." },
        });
        expect(r.meta.prompts).toEqual(["evol/in-depth@v1", "evol/information-gain@v1"]);
      } else {
        expect(r).toMatchObject({
          instruction: `${parent.instruction} [${r.operation}]`,
          response: answerOf(r.instruction),
          elimination: null,
          gain: { equal: false, reason: "Adds a requirement." },
        });
      }
    }

    // A failed attempt leaves its parent in the pool: the same parent is tried again next round.
    for (const id of ["empty", "leak", "sorry", "trivial", "same"]) {
      expect(tried.filter((r) => r.parent_id === id).map((r) => r.round)).toEqual([1, 2, 3]);
    }
    // FLAKY fails once, is kept on the retry, and its child fails once in turn.
    const flaky = tried.filter((r) => r.root_id === "flaky");
    expect(flaky.map((r) => [r.round, r.elimination?.rule ?? "kept"])).toEqual([
      [1, "template-leak"],
      [2, "kept"],
      [3, "template-leak"],
    ]);
    expect(flaky[1]?.parent_id).toBe("flaky");
    expect(flaky[2]?.parent_id).toBe(flaky[1]?.id);

    // The final pool: the latest kept version of every lineage, the roots that never evolved at depth 0.
    const final = pool(f.out);
    expect(final.map((p) => p.root_id)).toEqual(EVOL_SEEDS.map((s) => s.id));
    const depth = Object.fromEntries(final.map((p) => [p.root_id, p.depth]));
    expect(depth).toEqual({
      haiku: 3,
      photo: 3,
      tides: 3,
      empty: 0,
      leak: 0,
      sorry: 0,
      trivial: 0,
      same: 0,
      flaky: 1,
    });
    const tides = final.find((p) => p.root_id === "tides") as PoolRec;
    expect(tides.instruction).toBe(
      `Summarize the text.\n\nThe tide comes in twice a day. ${tides.operations.map((o) => `[${o}]`).join(" ")}`,
    );
    expect(tides.response).toBe(answerOf(tides.instruction));
    expect(final.find((p) => p.root_id === "leak")).toMatchObject({ id: "leak", round: 0, response: null });
    const sizes = checkTrees(f.out);
    expect(sizes.get("haiku")).toBe(4);
    expect(sizes.get("flaky")).toBe(4);

    // dropped.jsonl: the eliminated attempts again, by rule, under the same ids.
    const eliminated = tried.filter((r) => r.elimination);
    const drops = dropped(f.out);
    expect(drops.map((d) => d.id)).toEqual(eliminated.map((r) => r.id));
    expect(drops.map((d) => d.reason)).toEqual(eliminated.map((r) => r.elimination?.rule));

    // Requests: one rewrite per attempt (temperature 1, top-p 0.95), greedy judgements with a schema.
    checkEvolvePrompts(server, f.out);
    for (const r of chatRequests(server)) {
      const body = r.body as Record<string, unknown>;
      if (requestKind(body) === "judge") expect(body.temperature).toBe(0);
      else expect(body).toMatchObject({ temperature: 1, top_p: 0.95, max_tokens: 2048 });
    }

    const summary = readJson(join(f.out, "summary.json"));
    const rules = (round: number) => ({
      empty: 1,
      "template-leak": round === 2 ? 1 : 2,
      "cannot-answer": 1,
      "trivial-response": 1,
      "no-information-gain": 1,
    });
    expect(summary).toMatchObject({
      command: "evol",
      status: "complete",
      inputFormat: "alpaca",
      rounds: 3,
      completedRounds: 3,
      seeds: 9,
      domain: "general",
      pool: 9,
      evolved: 4,
      eliminated: {
        empty: 3,
        "template-leak": 5,
        "cannot-answer": 3,
        "trivial-response": 3,
        "no-information-gain": 3,
      },
      written: { generations: 9 + 27, pool: 9, dropped: 17 },
    });
    const perRound = summary.perRound as Array<Record<string, unknown>>;
    perRound.forEach((r, i) => {
      const round = i + 1;
      const kept = round === 2 ? 4 : 3;
      expect(r).toMatchObject({ round, pool: 9, decided: 9, kept, eliminated: 9 - kept, added: 0 });
      expect(r.byRule).toEqual(rules(round));
      const byOperation = r.byOperation as Record<string, { attempts: number; kept: number }>;
      expect(Object.values(byOperation).reduce((n, o) => n + o.attempts, 0)).toBe(9);
      expect(Object.values(byOperation).reduce((n, o) => n + o.kept, 0)).toBe(kept);
      // Responses for all but empty and leaked rewrites; judgements for those the response rules passed.
      const leaks = round === 2 ? 1 : 2;
      expect(r.requests).toEqual({ evolve: 9, respond: 9 - 1 - leaks, judge: 9 - 1 - leaks - 2 });
    });
  });

  it("draws operations from the run's seed (same seed, same draws; another seed, others); a kept in-breadth evolution joins the pool beside its parent", async () => {
    const server = await evolServer(cleanups);
    const args = ["--rounds", "3", "--breadth-share", "0.5"];
    const [a, b, c] = [1, 2, 3].map(() => evolFixture(cleanups, server, steady)) as [
      EvolFixture,
      EvolFixture,
      EvolFixture,
    ];
    expect((await runCli(a.args([...args, "--seed", "1"]))).code).toBe(0);
    expect((await runCli(b.args([...args, "--seed", "1"]))).code).toBe(0);
    expect((await runCli(c.args([...args, "--seed", "2"]))).code).toBe(0);
    expect(ops(b.out)).toEqual(ops(a.out));
    expect(readFileSync(join(b.out, "pool.jsonl"), "utf8")).toBe(
      readFileSync(join(a.out, "pool.jsonl"), "utf8"),
    );
    expect(ops(c.out).slice(0, 8)).not.toEqual(ops(a.out).slice(0, 8));

    for (const out of [a.out, c.out]) {
      const tried = attempts(out);
      const kinds = new Set(tried.map((r) => r.kind));
      expect(kinds).toEqual(new Set(["depth", "breadth"]));
      for (const r of tried.filter((x) => x.kind === "breadth")) {
        expect(r.operation).toBe("breadth");
        // In-breadth writes a new instruction on purpose: no information-gain judgement.
        expect(r.gain).toBeNull();
      }
      // Each kept breadth evolution of round 1 or 2: its parent and itself are both tried next round.
      const keptBreadth = tried.filter((r) => r.kind === "breadth" && !r.elimination);
      expect(keptBreadth.length).toBeGreaterThan(0);
      for (const r of keptBreadth.filter((x) => x.round < 3)) {
        const next = tried.filter((x) => x.round === r.round + 1).map((x) => x.parent_id);
        expect(next).toContain(r.parent_id);
        expect(next).toContain(r.id);
      }
      const summary = readJson(join(out, "summary.json"));
      const perRound = summary.perRound as Array<{ pool: number; added: number }>;
      expect(perRound[1]?.pool).toBe(8 + (perRound[0]?.added ?? 0));
      expect(summary.pool).toBe(8 + perRound.reduce((n, r) => n + r.added, 0));
      expect(pool(out)).toHaveLength(summary.pool as number);
      checkTrees(out);
    }
  });

  it("uses the code and math operation sets with --domain, on plain-text input; --breadth-share 1 takes only in-breadth", async () => {
    const server = await evolServer(cleanups);
    const text = (dir: string) => {
      const path = join(dir, "tasks.txt");
      writeFileSync(
        path,
        "# tasks\nReverse a string.\n\nSum the numbers in a list.\nFind the median of a list.\n",
      );
      return path;
    };
    for (const domain of ["code", "math"] as const) {
      const f = evolFixture(cleanups, server, text);
      const from = server.requests.length;
      const result = await runCli(f.args(["--rounds", "2", "--domain", domain, "--seed", "5"]));
      expect(result.code).toBe(0);
      const tried = attempts(f.out);
      expect(tried.length).toBeGreaterThanOrEqual(6);
      const used = new Set(tried.map((r) => r.operation));
      for (const op of used) expect(ids(BUILT_IN_OPERATIONS[domain])).toContain(op);
      expect(used.size).toBeGreaterThan(1);
      for (const r of tried) expect(r.meta.domain).toBe(domain);
      checkEvolvePrompts(server, f.out, from);
      expect(readJson(join(f.out, "summary.json"))).toMatchObject({
        inputFormat: "text",
        domain,
        operations: ids(BUILT_IN_OPERATIONS[domain]),
      });
      expect(
        generations(f.out)
          .slice(0, 3)
          .map((r) => r.id),
      ).toEqual(["seed_task_0", "seed_task_1", "seed_task_2"]);
    }
    const f = evolFixture(cleanups, server, text);
    expect((await runCli(f.args(["--rounds", "1", "--domain", "math", "--breadth-share", "1"]))).code).toBe(
      0,
    );
    expect(attempts(f.out).map((r) => r.operation)).toEqual(["math-breadth", "math-breadth", "math-breadth"]);
    expect(pool(f.out)).toHaveLength(6);
  });

  it("adds the operations of an --operations file, or uses only them with replace: true; a clash with a built-in id is refused", async () => {
    const pirate = { id: "pirate", kind: "depth" as const, directive: "Set the task aboard a pirate ship." };
    const server = await evolServer(cleanups, [pirate]);
    const opsFile = (dir: string, name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };

    const added = evolFixture(cleanups, server, steady);
    const file = opsFile(
      added.dir,
      "ops.yaml",
      `operations:\n  - id: pirate\n    kind: depth\n    directive: ${pirate.directive}\n`,
    );
    const from = server.requests.length;
    const args = ["--rounds", "3", "--breadth-share", "0", "--operations", file];
    expect((await runCli(added.args(args))).code).toBe(0);
    const used = new Set(attempts(added.out).map((r) => r.operation));
    expect(used.has("pirate")).toBe(true);
    expect([...used].some((op) => op !== "pirate")).toBe(true);
    expect(readJson(join(added.out, "summary.json")).operations).toEqual([
      ...ids(BUILT_IN_OPERATIONS.general),
      "pirate",
    ]);
    checkEvolvePrompts(server, added.out, from, [pirate]);

    const replaced = evolFixture(cleanups, server, steady);
    const only = opsFile(replaced.dir, "only.json", JSON.stringify({ replace: true, operations: [pirate] }));
    const before = server.requests.length;
    expect((await runCli(replaced.args(["--rounds", "2", "--operations", only]))).code).toBe(0);
    expect(new Set(attempts(replaced.out).map((r) => r.operation))).toEqual(new Set(["pirate"]));
    // A failed instruction retried with the same operation is asked again (a new draw), not served the
    // cached reply: the same rewrite prompt is sent once a round, and the two attempts differ in id.
    checkEvolvePrompts(server, replaced.out, before, [pirate]);
    const retried = attempts(replaced.out).filter((r) => r.parent_id === "empty");
    expect(retried.map((r) => r.round)).toEqual([1, 2]);
    expect(new Set(retried.map((r) => r.id)).size).toBe(2);
    const emptyPrompt = promptOf("pirate", "EMPTY: list three fruits.", [pirate]);
    const sentEmpty = chatRequests(server, before).filter((r) => userMessageOf(r.body) === emptyPrompt);
    expect(sentEmpty).toHaveLength(2);

    const clash = evolFixture(cleanups, server, steady);
    const bad = opsFile(clash.dir, "bad.yaml", "operations:\n  - id: deepen\n    directive: Go deeper.\n");
    const sent = server.requests.length;
    const refused = await runCli(clash.args(["--operations", bad]));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${bad}: field "operations": operation "deepen" is already built in`);
    const malformed = opsFile(
      clash.dir,
      "malformed.yaml",
      "operations:\n  - id: x\n    kind: sideways\n    directive: d\n",
    );
    const invalid = await runCli(clash.args(["--operations", malformed]));
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain(`${malformed}:3`);
    expect(server.requests).toHaveLength(sent);
  });
});

describe("evol: resume, recipe and library", () => {
  it("stopped by --max-calls (in round 1 or round 2), a re-run sends no finished request again and writes what one run writes", async () => {
    const server = await evolServer(cleanups);
    const args = ["--rounds", "2", "--concurrency", "3", "--breadth-share", "0.3"];
    const whole = evolFixture(cleanups, server, steady);
    expect((await runCli(whole.args(args))).code).toBe(0);
    const total = chatRequests(server).length;
    const files = ["generations.jsonl", "pool.jsonl", "dropped.jsonl"];
    const expected = {
      bodies: bodies(chatRequests(server)),
      files: files.map((name) => readFileSync(join(whole.out, name), "utf8")),
    };

    for (const stopAt of [4, total - 3]) {
      // The same input file: seed records name it.
      const f = evolFixture(cleanups, server, () => whole.input);
      const from = server.requests.length;
      const first = await runCli(f.args([...args, "--max-calls", String(stopAt)]));
      expect(first.code).toBe(3);
      expect(first.stderr).toContain("budget reached");
      expect(chatRequests(server, from)).toHaveLength(stopAt);
      const summary = readJson(join(f.out, "summary.json"));
      expect(summary.status).toBe("budget");
      expect(summary.completedRounds).toBe(stopAt === 4 ? 0 : 1);
      const partial = readFileSync(join(f.out, "generations.jsonl"), "utf8");
      expect(expected.files[0]?.startsWith(partial)).toBe(true);
      expect(partial.length).toBeLessThan(expected.files[0]?.length ?? 0);
      expect(pool(f.out)).toHaveLength(0);

      const second = await runCli(f.args(args));
      expect(second.code).toBe(0);
      // Exactly the requests of the uninterrupted run, over both sessions: nothing finished was sent again.
      expect(bodies(chatRequests(server, from))).toEqual(expected.bodies);
      expect(files.map((name) => readFileSync(join(f.out, name), "utf8"))).toEqual(expected.files);
    }

    // A call that fails for good stops the round (exit 2); the re-run retries it and finishes the same way.
    const f = evolFixture(cleanups, server, () => whole.input);
    server.injectFaults({ status: 500 });
    const failed = await runCli(f.args([...args, "--retries", "0"]));
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("re-run to retry");
    expect(readJson(join(f.out, "summary.json"))).toMatchObject({ status: "partial", completedRounds: 0 });
    expect(pool(f.out)).toHaveLength(0);
    expect((await runCli(f.args(args))).code).toBe(0);
    expect(files.map((name) => readFileSync(join(f.out, name), "utf8"))).toEqual(expected.files);
  });

  it("refuses to resume with settings that change what the run makes, naming them", async () => {
    const server = await evolServer(cleanups);
    const f = evolFixture(cleanups, server);
    expect((await runCli(f.args(["--rounds", "1"]))).code).toBe(0);
    const sent = server.requests.length;
    const changed = await runCli(f.args(["--rounds", "1", "--domain", "code"]));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('domain: "general" -> "code"');
    expect(server.requests).toHaveLength(sent);
  });

  it("runs from the library API; without the gain judge, a reworded evolution is kept", async () => {
    const { dir, runDir, engine, model, server } = await libraryRun(cleanups, evolModel().reply, 3);
    const chosen = EVOL_SEEDS.filter((s) => ["haiku", "photo", "same"].includes(s.id));
    const seeds = await readSeedTasks(writeJsonl(join(dir, "seeds.jsonl"), chosen));
    const stats = await evolInstruct({
      engine,
      model,
      seeds: seeds.tasks,
      outDir: dir,
      rounds: 2,
      breadthShare: 0,
      gainJudge: false,
    });
    runDir.close();
    expect(stats).toMatchObject({
      rounds: 2,
      completedRounds: 2,
      seeds: 3,
      pool: 3,
      evolved: 3,
      eliminated: {},
    });
    expect(stats.stoppedBy).toBeUndefined();
    expect(pool(dir).map((p) => p.depth)).toEqual([2, 2, 2]);
    expect(attempts(dir).map((r) => r.gain)).toEqual(Array(6).fill(null));
    expect(chatRequests(server).filter((r) => requestKind(r.body) === "judge")).toHaveLength(0);
  });
});
