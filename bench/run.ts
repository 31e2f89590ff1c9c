/**
 * npm run bench: every benchmark, each in its own process (so peak-memory figures are its own).
 * Pass --quick for shorter runs. Results: bench/results/*.json.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const quick = process.argv.includes("--quick") ? ["--quick"] : [];
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const benches = ["engine", "dedup-rouge", "dedup-minhash", "report", "data-path"].filter(
  (name) => !only || only.split(",").includes(name),
);
let failed = false;
for (const name of benches) {
  process.stdout.write(`\n== ${name}\n`);
  const script = join(import.meta.dirname, `${name}.ts`);
  const result = spawnSync(process.execPath, ["--import", "tsx", script, ...quick], { stdio: "inherit" });
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
