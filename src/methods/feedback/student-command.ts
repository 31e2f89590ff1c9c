/**
 * The user's command that updates the student between iterations (LLM2LLM fine-tunes the student on
 * the grown training set): a shell command with SELFALIGN_ITERATION (the iteration about to start) and
 * SELFALIGN_TRAIN_FILE (the set that iteration asks, which the student should now learn) in its
 * environment. Its output goes to our stderr, never to stdout (which belongs to the CLI's result).
 *
 * A finished command is noted in the run directory: a resumed run does not retrain a student that
 * already learned that set (its earlier answers come from the cache; its later ones are the updated
 * student's). A command that fails is an error: asking a student that did not update would mislabel
 * its answers.
 */
import { spawn } from "node:child_process";
import type { RunDirectory } from "../../engine/run-dir.js";

export interface StudentCommandRun {
  command: string;
  iteration: number;
  trainFile: string;
}

/** Runs the command unless this run did already; says whether it ran now. */
export async function updateStudent(runDir: RunDirectory, run: StudentCommandRun): Promise<boolean> {
  const key = `llm2llm/student-command/${run.iteration}`;
  const done = runDir.getState<{ command: string }>(key);
  if (done?.command === run.command) return false;
  runDir.events.emit({ type: "student-command", iteration: run.iteration, command: run.command });
  const code = await runShell(run.command, {
    SELFALIGN_ITERATION: String(run.iteration),
    SELFALIGN_TRAIN_FILE: run.trainFile,
  });
  if (code !== 0)
    throw new Error(`--student-cmd failed before iteration ${run.iteration} (${code}): ${run.command}`);
  runDir.setState(key, { command: run.command, finishedAt: new Date().toISOString() });
  return true;
}

function runShell(command: string, env: Record<string, string>): Promise<string | 0> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      stdio: ["ignore", process.stderr, process.stderr],
      env: { ...process.env, ...env },
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolve(0);
      else resolve(signal ? `killed by ${signal}` : `exit code ${code}`);
    });
  });
}
