/**
 * Vitest global setup: compiles the CLI once into `.test-dist/` so that test children start with
 * plain `node` instead of transpiling every module through tsx on each spawn (about half a second per
 * child, and the suite starts a few hundred). `--incremental` keeps re-runs during development quick.
 *
 * The directory sits one level under the root, like `dist/`, so the sources' `../../package.json`
 * lookups and `node_modules` resolution behave as in the published package.
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
export const testDist = join(root, ".test-dist");

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(
    process.execPath,
    [
      tsc,
      "-p",
      join(root, "tsconfig.build.json"),
      "--outDir",
      testDist,
      "--incremental",
      "--tsBuildInfoFile",
      join(testDist, ".tsbuildinfo"),
      // Types and maps are for the published package; children need only the JavaScript.
      "--declaration",
      "false",
      "--sourceMap",
      "false",
    ],
    { cwd: root, stdio: "inherit" },
  );
}
