import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { RunEngine } from "/work/main/src/engine/engine.js";
import { RunDirectory } from "/work/main/src/engine/run-dir.js";
import { respond } from "/work/main/src/methods/responses/respond.js";
const total = 50000;
const fake = { id: "fake", provider: "fake", modelName: "fake", maxSamplesPerCall: 1, generate: async () => ({ completions: [{ text: "hello there, this is a reply", finishReason: "stop" as const }], usage: { inputTokens: 10, outputTokens: 3 } }) };
for (const round of [0, 1]) {
const dir = mkdtempSync(join(tmpdir(), "eng-"));
const runDir = RunDirectory.open(join(dir, "run"), {});
const engine = new RunEngine(runDir);
engine.addModel(fake, { concurrency: 32 });
let next = 0; let c0 = process.cpuUsage();
await Promise.all(Array.from({length: 32}, async () => { while (next < total) { const i = next++; await engine.generate(fake, { messages: [{role: "user", content: `Instruction number ${i} ${round}: say something.`}], temperature: 0.7, maxTokens: 64 }); } }));
let cu = process.cpuUsage(c0); console.log("engine fresh us/call", ((cu.user + cu.system) / total).toFixed(1));
writeFileSync(join(dir, "in.jsonl"), Array.from({ length: total }, (_, i) => JSON.stringify({ instruction: `Instruction ${i} round ${round}: say something.` })).join("\n") + "\n");
c0 = process.cpuUsage();
await respond({ engine, model: fake as never, inputPath: join(dir, "in.jsonl"), outputPath: join(dir, "out.jsonl"), generation: { temperature: 0.7, maxTokens: 64 } });
cu = process.cpuUsage(c0); console.log("respond fresh us/rec", ((cu.user + cu.system) / total).toFixed(1));
c0 = process.cpuUsage();
await respond({ engine, model: fake as never, inputPath: join(dir, "in.jsonl"), outputPath: join(dir, "out2.jsonl"), generation: { temperature: 0.7, maxTokens: 64 } });
cu = process.cpuUsage(c0); console.log("respond cached us/rec", ((cu.user + cu.system) / total).toFixed(1));
runDir.close();
}
