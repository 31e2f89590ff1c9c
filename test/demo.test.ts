/**
 * `selfalign demo` against the scripted server: Self-Instruct from the built-in seeds (JSON replies),
 * then a response per new task, in one run directory; token limits by default and as given.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "../testkit/cli.js";
import { inContextModel } from "../testkit/in-context-model.js";
import {
  chatRequests,
  cleanupsAfterEach,
  MODEL,
  readJson,
  readJsonlFile,
  removeDir,
} from "../testkit/respond-e2e.js";
import { startScriptedServer } from "../testkit/scripted-server.js";

const cleanups = cleanupsAfterEach();

describe("demo against a server", () => {
  it("runs Self-Instruct from the built-in seeds, then responses, resuming on a re-run", async () => {
    const dir = tempDir();
    cleanups.push(() => removeDir(dir));
    const model = inContextModel();
    const server = await startScriptedServer({ reply: model.reply });
    cleanups.push(() => server.close());
    const args = [
      "demo",
      "--base-url",
      server.baseUrl,
      "--model",
      MODEL,
      "--progress",
      "none",
      "--dir",
      join(dir, "a"),
    ];
    const first = await runCli(args);
    expect(first.stderr).toContain("demo: complete - 8 new instructions, 8 responses");
    expect(first.code).toBe(0);

    expect(readJsonlFile(join(dir, "a", "seeds.jsonl"))).toHaveLength(12);
    const made = readJsonlFile(join(dir, "a", "instructions.jsonl"));
    expect(made).toHaveLength(8);
    const responses = readJsonlFile(join(dir, "a", "responses.jsonl"));
    expect(responses.map((r) => (r.lineage as { source_id: string }).source_id)).toEqual(
      made.map((r) => r.id),
    );
    // Each task is asked with its first instance's input.
    for (const [i, r] of responses.entries()) {
      const instance = (made[i]!.instances as Array<{ input: string }>)[0]!;
      expect(r.instruction).toBe(made[i]!.instruction);
      expect(r.input ?? "").toBe(instance.input);
    }
    expect(readJson(join(dir, "a", "summary.json"))).toMatchObject({
      status: "complete",
      instructions: 8,
      responses: 8,
    });

    // Generation asks JSON under a schema; default token limits per step: 512, 256 (instances), 256 (responses).
    const requests = chatRequests(server).map((r) => r.body as Record<string, unknown>);
    const generation = requests.filter((b) => JSON.stringify(b).includes("Extend the list with new tasks"));
    expect(generation.length).toBeGreaterThan(0);
    for (const b of generation) {
      expect(b.max_tokens).toBe(512);
      expect((b.response_format as { type: string }).type).toBe("json_schema");
    }
    expect(requests.at(-1)!.max_tokens).toBe(256);

    const sent = server.requests.length;
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(server.requests.length).toBe(sent);
    expect(readJsonlFile(join(dir, "a", "responses.jsonl"))).toHaveLength(8);

    // An explicit --max-output-tokens caps every step, even when it is 1024.
    await runCli([...args.slice(0, -1), join(dir, "b"), "--max-output-tokens", "1024"]);
    const later = chatRequests(server, sent).map((r) => (r.body as Record<string, unknown>).max_tokens);
    expect(later.filter((t) => t !== 8 /* classification */)).toEqual(
      later.filter((t) => t !== 8).map(() => 1024),
    );
  });
});
