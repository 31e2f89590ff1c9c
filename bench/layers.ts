/**
 * Where the client's CPU goes per request (npm run bench:layers): the same 30 000 requests against the
 * zero-latency server through Node's fetch and node:http keep-alive clients (for context), then (1) the
 * provider alone, (2) the engine (cache, lane, budget; no method), (3) `respond` (reading input, records,
 * ordered output). Client CPU per request from process.cpuUsage,
 * third round of each (the first two warm up the JIT).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
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

/** Node's own keep-alive clients, for context: what a hand-written loop without undici would cost. */
function viaFetch(baseUrl: string, i: number, round: number): Promise<unknown> {
  const body = JSON.stringify({ model: "bench", messages: request(i, round).messages, max_tokens: 64 });
  return fetch(`${baseUrl}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  }).then((r) => r.json());
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function viaHttp(baseUrl: string, i: number, round: number): Promise<unknown> {
  const body = JSON.stringify({ model: "bench", messages: request(i, round).messages, max_tokens: 64 });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${baseUrl}/chat/completions`,
      { method: "POST", agent, headers: { "content-type": "application/json" } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const server = await startServer(0);
const model = createOpenAICompatibleModel({
  baseUrl: server.baseUrl,
  model: "bench",
  connections: CONCURRENCY,
});
const results: Record<string, number> = {};
const rates: Record<string, number> = {};
for (const layer of ["fetch", "http", "provider", "engine", "respond"] as const) {
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
    const started = performance.now();
    if (layer === "fetch") await workers((i) => viaFetch(server.baseUrl, i, round));
    else if (layer === "http") await workers((i) => viaHttp(server.baseUrl, i, round));
    else if (layer === "provider") await workers((i) => model.generate(request(i, round)));
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
    rates[layer] = TOTAL / ((performance.now() - started) / 1000);
    runDir.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `${layer.padEnd(8)} ${results[layer]?.toFixed(1)} us client CPU per request, ${rates[layer]?.toFixed(0)} req/s`,
  );
}
await model.close();
agent.destroy();
server.stop();
