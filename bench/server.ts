/** Starts the scripted OpenAI-compatible server (testkit/) in its own process, so it does not share the client's event loop. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface BenchServer {
  baseUrl: string;
  stop(): void;
}

export async function startServer(latencyMs: number): Promise<BenchServer> {
  const script = join(import.meta.dirname, "..", "testkit", "scripted-server-main.ts");
  const child = spawn(process.execPath, ["--import", "tsx", script, "--latency-ms", String(latencyMs)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve) => lines.once("line", resolve));
  const { baseUrl } = JSON.parse(first) as { baseUrl: string };
  return { baseUrl, stop: () => child.kill("SIGTERM") };
}
