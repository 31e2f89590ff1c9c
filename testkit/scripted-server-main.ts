/**
 * Runs the scripted OpenAI-compatible server as its own process, for benchmarks:
 *   node --import tsx testkit/scripted-server-main.ts --latency-ms 100
 * Prints one JSON line {"baseUrl": ...} once listening; exits on SIGTERM/SIGINT.
 * Requests are not recorded (memory would grow without bound); GET /__stats returns
 * {requests, inFlight, maxInFlight}, POST /__reset clears them, POST /__faults queues a JSON array of faults.
 */
import { parseArgs } from "node:util";
import { startScriptedServer } from "./scripted-server.js";

const { values } = parseArgs({
  options: {
    "latency-ms": { type: "string", default: "0" },
    port: { type: "string", default: "0" },
    logprobs: { type: "string", default: "echo" },
    "reject-response-format": { type: "boolean", default: false },
    "omit-usage": { type: "boolean", default: false },
    record: { type: "boolean", default: false },
  },
});

const logprobs = values.logprobs;
if (logprobs !== "echo" && logprobs !== "vllm" && logprobs !== "none") {
  throw new Error(`--logprobs must be echo, vllm or none; got ${logprobs}`);
}

const server = await startScriptedServer({
  latencyMs: Number(values["latency-ms"]),
  port: Number(values.port),
  logprobs,
  rejectResponseFormat: values["reject-response-format"],
  omitUsage: values["omit-usage"],
  record: values.record,
});
process.stdout.write(`${JSON.stringify({ baseUrl: server.baseUrl })}\n`);

function stop(): void {
  void server.close().then(() => process.exit(0));
}
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
