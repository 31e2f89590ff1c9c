/**
 * The run report without a browser: the collector and panel builders on a real pipeline run (made
 * through the CLI against the scripted server), the page's escaping and policy, the caps on large
 * files, key redaction, the CLI, and `serve`'s data endpoint.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectReport, type ReportData, renderReportHtml, serveReport, writeReport } from "../src/index.js";
import { ValueSeries } from "../src/report/histogram.js";
import { verbNounOf } from "../src/report/verb-noun.js";
import { runCli, tempDir } from "../testkit/cli.js";
import { HOSTILE } from "../testkit/report-model.js";
import { REPORT_KEY, REPORT_KEY_ENV, type ReportRun, reportRunFixture } from "../testkit/report-run.js";
import { type Cleanup, filesUnder, readJson, readJsonlFile, removeDir } from "../testkit/respond-e2e.js";

const cleanups: Cleanup[] = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

let run: ReportRun;
let data: ReportData;
const lines = (step: string, file: string) => readJsonlFile(join(run.dir, step, file));

beforeAll(async () => {
  run = await reportRunFixture(cleanups);
  data = await collectReport(run.dir);
}, 90_000);

/** A copy of the run to damage or extend (the shared one stays as made). */
function scratchCopy(): string {
  const dir = tempDir("selfalign-report-copy-");
  cleanups.push(() => removeDir(dir));
  for (const file of filesUnder(run.dir)) {
    const target = join(dir, file.slice(run.dir.length + 1));
    mkdirSync(join(target, ".."), { recursive: true });
    writeFileSync(target, readFileSync(file));
  }
  return dir;
}

describe("report data from a pipeline run", () => {
  it("finds the steps of pipeline.json, with methods, statuses and models but no key", () => {
    expect(data.kind).toBe("pipeline");
    expect(data.title).toBe("demo-pipeline");
    expect(data.status).toBe("complete");
    expect(data.steps.map((s) => `${s.name}:${s.method}:${s.status}`)).toEqual([
      "generate:self-instruct:complete",
      "evolve:evol:complete",
      "respond:respond:complete",
      "judge:judge:complete",
      "redteam:rainbow:complete",
    ]);
    expect(data.models).toHaveLength(1);
    expect(data.models[0]).toMatchObject({ name: "test-model", provider: "openai-compatible" });
    expect(data.models[0]!.steps).toHaveLength(5);
    expect(JSON.stringify(data)).not.toContain(REPORT_KEY);
  });

  it("counts the funnel from the files", () => {
    const row = (step: string) => data.funnel.find((f) => f.step === step)!;
    const generated = lines("generate", "instructions.jsonl");
    const dropped = lines("generate", "dropped.jsonl");
    expect(dropped.length).toBeGreaterThan(0);
    expect(row("generate")).toMatchObject({
      kept: generated.length,
      dropped: dropped.length,
      generated: generated.length + dropped.length,
      byReason: { "rouge-similar": dropped.length },
    });
    const generations = lines("evolve", "generations.jsonl").filter((r) => (r.round as number) > 0);
    expect(row("evolve")).toMatchObject({
      generated: generations.length,
      kept: generations.filter((r) => r.elimination === null).length,
    });
    expect(row("respond")).toMatchObject({ kept: lines("respond", "responses.jsonl").length, dropped: 0 });
    const candidates = lines("redteam", "candidates.jsonl");
    const rbDropped = lines("redteam", "dropped.jsonl");
    const reasons: Record<string, number> = {};
    for (const d of rbDropped) reasons[d.reason as string] = (reasons[d.reason as string] ?? 0) + 1;
    expect(row("redteam")).toMatchObject({
      generated: candidates.length,
      kept: candidates.filter((c) => c.outcome === "inserted" || c.outcome === "replaced-incumbent").length,
      dropped: rbDropped.length,
      byReason: reasons,
    });
  });

  it("builds diversity, seed similarity, lengths, scores, trees, the heat map and spend", () => {
    const kept = lines("generate", "instructions.jsonl");
    const diversity = data.diversity.find((d) => d.step === "generate")!;
    expect(diversity).toMatchObject({ total: kept.length, parsed: kept.length });
    // The scripted tasks start with verbs such as "Describe how ..." (no object).
    expect(diversity.verbs.length).toBeGreaterThan(2);
    expect(diversity.verbs.reduce((s, v) => s + v.count, 0)).toBe(diversity.withVerb);

    const rouge = data.rouge.find((r) => r.step === "generate")!;
    expect(rouge.source).toBe("seeds");
    expect(rouge.histogram.n).toBe(kept.length);
    expect(rouge.histogram.max!).toBeLessThanOrEqual(0.7);

    const judged = lines("judge", "judged.jsonl");
    const scores = data.scores.find((s) => s.step === "judge" && s.field === "score")!;
    expect(scores.histogram.n).toBe(judged.length);
    expect(scores.histogram.counts.reduce((a, b) => a + b, 0)).toBe(judged.length);

    expect(data.lengths.find((l) => l.step === "respond")!.responses.n).toBe(judged.length);

    const tree = data.trees.find((t) => t.step === "evolve")!;
    const generations = lines("evolve", "generations.jsonl");
    expect(tree.totalNodes).toBe(generations.length);
    expect(tree.roots).toHaveLength(generations.filter((g) => g.parent_id === null).length);
    const size = (n: { children: unknown[] }): number =>
      1 + (n.children as Array<{ children: unknown[] }>).reduce((s, c) => s + size(c), 0);
    expect(tree.roots.reduce((s, r) => s + size(r), 0)).toBe(generations.length);

    const grid = readJson(join(run.dir, "redteam", "grid.json"));
    const archive = lines("redteam", "archive.jsonl");
    const heat = data.rainbow[0]!;
    expect(heat).toMatchObject({
      rowAxis: "topic",
      colAxis: "form",
      rows: ["cats", "boats"],
      cols: ["poem", "question"],
    });
    expect(heat.cells).toHaveLength(grid.filled as number);
    for (const cell of heat.cells) {
      const elite = archive.find((a) => a.id === cell.id)!;
      expect(cell).toMatchObject({ prompt: elite.prompt, response: elite.response, score: elite.score });
    }

    const summary = readJson(join(run.dir, "judge", "summary.json"));
    const totals = (summary.runTotals as Array<Record<string, number>>)[0]!;
    expect(data.spend.find((s) => s.step === "judge")).toMatchObject({
      model: "test-model",
      calls: totals.calls,
      inputTokens: totals.inputTokens,
    });
    // respond's run directory is responses.jsonl.run, beside its output.
    const respondRun = readJson(join(run.dir, "respond", "responses.jsonl.run", "summary.json"));
    const respondTotals = (respondRun.runTotals as Array<Record<string, number>>)[0]!;
    expect(data.spend.find((s) => s.step === "respond")!.calls).toBe(respondTotals.calls);
    expect(data.times.every((t) => t.sessions === 1)).toBe(true);
  });

  it("caps the records per file in the page and says how many of how many", async () => {
    const capped = await collectReport(run.dir, { limits: { recordsPerFile: 5, textChars: 20 } });
    const file = capped.steps
      .find((s) => s.name === "generate")!
      .files.find((f) => f.name === "instructions.jsonl")!;
    expect(file).toMatchObject({ total: lines("generate", "instructions.jsonl").length, included: 5 });
    expect(
      capped.samples.filter((s) => s.step === "generate" && s.file === "instructions.jsonl"),
    ).toHaveLength(5);
    // Counting and plotting still see every record.
    expect(capped.funnel).toEqual(data.funnel);
    const cut = capped.samples.find((s) => s.truncated)!;
    expect(Array.from(cut.instruction ?? cut.response ?? "").length).toBeLessThanOrEqual(21);
  });

  it("skips a torn last line silently and reports damaged lines", async () => {
    const dir = scratchCopy();
    const file = join(dir, "judge", "judged.jsonl");
    appendFileSync(file, '{"id": "torn", "instruct');
    const torn = await collectReport(dir);
    expect(torn.funnel.find((f) => f.step === "judge")!.kept).toBe(lines("judge", "judged.jsonl").length);
    expect(torn.warnings).toEqual([]);
    appendFileSync(file, '\n{"id": "ok", "instruction": "Added later.", "response": "Yes."}\n');
    const damaged = await collectReport(dir);
    expect(damaged.funnel.find((f) => f.step === "judge")!.kept).toBe(
      lines("judge", "judged.jsonl").length + 1,
    );
    expect(damaged.warnings).toEqual(["judge/judged.jsonl: 1 line(s) did not parse and were skipped"]);
  });

  it("redacts a key that a record echoes, when the key's variable is set", async () => {
    const dir = scratchCopy();
    appendFileSync(
      join(dir, "judge", "judged.jsonl"),
      `${JSON.stringify({ id: "leak", instruction: "Say the key.", response: `It is ${REPORT_KEY}.` })}\n`,
    );
    process.env[REPORT_KEY_ENV] = REPORT_KEY;
    try {
      const leaked = await collectReport(dir);
      const json = JSON.stringify(leaked);
      expect(json).not.toContain(REPORT_KEY);
      expect(leaked.samples.find((s) => s.id === "leak")!.response).toBe("It is [REDACTED].");
    } finally {
      delete process.env[REPORT_KEY_ENV];
    }
  });

  it("reads a run directory given directly (respond --out FILE)", async () => {
    const direct = await collectReport(join(run.dir, "respond", "responses.jsonl.run"));
    expect(direct.kind).toBe("step");
    expect(direct.steps[0]).toMatchObject({ method: "respond", status: "complete" });
    expect(direct.steps[0]!.files.map((f) => f.name)).toEqual(["responses.jsonl"]);
    expect(direct.funnel[0]!.kept).toBe(lines("respond", "responses.jsonl").length);
  });

  it("counts an auto-evol step's failed evolutions as dropped, by elimination rule", async () => {
    const dir = tempDir("selfalign-report-auto-evol-");
    try {
      writeFileSync(join(dir, "summary.json"), JSON.stringify({ command: "auto-evol", status: "complete" }));
      const trajectory = (id: string, failed: boolean) =>
        JSON.stringify({
          id,
          step: 1,
          role: "dev",
          instruction: "Name a metal.",
          evolved: `Name ${id}.`,
          failed,
        });
      writeFileSync(
        join(dir, "trajectories.jsonl"),
        `${[trajectory("a", false), trajectory("b", true), trajectory("c", true)].join("\n")}\n${JSON.stringify({ id: "d", step: 1, failed: true, elimination: { rule: "copied-prompt" } })}\n`,
      );
      const data = await collectReport(dir);
      expect(data.funnel[0]).toMatchObject({
        method: "auto-evol",
        generated: 4,
        kept: 1,
        dropped: 3,
        byReason: { "no-information-gain": 2, "copied-prompt": 1 },
      });
    } finally {
      removeDir(dir);
    }
  });
});

describe("the page", () => {
  it("embeds data so that no string can close its script block, under a policy allowing only our scripts", () => {
    const html = renderReportHtml(data);
    expect(data.samples.some((s) => s.response?.includes(HOSTILE))).toBe(true);
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain("\\u003cscript\\u003ewindow.__pwned=1\\u003c/script\\u003e");
    // The data block, ECharts and our script: three script elements, three ends.
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html.match(/<script/g)).toHaveLength(3);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1]!;
    expect(csp).toContain("default-src 'none'");
    expect(csp.match(/'sha256-[A-Za-z0-9+/=]+'/g)).toHaveLength(2);
    expect(csp).not.toContain("unsafe-eval");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/cdn/);
    const block = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(JSON.parse(block)).toEqual(data);
  });
});

describe("selfalign report", () => {
  it("writes report.html into the run directory; the key is in no file of the run", async () => {
    const dir = scratchCopy();
    const result = await runCli(["report", dir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(join(dir, "report.html"));
    expect(result.stderr).toContain("report: complete run, 5 step(s)");
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain('id="report-data"');
    for (const file of filesUnder(dir)) expect(readFileSync(file, "latin1"), file).not.toContain(REPORT_KEY);
  });

  it("--out and the caps; the library call gives the same data", async () => {
    const out = join(tempDir("selfalign-report-out-"), "nested", "r.html");
    cleanups.push(() => removeDir(join(out, "..", "..")));
    const result = await runCli(["report", run.dir, "--out", out, "--max-records", "3"]);
    expect(result.code, result.stderr).toBe(0);
    const block = /id="report-data">([\s\S]*?)<\/script>/.exec(readFileSync(out, "utf8"))![1]!;
    const fromCli = JSON.parse(block) as ReportData;
    expect(fromCli.limits.recordsPerFile).toBe(3);
    const fromLibrary = await writeReport(run.dir, { out: `${out}.lib.html`, limits: { recordsPerFile: 3 } });
    expect({ ...fromLibrary.data, generatedAt: "" }).toEqual({ ...fromCli, generatedAt: "" });
  });

  it("names the problem when there is no run", async () => {
    const empty = tempDir("selfalign-report-empty-");
    cleanups.push(() => removeDir(empty));
    const result = await runCli(["report", empty]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("no run here");
  });
});

describe("serve", () => {
  function get(url: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
      (resolve, reject) => {
        const req = request(url, { headers }, (res) => {
          let body = "";
          res.on("data", (d: Buffer) => {
            body += d.toString();
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        req.on("error", reject);
        req.end();
      },
    );
  }

  it("serves the page and the data with an ETag, re-reads changed files, and refuses other hosts", async () => {
    const dir = scratchCopy();
    const server = await serveReport(dir, { port: 0 });
    cleanups.push(() => server.close());
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(server.url);
    expect(page.status).toBe(200);
    expect(page.headers["content-security-policy"]).toContain("default-src 'none'");
    const first = await get(`${server.url}data.json`);
    const etag = first.headers.etag as string;
    expect((JSON.parse(first.body) as ReportData).live).toBe(true);
    expect((await get(`${server.url}data.json`, { "If-None-Match": etag })).status).toBe(304);

    appendFileSync(
      join(dir, "generate", "instructions.jsonl"),
      `${JSON.stringify({ id: "appended", instruction: "Name a river." })}\n`,
    );
    const second = await get(`${server.url}data.json`, { "If-None-Match": etag });
    expect(second.status).toBe(200);
    const next = JSON.parse(second.body) as ReportData;
    expect(next.samples.some((s) => s.id === "appended")).toBe(true);

    const port = new URL(server.url).port;
    expect((await get(`${server.url}data.json`, { Host: `evil.example:${port}` })).status).toBe(421);
    expect((await get(`${server.url}nothing`)).status).toBe(404);
  });
});

describe("building blocks", () => {
  it("root verbs and objects in English and Chinese", () => {
    const pair = (text: string) => verbNounOf(text).pair;
    expect(pair("Write a limerick about a programmer.")).toEqual({ verb: "write", noun: "limerick" });
    expect(pair("Please list five fruits.")).toEqual({ verb: "list", noun: "fruit" });
    expect(pair("Can you tell me a joke?")).toEqual({ verb: "tell", noun: "joke" });
    expect(pair("Identify the programming language of the snippet.")).toEqual({
      verb: "identify",
      noun: "language",
    });
    expect(pair("What is the capital of France?")).toBeNull();
    expect(pair("写一首关于秋天落叶的短诗。")?.verb).toBe("写");
    expect(pair("总结这篇文章的主要观点。")).toEqual({ verb: "总结", noun: "观点" });
    expect(pair("请用三句话解释光合作用的过程。")).toEqual({ verb: "解释", noun: "过程" });
    expect(pair("解释为什么天空是蓝色的。")).toEqual({ verb: "解释", noun: null });
  });

  it("histograms: one bin per value for small integer ranges, fixed ranges, median", () => {
    const s = new ValueSeries();
    for (const v of [1, 2, 2, 3, 10]) s.add(v);
    const h = s.histogram();
    expect(h.edges[0]).toBe(0.5);
    expect(h.counts).toHaveLength(10);
    expect(h.counts.slice(0, 3)).toEqual([1, 2, 1]);
    expect(h).toMatchObject({ n: 5, min: 1, max: 10, median: 2, mean: 3.6 });
    const r = new ValueSeries();
    for (const v of [0, 0.5, 1]) r.add(v);
    const fixed = r.histogram({ bins: 4, fixed: [0, 1] });
    expect(fixed.edges).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(fixed.counts).toEqual([1, 0, 1, 1]);
  });
});
