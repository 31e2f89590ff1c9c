import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { readJsonl } from "../../data/index.js";
import { newBootstrapStats } from "../../methods/in-context/bootstrap.js";
import { readSeedTasks } from "../../methods/in-context/seed-tasks.js";
import { selfInstruct } from "../../methods/in-context/self-instruct-job.js";
import { newRespondStats, respond } from "../../methods/responses/respond.js";
import { type StopReason, statusOf } from "../../methods/shared/stop-reason.js";
import { runMethodCommand } from "../method-command.js";
import { addGenerationOptions, addModelOptions, addRunOptions, positiveInt } from "../options.js";
import type { SessionOutcome } from "../session.js";
import { DEMO_SEEDS } from "./demo-seeds.js";

export function demoCommand(): Command {
  const cmd = new Command("demo")
    .description("a short Self-Instruct run from built-in seeds, then responses, on the embedded local model")
    .option("--dir <dir>", "where the demo writes its files", "selfalign-demo")
    .option("--count <n>", "new instructions to generate", positiveInt, 8);
  addGenerationOptions(cmd);
  addModelOptions(cmd);
  addRunOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Writes <dir>/seeds.jsonl (a dozen seed tasks of ours), runs Self-Instruct with JSON replies into
<dir>/instructions.jsonl and <dir>/dropped.jsonl, then collects a response per new task (its first
instance's input included) into <dir>/responses.jsonl; run directory <dir>/run, summary
<dir>/summary.json. Without --base-url it uses the local default model (a small instruct GGUF, fetched
once into ~/.cache/selfalign/models); use --model FILE.gguf for another local model, or --base-url URL
--model NAME for an OpenAI-compatible server.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runDemo(opts, cmd.getOptionValueSource("maxOutputTokens") === "default");
  });
  return cmd;
}

async function runDemo(opts: Record<string, unknown>, defaultTokens: boolean): Promise<number> {
  const dir = resolve(String(opts.dir));
  const count = opts.count as number;
  const seedsPath = join(dir, "seeds.jsonl");
  return runMethodCommand(
    "demo",
    { ...opts, out: dir },
    { count },
    async ({ engine, model, outDir, progress }) => {
      // --max-output-tokens, when given, caps every step; the defaults suit a small instruct model.
      const tokens = defaultTokens ? undefined : (opts.maxOutputTokens as number | undefined);
      writeFileSync(seedsPath, `${DEMO_SEEDS.map((r) => JSON.stringify(r)).join("\n")}\n`);
      const seeds = await readSeedTasks(seedsPath);
      const generation = newBootstrapStats();
      progress("self-instruct", () => ({ done: generation.emitted, total: count, failed: 0 }));
      const made = await selfInstruct({
        engine,
        model,
        seeds: seeds.tasks,
        count,
        outDir,
        batchSize: 2,
        maxRounds: 4,
        // JSON under a schema: a small local model follows it (under a grammar) far better than a layout.
        selfInstruct: {
          replyFormat: "json",
          generation: { maxTokens: tokens ?? 512 },
          instanceGeneration: { temperature: 0, maxTokens: tokens ?? 256 },
        },
        stats: generation,
      });
      if (made.stoppedBy) return outcome(made.stoppedBy, made.emitted, 0, "self-instruct");

      // One task per instruction: the first instance's input goes with it, as a user would ask it.
      const tasksPath = join(outDir, "tasks.jsonl");
      const lines: string[] = [];
      for await (const { value } of readJsonl(made.instructionsPath)) {
        const first = (value.instances as Array<{ input: string }> | undefined)?.[0];
        lines.push(
          JSON.stringify({ id: value.id, instruction: value.instruction, input: first?.input ?? "" }),
        );
      }
      writeFileSync(tasksPath, lines.length > 0 ? `${lines.join("\n")}\n` : "");
      const answered = newRespondStats();
      progress("respond", () => ({ done: answered.finished, total: lines.length, failed: answered.failed }));
      await respond({
        engine,
        model,
        inputPath: tasksPath,
        outputPath: join(outDir, "responses.jsonl"),
        generation: {
          temperature: opts.temperature as number | undefined,
          topP: opts.topP as number | undefined,
          // A shorter default for the demo, but an explicit --max-output-tokens (even 1024) is the user's.
          maxTokens: tokens ?? 256,
          system: opts.system as string | undefined,
        },
        stats: answered,
      });
      const stop: StopReason | undefined =
        answered.stoppedBy === "budget"
          ? { kind: "budget", message: answered.budgetMessage ?? "budget reached" }
          : answered.stoppedBy === "interrupt"
            ? { kind: "interrupt", message: "interrupted" }
            : answered.failed > 0
              ? { kind: "failed", message: `${answered.failed} responses failed` }
              : undefined;
      return outcome(
        stop,
        made.emitted,
        answered.written + answered.alreadyWritten,
        "respond",
        made.exhausted,
      );
    },
  );
}

function outcome(
  stop: StopReason | undefined,
  instructions: number,
  responses: number,
  step: string,
  short?: boolean,
): SessionOutcome {
  let headline = `${instructions} new instructions, ${responses} responses`;
  if (short) headline += " (the model wrote fewer usable tasks than asked; see dropped.jsonl)";
  if (stop) headline += `; stopped in ${step}: ${stop.message}`;
  return { status: statusOf(stop), result: { instructions, responses, stopped: stop }, headline };
}
