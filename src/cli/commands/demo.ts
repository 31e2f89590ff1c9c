import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { addGenerationOptions, addModelOptions, addRunOptions } from "../options.js";
import { runRespond } from "./respond.js";

/** A handful of instructions of our own, varied in kind, for the end-to-end demo. */
export const DEMO_INSTRUCTIONS = [
  { id: "demo-1", instruction: "Explain in two sentences why the sky looks blue during the day." },
  { id: "demo-2", instruction: "Write a haiku about a train arriving late at night." },
  { id: "demo-3", instruction: "List three ways to reduce food waste at home.", input: "" },
  { id: "demo-4", instruction: "Translate the sentence into French.", input: "The library opens at nine." },
  { id: "demo-5", instruction: "Give a short Python function that returns the largest of three numbers." },
  { id: "demo-6", instruction: "请用一句话解释什么是机器学习。" },
];

export function demoCommand(): Command {
  const cmd = new Command("demo")
    .description("run a small end-to-end job on the embedded local model (downloaded once on first use)")
    .option("--dir <dir>", "where the demo writes its files", "selfalign-demo");
  addGenerationOptions(cmd);
  addModelOptions(cmd);
  addRunOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Writes <dir>/instructions.jsonl, then collects responses into <dir>/responses.jsonl with the run
directory <dir>/run. Without --base-url it uses the local default model (a small instruct GGUF, fetched
once into ~/.cache/selfalign/models); use --model FILE.gguf for another local model, or --base-url URL
--model NAME for an OpenAI-compatible server.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    const dir = resolve(String(opts.dir));
    mkdirSync(dir, { recursive: true });
    const instructions = join(dir, "instructions.jsonl");
    writeFileSync(instructions, `${DEMO_INSTRUCTIONS.map((r) => JSON.stringify(r)).join("\n")}\n`);
    process.exitCode = await runRespond({
      ...opts,
      // A shorter default for the demo, but an explicit --max-output-tokens (even 1024) is the user's.
      maxOutputTokens: cmd.getOptionValueSource("maxOutputTokens") === "default" ? 256 : opts.maxOutputTokens,
      in: instructions,
      out: join(dir, "responses.jsonl"),
      runDir: opts.runDir ?? join(dir, "run"),
      field: "instruction",
      inputField: "input",
      samples: 1,
    });
  });
  return cmd;
}
