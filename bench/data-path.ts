/**
 * The model-free end of the pipeline on a large run: preferences from judged responses, then the DPO
 * export (JSONL and Parquet) and the SFT export, each timed, with the process's peak memory.
 *
 *   node --import tsx bench/data-path.ts [--quick]
 *
 * A synthetic judged.jsonl: N instructions x 4 responses of about 1 KB each, scored 1-10, written in
 * the order a multi-model pipeline step writes them (all of one model's responses, then the next
 * model's), so the responses of an instruction are far apart in the file.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { exportDataset } from "../src/data/export/export.js";
import { JsonlWriter } from "../src/data/jsonl-writer.js";
import { preferences } from "../src/methods/responses/preferences.js";

const quick = process.argv.includes("--quick");
const instructions = quick ? 25_000 : 250_000;
const perInstruction = 4;
const filler = "This answer explains the matter step by step with an example and a short summary. ".repeat(
  12,
);

const dir = mkdtempSync(join(tmpdir(), "selfalign-bench-data-"));
const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await run();
  return [value, Number(((performance.now() - started) / 1000).toFixed(2))];
};
try {
  const judged = join(dir, "judged.jsonl");
  const writer = JsonlWriter.open(judged);
  for (let m = 0; m < perInstruction; m++) {
    for (let i = 0; i < instructions; i++) {
      const instruction = `Explain topic number ${i} to a curious reader.`;
      writer.write({
        id: `r${i}-${m}`,
        instruction,
        response: `Model ${m} on topic ${i}: ${filler}`,
        messages: [
          { role: "user", content: instruction },
          { role: "assistant", content: `Model ${m} on topic ${i}: ${filler}` },
        ],
        model: `model-${m}`,
        sample: 0,
        lineage: { source_id: `t${i}` },
        score: 1 + ((i * 7 + m * 3) % 10),
        judgement: { mode: "pointwise", model: "judge", aspects: {} },
      });
    }
  }
  writer.close();
  const inputMb = statSync(judged).size / 1e6;

  const prefs = join(dir, "preferences.jsonl");
  const [stats, prefSeconds] = await timed(() => preferences({ inputPath: judged, outputPath: prefs }));
  const afterPreferences = Math.round(process.resourceUsage().maxRSS / 1024);
  const [, dpoSeconds] = await timed(() =>
    exportDataset({ inputPath: prefs, format: "dpo", outputPath: join(dir, "dpo/") }),
  );
  const [, parquetSeconds] = await timed(() =>
    exportDataset({ inputPath: prefs, format: "parquet", outputPath: join(dir, "dpo-parquet/") }),
  );
  const [, sftSeconds] = await timed(() =>
    exportDataset({ inputPath: judged, format: "alpaca", outputPath: join(dir, "sft/") }),
  );
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    responses: instructions * perInstruction,
    input_mb: Number(inputMb.toFixed(1)),
    pairs: stats.pairs,
    preferences_seconds: prefSeconds,
    peak_rss_mb_after_preferences: afterPreferences,
    export_dpo_jsonl_seconds: dpoSeconds,
    export_dpo_parquet_seconds: parquetSeconds,
    export_sft_alpaca_seconds: sftSeconds,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(
    `${result.responses} judged responses (${result.input_mb} MB): preferences ${prefSeconds} s (${stats.pairs} pairs, peak RSS ${afterPreferences} MB); export dpo ${dpoSeconds} s, parquet ${parquetSeconds} s, sft alpaca ${sftSeconds} s; peak RSS ${result.peak_rss_mb} MB`,
  );
  const results = join(import.meta.dirname, "results");
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, "data-path.json"), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
