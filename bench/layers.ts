/**
 * Where the client's CPU goes per request (npm run bench:layers): the same 30 000 requests against the
 * zero-latency server through (1) the provider alone, (2) the engine (cache, lane, budget; no method),
 * (3) `respond` (reading input, records, ordered output). Client CPU per request from process.cpuUsage,
 * third round of each (the first two warm up the JIT).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunEngine } from "../src/engine/engine.js";
import { RunDirectory } from "../src/engine/run-dir.js";
import type { GenerateRequest } from "../src/llm/language-model.js";
import { createOpenAICompatibleModel } from "../src/llm/openai-compatible.js";
import { respond } from "../src/methods/responses/respond.js";
import { startServer } from "./server.js";

const CONCURRENCY = 32;
const TOTAL = 30_000;
const request = (i: number, round: number): GenerateRequest => ({
  messages: [{ role: "user", content: `Instruction ${i}: say something ${round}.` }],
  temperature: 0.7,
  maxTokens: 64,
});

async function workers(work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < TOTAL) await work(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const server = await startServer(0);
const model = createOpenAICompatibleModel({
  baseUrl: server.baseUrl,
  model: "bench",
  connections: CONCURRENCY,
});
const results: Record<string, number> = {};
for (const layer of ["provider", "engine", "respond"] as const) {
  for (let round = 0; round < 3; round++) {
    const dir = mkdtempSync(join(tmpdir(), "selfalign-layers-"));
    const runDir = RunDirectory.open(join(dir, "run"), { bench: "layers" });
    const engine = new RunEngine(runDir);
    engine.addModel(model, { concurrency: CONCURRENCY });
    const input = join(dir, "in.jsonl");
    const lines = Array.from({ length: TOTAL }, (_, i) =>
      JSON.stringify({ instruction: `Instruction ${i}: say something ${round}.` }),
    );
    writeFileSync(input, `${lines.join("\n")}\n`);
    const cpu = process.cpuUsage();
    if (layer === "provider") await workers((i) => model.generate(request(i, round)));
    else if (layer === "engine") await workers((i) => engine.generate(model, request(i, round)));
    else
      await respond({
        engine,
        model,
        inputPath: input,
        outputPath: join(dir, "out.jsonl"),
        generation: { temperature: 0.7, maxTokens: 64 },
      });
    const used = process.cpuUsage(cpu);
    results[layer] = (used.user + used.system) / TOTAL;
    runDir.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${layer.padEnd(8)} ${results[layer]?.toFixed(1)} us client CPU per request`);
}
await model.close();
server.stop();
