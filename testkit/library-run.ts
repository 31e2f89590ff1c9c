/**
 * The setup of a "runs from the library API" test: a temp dir, a scripted server, a run directory, an
 * engine and an OpenAI-compatible model on that server, all closed and removed after the test.
 */
import { join } from "node:path";
import { RunEngine } from "../src/engine/engine.js";
import { RunDirectory } from "../src/engine/run-dir.js";
import { createOpenAICompatibleModel } from "../src/llm/openai-compatible.js";
import { tempDir } from "./cli.js";
import { type Cleanup, removeDir } from "./respond-e2e.js";
import { type ScriptedServer, type ScriptedServerOptions, startScriptedServer } from "./scripted-server.js";

export async function libraryRun(
  cleanups: Cleanup[],
  reply: ScriptedServerOptions["reply"] | ScriptedServer,
  seed = 3,
) {
  const dir = tempDir("selfalign-library-");
  cleanups.push(() => removeDir(dir));
  let server: ScriptedServer;
  if (typeof reply === "object") server = reply;
  else {
    server = await startScriptedServer({ reply });
    cleanups.push(() => server.close());
  }
  const runDir = RunDirectory.open(join(dir, "run"), { test: true });
  const engine = new RunEngine(runDir, { seed });
  const model = createOpenAICompatibleModel({ baseUrl: server.baseUrl, model: "m" });
  engine.addModel(model, { concurrency: 4 });
  // Cleanups run last first: the run directory and the model are closed before the dir is removed.
  cleanups.push(async () => {
    runDir.close();
    await model.close();
  });
  return { dir, server, runDir, engine, model };
}
