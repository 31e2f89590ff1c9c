/** How the CLI reports an error that ends a command: one line on stderr (keys redacted) and an exit code. */
import { CommanderError } from "commander";
import { InputError } from "../data/input-error.js";
import { ModelCallError } from "../llm/errors.js";
import { redact } from "../util/secrets.js";
import { EXIT } from "./session.js";

export function reportError(error: unknown): number {
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
