/** `selfalign report RUN_DIR` and `selfalign serve RUN_DIR`: the run report as a file, or served live. */
import { Command } from "commander";
import { DEFAULT_LIMITS } from "../../report/collect.js";
import { writeReport } from "../../report/report.js";
import { serveReport } from "../../report/serve.js";
import type { ReportLimits } from "../../report/types.js";
import { int, positiveInt } from "../options.js";

function addLimitOptions(cmd: Command): Command {
  return cmd
    .option(
      "--max-records <n>",
      "records of each file in the sample browser (the first ones)",
      positiveInt,
      DEFAULT_LIMITS.recordsPerFile,
    )
    .option(
      "--max-chars <n>",
      "characters of each text shown (longer ones are cut)",
      positiveInt,
      DEFAULT_LIMITS.textChars,
    )
    .option(
      "--max-parse <n>",
      "instructions per step parsed for the verb/noun diversity chart",
      positiveInt,
      DEFAULT_LIMITS.parsePerStep,
    )
    .option(
      "--max-tree-nodes <n>",
      "evolution-tree nodes per step (whole trees)",
      positiveInt,
      DEFAULT_LIMITS.treeNodesPerStep,
    );
}

function limitsOf(opts: Record<string, unknown>): ReportLimits {
  return {
    recordsPerFile: opts.maxRecords as number,
    textChars: opts.maxChars as number,
    parsePerStep: opts.maxParse as number,
    treeNodesPerStep: opts.maxTreeNodes as number,
  };
}

export function reportCommand(): Command {
  const cmd = new Command("report")
    .description("write a self-contained HTML report of a run or pipeline directory (no model calls)")
    .argument("<run-dir>", "a method's --out directory, a pipeline directory, or a run directory")
    .option("--out <file>", "the HTML file (default: <run-dir>/report.html)");
  addLimitOptions(cmd);
  cmd.addHelpText(
    "after",
    `
The page works offline (charts are bundled, nothing is fetched) and shows every generated text as text.
Large runs: every record is counted and plotted; the sample browser holds the first --max-records of
each file. Open it with any browser; \`selfalign serve\` shows the same page updating while a run goes on.`,
  );
  cmd.action(async (runDir: string, opts: Record<string, unknown>) => {
    const result = await writeReport(runDir, {
      out: typeof opts.out === "string" ? opts.out : undefined,
      limits: limitsOf(opts),
    });
    const d = result.data;
    const mb = (result.bytes / 1e6).toFixed(1);
    process.stderr.write(
      `report: ${d.status} run, ${d.steps.length} step(s), ${d.samples.length} records in the page (${mb} MB)\n`,
    );
    for (const w of d.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`${result.path}\n`);
  });
  return cmd;
}

export function serveCommand(): Command {
  const cmd = new Command("serve")
    .description("serve the run report on localhost, refreshing while the run goes on (no model calls)")
    .argument("<run-dir>", "a method's --out directory, a pipeline directory, or a run directory")
    .option("--port <n>", "port (0 picks a free one)", int, 8737)
    .option(
      "--host <address>",
      "address to listen on; anything but localhost exposes your data",
      "127.0.0.1",
    );
  addLimitOptions(cmd);
  cmd.action(async (runDir: string, opts: Record<string, unknown>) => {
    const server = await serveReport(runDir, {
      port: opts.port as number,
      host: opts.host as string,
      limits: limitsOf(opts),
    });
    process.stdout.write(`${server.url}\n`);
    process.stderr.write(`serving the report of ${runDir} at ${server.url} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await server.close();
  });
  return cmd;
}
