/**
 * The run report on a large run: time to collect and render, and the size of the page.
 *
 *   node --import tsx bench/report.ts [--quick]
 *
 * A synthetic Self-Instruct output directory: N kept instructions (varied verbs and objects, so the
 * diversity parser has real work up to its cap) and N/10 dropped records, plus a summary.json. The
 * report caps what it embeds (sample browser, parsed instructions), so the page stays small while
 * every record is counted and plotted.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { JsonlWriter } from "../src/data/jsonl-writer.js";
import { writeReport } from "../src/report/report.js";

const quick = process.argv.includes("--quick");
const total = quick ? 50_000 : 300_000;
const verbs = ["Write", "Explain", "Summarize", "List", "Translate", "Classify", "Describe", "Compare"];
const objects = ["poem", "story", "recipe", "email", "argument", "summary", "plan", "table", "letter"];
const topics = ["the ocean", "a city", "climate", "music", "history", "a robot", "friendship", "chess"];

const dir = mkdtempSync(join(tmpdir(), "selfalign-bench-report-"));
try {
  const out = join(dir, "generate");
  mkdirSync(out);
  const kept = JsonlWriter.open(join(out, "instructions.jsonl"));
  const dropped = JsonlWriter.open(join(out, "dropped.jsonl"));
  for (let i = 0; i < total; i++) {
    const instruction = `${verbs[i % 8]} a ${objects[(i * 7) % 9]} about ${topics[(i * 5) % 8]} for reader ${i}.`;
    kept.write({
      id: `t${i}`,
      instruction,
      instances: [{ input: "", output: `An answer to task ${i}.` }],
      meta: { method: "self-instruct", max_rouge_l: (i % 70) / 100 },
    });
    if (i % 10 === 0)
      dropped.write({ id: `d${i}`, reason: i % 20 === 0 ? "rouge-similar" : "heuristic", instruction });
  }
  kept.close();
  dropped.close();
  writeFileSync(
    join(out, "summary.json"),
    `${JSON.stringify({ command: "self-instruct", status: "complete" })}\n`,
  );

  const started = performance.now();
  const { bytes } = await writeReport(out);
  const seconds = (performance.now() - started) / 1000;
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    records: total,
    dropped: Math.ceil(total / 10),
    seconds: Number(seconds.toFixed(2)),
    page_mb: Number((bytes / 1e6).toFixed(2)),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(
    `report on ${total} records (+${result.dropped} dropped): ${result.seconds} s, page ${result.page_mb} MB, peak RSS ${result.peak_rss_mb} MB`,
  );
  const results = join(import.meta.dirname, "results");
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, "report.json"), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
