/**
 * The report as ONE self-contained HTML file: ECharts inlined from node_modules, our CSS and script, and
 * the data as JSON in a `<script type="application/json">` block. Nothing is fetched from a network.
 *
 * Safety: the data is untrusted (model output). In the JSON block `<`, `>` and `&` are written as
 * \u003c, \u003e, \u0026, so no string can close the block or open a tag; the page script puts data in
 * the DOM with textContent only; and a Content-Security-Policy allows exactly our two scripts (by
 * hash), so even an injected `<script>` or `onerror=` attribute would not run.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { CHARTS_JS } from "./page/charts.js";
import { CORE_JS } from "./page/core.js";
import { DRILL_JS } from "./page/drill.js";
import { MAIN_JS } from "./page/main.js";
import { OVERVIEW_JS } from "./page/overview.js";
import { SAMPLES_JS } from "./page/samples.js";
import { PAGE_CSS } from "./page/style.js";
import type { ReportData } from "./types.js";

let echartsSource: string | undefined;

/** echarts.min.js from the installed package (its exports map names only dist/echarts.js). */
function echarts(): string {
  if (echartsSource === undefined) {
    const main = createRequire(import.meta.url).resolve("echarts");
    const source = readFileSync(join(dirname(main), "echarts.min.js"), "utf8");
    // Never the case in the release we pin, but a "</script" would end the inline script early.
    echartsSource = source.replace(/<\/(script)/gi, "<\\/$1");
  }
  return echartsSource;
}

export const PAGE_SCRIPT = `(function () {\n${[CORE_JS, OVERVIEW_JS, CHARTS_JS, DRILL_JS, SAMPLES_JS, MAIN_JS].join("\n")}\n})();\n`;

/** JSON safe inside a script element: no `<`, `>` or `&` survives as such, nor the JS line separators. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Text for an element or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sha256(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/** The page's Content-Security-Policy: our two scripts only; `connect-src 'self'` for `serve`'s polling. */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    `script-src ${sha256(echarts())} ${sha256(PAGE_SCRIPT)}`,
    "style-src 'unsafe-inline'",
    "img-src data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

export function renderReportHtml(data: ReportData): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy())}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="selfalign report">
<title>${escapeHtml(`${data.title} · selfalign report`)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header id="header"></header>
<div class="layout"><nav id="nav" aria-label="panels"></nav><main id="main"></main></div>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${echarts()}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
