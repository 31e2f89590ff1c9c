/** The selfalign command tree: every subcommand, for the CLI entry point and for pipeline steps. */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { autoEvolCommand } from "./commands/auto-evol.js";
import { autodetectCommand } from "./commands/autodetect.js";
import { backtranslateCommand } from "./commands/backtranslate.js";
import { dedupCommand } from "./commands/dedup.js";
import { demoCommand } from "./commands/demo.js";
import { evolCommand } from "./commands/evol.js";
import { exportCommand } from "./commands/export.js";
import { fromDatasetCommand } from "./commands/from-dataset.js";
import { ifdCommand } from "./commands/ifd.js";
import { initCommand } from "./commands/init.js";
import { judgeCommand } from "./commands/judge.js";
import { learnFromErrorsCommand } from "./commands/learn-from-errors.js";
import { llm2llmCommand } from "./commands/llm2llm.js";
import { longformCommand } from "./commands/longform.js";
import { preferencesCommand } from "./commands/preferences.js";
import { rainbowCommand } from "./commands/rainbow.js";
import { reflectCommand } from "./commands/reflect.js";
import { reportCommand, serveCommand } from "./commands/report.js";
import { respondCommand } from "./commands/respond.js";
import { runCommand } from "./commands/run.js";
import { selfInstructCommand } from "./commands/self-instruct.js";
import { statsCommand } from "./commands/stats.js";
import { topicsCommand } from "./commands/topics.js";
import { uditCommand } from "./commands/udit.js";
import { unnaturalCommand } from "./commands/unnatural.js";
import { wrapCommand } from "./commands/wrap.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command("selfalign")
    .description("synthesize alignment data (instructions, responses, preferences) with a language model")
    .version(pkg.version)
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(runCommand());
  program.addCommand(initCommand());
  program.addCommand(respondCommand());
  program.addCommand(judgeCommand());
  program.addCommand(preferencesCommand());
  program.addCommand(demoCommand());
  program.addCommand(dedupCommand());
  program.addCommand(exportCommand());
  program.addCommand(statsCommand());
  program.addCommand(fromDatasetCommand());
  program.addCommand(selfInstructCommand());
  program.addCommand(topicsCommand());
  program.addCommand(unnaturalCommand());
  program.addCommand(uditCommand());
  program.addCommand(longformCommand());
  program.addCommand(wrapCommand());
  program.addCommand(backtranslateCommand());
  program.addCommand(autoEvolCommand());
  program.addCommand(evolCommand());
  program.addCommand(autodetectCommand());
  program.addCommand(llm2llmCommand());
  program.addCommand(ifdCommand());
  program.addCommand(reflectCommand());
  program.addCommand(learnFromErrorsCommand());
  program.addCommand(rainbowCommand());
  program.addCommand(reportCommand());
  program.addCommand(serveCommand());
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}
