#!/usr/bin/env node
/**
 * The selfalign command line. Commands are thin: parse, resolve config, call the library.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { InputError } from "../data/input-error.js";
import { ModelCallError } from "../llm/errors.js";
import { redact } from "../util/secrets.js";
import { autoEvolCommand } from "./commands/auto-evol.js";
import { autodetectCommand } from "./commands/autodetect.js";
import { backtranslateCommand } from "./commands/backtranslate.js";
import { dedupCommand } from "./commands/dedup.js";
import { demoCommand } from "./commands/demo.js";
import { evolCommand } from "./commands/evol.js";
import { exportCommand } from "./commands/export.js";
import { fromDatasetCommand } from "./commands/from-dataset.js";
import { ifdCommand } from "./commands/ifd.js";
import { judgeCommand } from "./commands/judge.js";
import { learnFromErrorsCommand } from "./commands/learn-from-errors.js";
import { llm2llmCommand } from "./commands/llm2llm.js";
import { longformCommand } from "./commands/longform.js";
import { preferencesCommand } from "./commands/preferences.js";
import { rainbowCommand } from "./commands/rainbow.js";
import { reflectCommand } from "./commands/reflect.js";
import { respondCommand } from "./commands/respond.js";
import { selfInstructCommand } from "./commands/self-instruct.js";
import { statsCommand } from "./commands/stats.js";
import { topicsCommand } from "./commands/topics.js";
import { uditCommand } from "./commands/udit.js";
import { unnaturalCommand } from "./commands/unnatural.js";
import { wrapCommand } from "./commands/wrap.js";
import { EXIT } from "./session.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command("selfalign")
    .description("synthesize alignment data (instructions, responses, preferences) with a language model")
    .version(pkg.version)
    .showHelpAfterError()
    .exitOverride();
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
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (InputError.is(error)) {
    process.stderr.write(`error: ${error.message}\n`);
  } else if (ModelCallError.is(error)) {
    process.stderr.write(`error: ${redact(error.message)}\n`);
  } else if (error instanceof Error) {
    process.stderr.write(`error: ${redact(error.message)}\n`);
    if (process.env.SELFALIGN_DEBUG) process.stderr.write(`${redact(error.stack ?? "")}\n`);
  } else {
    process.stderr.write(`error: ${redact(String(error))}\n`);
  }
  return EXIT.error;
}

await main(process.argv);
