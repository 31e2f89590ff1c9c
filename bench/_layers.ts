import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { Pool } from "undici";
import { RunEngine } from "/work/main/src/engine/engine.js";
import { RunDirectory } from "/work/main/src/engine/run-dir.js";
import { createOpenAICompatibleModel } from "/work/main/src/llm/openai-compatible.js";
import { respond } from "/work/main/src/methods/responses/respond.js";
const child = spawn(process.execPath, ["--import", "tsx", process.env.SERVER ?? "/work/main/bench/fixed-server.ts", "--latency-ms", "0"], { stdio: ["ignore", "pipe", "inherit"] });
const first = await new Promise<string>((r) => createInterface({ input: child.stdout }).once("line", r));
const { baseUrl } = JSON.parse(first);
const url = new URL(baseUrl);
const total = 20000, conc = 32;
async function measure(name: string, fn: () => Promise<void>) {
  const c0 = process.cpuUsage(); const t = performance.now();
  await fn();
  const el = performance.now() - t; const cu = process.cpuUsage(c0);
  console.log(name.padEnd(20), "rps", (total / el * 1000).toFixed(0).padStart(6), " cpu us/req", ((cu.user + cu.system) / total).toFixed(1));
}
async function loop(f: (i: number) => Promise<unknown>) { let next = 0; await Promise.all(Array.from({ length: conc }, async () => { while (next < total) await f(next++); })); }
const pool = new Pool(url.origin, { connections: conc, pipelining: 1 });
const model = createOpenAICompatibleModel({ baseUrl, model: "bench", connections: conc });
const req = (i: number) => ({ messages: [{ role: "user" as const, content: `Instruction number ${i}: say something.` }], temperature: 0.7, maxTokens: 64 });
for (let round = 0; round < 2; round++) {
  await measure("bare", () => loop(async (i) => { const res = await pool.request({ path: "/v1/chat/completions", method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "bench", messages: [{ role: "user", content: `Instruction number ${i}: say something.` }], temperature: 0.7, max_tokens: 64 }) }); await res.body.json(); }));
  await measure("provider", () => loop((i) => model.generate(req(i))));
  const dir = mkdtempSync(join(tmpdir(), "layers-"));
  const runDir = RunDirectory.open(join(dir, "run"), {});
  const engine = new RunEngine(runDir);
  engine.addModel(model, { concurrency: conc });
  await measure("engine+provider", () => loop((i) => engine.generate(model, req(i + round * 1e6))));
  writeFileSync(join(dir, "in.jsonl"), Array.from({ length: total }, (_, i) => JSON.stringify({ instruction: `Instruction ${i} round ${round}: say something.` })).join("\n") + "\n");
  await measure("respond", async () => { await respond({ engine, model, inputPath: join(dir, "in.jsonl"), outputPath: join(dir, "out.jsonl"), generation: { temperature: 0.7, maxTokens: 64 } }); });
  runDir.close();
}
await pool.close(); await model.close(); child.kill();
