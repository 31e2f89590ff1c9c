#!/usr/bin/env node
/**
 * The selfalign command line. Commands are thin: parse, resolve config, call the library.
 */
import { buildProgram } from "./program.js";
import { reportError } from "./report-error.js";

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

await main(process.argv);
