/**
 * A minimal OpenAI-compatible chat server for benchmarks, run as its own process so that it does not
 * share the client's event loop: `node --import tsx bench/fixed-server.ts --latency-ms 100`. It answers
 * every request with the same small completion after a fixed delay, and prints {"baseUrl"} when ready.
 */
import { createServer } from "node:http";

const latencyIndex = process.argv.indexOf("--latency-ms");
const latencyMs = latencyIndex > 0 ? Number(process.argv[latencyIndex + 1]) : 0;

let served = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    served++;
    const body = JSON.stringify({
      id: `cmpl-${served}`,
      object: "chat.completion",
      created: 0,
      model: "bench",
      choices: [
        { index: 0, message: { role: "assistant", content: `reply ${served}` }, finish_reason: "stop" },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    });
    const send = () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    };
    if (latencyMs > 0) setTimeout(send, latencyMs);
    else send();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (typeof address === "object" && address) {
    process.stdout.write(`${JSON.stringify({ baseUrl: `http://127.0.0.1:${address.port}/v1` })}\n`);
  }
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
