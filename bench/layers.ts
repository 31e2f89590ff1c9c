import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { RunEngine } from "../src/engine/engine.js";
import { RunDirectory } from "../src/engine/run-dir.js";
import { createOpenAICompatibleModel } from "../src/llm/openai-compatible.js";
import { respond } from "../src/methods/responses/respond.js";

const child = spawn(process.execPath, ["--import", "tsx", "bench/fixed-server.ts", "--latency-ms", "0"], {
  stdio: ["ignore", "pipe", "inherit"],
});
const first = await new Promise<string>((r) => createInterface({ input: child.stdout }).once("line", r));
const { baseUrl } = JSON.parse(first) as { baseUrl: string };
const conc = 32;
const total = 30000;
const model = createOpenAICompatibleModel({ baseUrl, model: "bench", connections: conc });
for (const round of [0, 1, 2]) {
  const dir = mkdtempSync(join(tmpdir(), "x-"));
  writeFileSync(
    join(dir, "in.jsonl"),
    `${Array.from({ length: total }, (_, i) => JSON.stringify({ instruction: `Instruction ${i}: say something ${round}.` })).join("\n")}\n`,
  );
  const runDir = RunDirectory.open(join(dir, "run"), {});
  const engine = new RunEngine(runDir);
  engine.addModel(model, { concurrency: conc });
  const c0 = process.cpuUsage();
  const t = performance.now();
  if (process.env.MODE === "provider") {
    let next = 0;
    await Promise.all(
      Array.from({ length: conc }, async () => {
        while (next < total) {
          const i = next++;
          await model.generate({
            messages: [{ role: "user", content: `Instruction ${i}: say something ${round}.` }],
            temperature: 0.7,
            maxTokens: 64,
          });
        }
      }),
    );
  } else if (process.env.MODE === "engine") {
    let next = 0;
    await Promise.all(
      Array.from({ length: conc }, async () => {
        while (next < total) {
          const i = next++;
          await engine.generate(model, {
            messages: [{ role: "user", content: `Instruction ${i}: say something ${round}.` }],
            temperature: 0.7,
            maxTokens: 64,
          });
        }
      }),
    );
  } else {
    await respond({
      engine,
      model,
      inputPath: join(dir, "in.jsonl"),
      outputPath: join(dir, "out.jsonl"),
      generation: { temperature: 0.7, maxTokens: 64 },
      window: Number(process.env.WINDOW ?? 1024),
    });
  }
  const el = performance.now() - t;
  const cu = process.cpuUsage(c0);
  console.log(
    process.env.MODE ?? "respond",
    "rps",
    ((total / el) * 1000).toFixed(0),
    "cpu us/req",
    ((cu.user + cu.system) / total).toFixed(1),
  );
  runDir.close();
}
await model.close();
child.kill();
