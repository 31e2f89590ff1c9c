import { Command, Option } from "commander";
import { runPipeline } from "../../pipeline/run.js";

export function runCommand(): Command {
  const cmd = new Command("run")
    .description(
      "run a pipeline file: models named once, steps (any method, dedup, respond, judge, preferences, export) in order",
    )
    .argument("<pipeline>", "pipeline file (YAML or JSON)")
    .option(
      "--dry-run",
      "list each step's command and an estimate of its calls, tokens and cost; run nothing",
    )
    .addOption(
      new Option("--progress <mode>", "progress display of the steps")
        .choices(["auto", "bar", "json", "none"])
        .default("auto"),
    );
  cmd.addHelpText(
    "after",
    `
Each step runs as its selfalign command (the exact command line is printed). <out>/pipeline.json records
every step's status; a re-run skips finished steps whose command and input are unchanged and resumes
the first unfinished one, which repeats no finished call. Exit codes: those of the step that stopped
(1 error, 2 failed call, 3 budget, 130 interrupted), 0 when every step finished. See
\`selfalign init\` for an example pipeline.`,
  );
  cmd.action(async (file: string, opts: Record<string, unknown>) => {
    const result = await runPipeline(file, { dryRun: Boolean(opts.dryRun), progress: String(opts.progress) });
    if (!opts.dryRun) {
      const lines = result.steps.map((s) => `  ${s.name.padEnd(16)} ${s.method.padEnd(16)} ${s.status}`);
      process.stderr.write(
        `pipeline ${result.exitCode === 0 ? "complete" : "stopped"} (${result.outDir}):\n${lines.join("\n")}\n`,
      );
    }
    process.exitCode = result.exitCode;
  });
  return cmd;
}
