/** The library entry points of the run report: collect a run directory and write the page. */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type CollectOptions, collectReport } from "./collect.js";
import { renderReportHtml } from "./render-html.js";
import type { ReportData } from "./types.js";

export interface WriteReportResult {
  path: string;
  bytes: number;
  data: ReportData;
}

/** Writes `<run>/report.html` (or `out`), replacing it in one rename. */
export async function writeReport(
  runPath: string,
  options: CollectOptions & { out?: string } = {},
): Promise<WriteReportResult> {
  const data = await collectReport(runPath, options);
  const path = resolve(options.out ?? join(runPath, "report.html"));
  const html = renderReportHtml(data);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, html);
  renameSync(`${path}.tmp`, path);
  return { path, bytes: Buffer.byteLength(html), data };
}
