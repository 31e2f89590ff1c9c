/**
 * Benchmarks (npm run bench). Each figure is a ratio against a baseline measured in the same run, so the
 * numbers mean the same on any machine:
 *  1. engine overhead: requests/s through `respond` (cache, lanes, ordered JSONL output, all of it) against
 *     a zero-latency server, divided by a bare keep-alive undici client's requests/s against the same
 *     server at the same concurrency;
 *  2. fixed latency: throughput of `respond` against a server that answers after 100 ms, at concurrency
 *     64, as a share of the 64 / 0.1 s = 640 requests/s bound.
 * Servers run in a child process so they do not share the client's event loop.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { RunEngine } from "../src/engine/engine.js";
import { RunDirectory } from "../src/engine/run-dir.js";
import { createOpenAICompatibleModel } from "../src/llm/openai-compatible.js";
import { respond } from "../src/methods/responses/respond.js";
import { startServer } from "./server.js";

interface Rate {
  rps: number;
  /** Client CPU (all threads of this process) per request, microseconds. */
  cpuUs: number;
}

async function measured(total: number, work: () => Promise<void>): Promise<Rate> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { rps: total / seconds, cpuUs: (used.user + used.system) / total };
}

/** The baseline: a bare keep-alive client sending the same kind of request, parsing each reply. */
async function bareClient(baseUrl: string, total: number, concurrency: number): Promise<Rate> {
  const url = new URL(baseUrl);
  const pool = new Pool(url.origin, { connections: concurrency, pipelining: 1 });
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const body = JSON.stringify({
        model: "bench",
        messages: [{ role: "user", content: `Instruction number ${i}: say something.` }],
        temperature: 0.7,
        max_tokens: 64,
      });
      const res = await pool.request({
        path: `${url.pathname}/chat/completions`,
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      const parsed = (await res.body.json()) as { choices: unknown[] };
      if (!parsed.choices) throw new Error("bad reply");
    }
  };
  const rate = await measured(total, async () => {
    await Promise.all(Array.from({ length: concurrency }, worker));
  });
  await pool.close();
  return rate;
}

/** `respond` end to end with a fresh run directory and output file. */
async function respondRate(baseUrl: string, total: number, concurrency: number, work: string): Promise<Rate> {
  const dir = mkdtempSync(join(work, "respond-"));
  const input = join(dir, "in.jsonl");
  const lines: string[] = [];
  for (let i = 0; i < total; i++)
    lines.push(JSON.stringify({ instruction: `Instruction number ${i}: say something.` }));
  writeFileSync(input, `${lines.join("\n")}\n`);
  const runDir = RunDirectory.open(join(dir, "run"), { bench: true });
  const engine = new RunEngine(runDir);
  const model = createOpenAICompatibleModel({ baseUrl, model: "bench", connections: concurrency });
  engine.addModel(model, { concurrency });
  let written = 0;
  const rate = await measured(total, async () => {
    const stats = await respond({
      engine,
      model,
      inputPath: input,
      outputPath: join(dir, "out.jsonl"),
      generation: { temperature: 0.7, maxTokens: 64 },
      window: Math.max(1024, concurrency * 4),
    });
    written = stats.written;
  });
  if (written !== total) throw new Error(`respond wrote ${written} of ${total}`);
  await model.close();
  runDir.close();
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

function median(xs: Rate[]): Rate {
  const s = [...xs].sort((a, b) => a.rps - b.rps);
  return s[Math.floor(s.length / 2)] as Rate;
}

async function engineOverhead(work: string, total: number, concurrency: number, rounds: number) {
  const server = await startServer(0);
  try {
    await bareClient(server.baseUrl, 2000, concurrency); // warm-up: JIT, sockets
    await respondRate(server.baseUrl, 2000, concurrency, work);
    const bare: Rate[] = [];
    const eng: Rate[] = [];
    for (let r = 0; r < rounds; r++) {
      bare.push(await bareClient(server.baseUrl, total, concurrency));
      eng.push(await respondRate(server.baseUrl, total, concurrency, work));
    }
    const b = median(bare);
    const r = median(eng);
    return { total, concurrency, rounds, bare: b, respond: r, ratio: r.rps / b.rps };
  } finally {
    server.stop();
  }
}

async function fixedLatency(
  work: string,
  latencyMs: number,
  concurrency: number,
  total: number,
  rounds: number,
) {
  const server = await startServer(latencyMs);
  try {
    await respondRate(server.baseUrl, concurrency * 4, concurrency, work); // warm-up
    const bare: Rate[] = [];
    const eng: Rate[] = [];
    for (let r = 0; r < rounds; r++) {
      bare.push(await bareClient(server.baseUrl, total, concurrency));
      eng.push(await respondRate(server.baseUrl, total, concurrency, work));
    }
    const bound = concurrency / (latencyMs / 1000);
    const b = median(bare);
    const r = median(eng);
    return {
      latencyMs,
      concurrency,
      total,
      rounds,
      bound,
      bare: b,
      respond: r,
      bareShare: b.rps / bound,
      share: r.rps / bound,
    };
  } finally {
    server.stop();
  }
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const work = join(tmpdir(), "selfalign-bench");
  mkdirSync(work, { recursive: true });
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}`;
  console.log(`machine: ${machine}`);
  const levels = (process.env.BENCH_CONCURRENCY ?? "8,32").split(",").filter(Boolean).map(Number);
  const overheads = [];
  for (const concurrency of levels) {
    const overhead = await engineOverhead(work, quick ? 3000 : 20_000, concurrency, quick ? 1 : 3);
    overheads.push(overhead);
    console.log(
      `engine overhead: respond ${overhead.respond.rps.toFixed(0)} req/s (${overhead.respond.cpuUs.toFixed(0)} us CPU/req) ` +
        `vs bare client ${overhead.bare.rps.toFixed(0)} req/s (${overhead.bare.cpuUs.toFixed(0)} us CPU/req), ` +
        `${overhead.total} requests, concurrency ${overhead.concurrency}, median of ${overhead.rounds} -> ratio ${overhead.ratio.toFixed(3)}`,
    );
  }
  const latency = await fixedLatency(work, 100, 64, quick ? 640 : 64 * 50, quick ? 1 : 5);
  console.log(
    `fixed latency: respond ${latency.respond.rps.toFixed(1)} req/s at concurrency ${latency.concurrency} against ${latency.latencyMs} ms ` +
      `(${latency.total} requests, median of ${latency.rounds}); bound ${latency.bound} req/s -> share ${latency.share.toFixed(3)} ` +
      `(bare client in the same run: ${latency.bare.rps.toFixed(1)} req/s, share ${latency.bareShare.toFixed(3)})`,
  );
  const results = { date: new Date().toISOString(), machine, overheads, latency };
  mkdirSync(join(import.meta.dirname, "results"), { recursive: true });
  writeFileSync(join(import.meta.dirname, "results", "engine.json"), `${JSON.stringify(results, null, 2)}\n`);
}

await main();
