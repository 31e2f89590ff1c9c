/**
 * The report page's the stylesheet. CSS kept as a string so that
 * `tsc` ships it in dist/ with the rest: no bundler, no asset copy. Data reaches the DOM as text only.
 */
export const PAGE_CSS = String.raw`
:root {
  --bg: #f6f7f9; --panel: #fff; --ink: #1f2328; --muted: #5b6470; --line: #d9dee4; --accent: #2f6fde;
  --good: #2e7d32; --bad: #c62828; --warn: #b26a00;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", sans-serif; }
header#header { background: var(--panel); border-bottom: 1px solid var(--line); padding: 10px 20px; position: sticky; top: 0; z-index: 5; }
header .title { display: flex; align-items: center; gap: 10px; }
header h1 { font-size: 18px; margin: 0; }
header .meta { display: flex; flex-wrap: wrap; gap: 4px 18px; color: var(--muted); font-size: 12px; margin-top: 4px; }
.layout { display: grid; grid-template-columns: 176px minmax(0, 1fr); min-height: calc(100vh - 64px); }
nav#nav { border-right: 1px solid var(--line); background: var(--panel); padding: 12px 8px; display: flex; flex-direction: column; gap: 2px; position: sticky; top: 64px; align-self: start; height: calc(100vh - 64px); }
nav .tab { text-align: left; border: 0; background: none; padding: 7px 10px; border-radius: 6px; font: inherit; color: var(--ink); cursor: pointer; }
nav .tab:hover:not(:disabled) { background: #eef2f8; }
nav .tab.active { background: #e3ecfb; color: var(--accent); font-weight: 600; }
nav .tab:disabled { color: #aab1ba; cursor: default; }
main#main { padding: 16px 24px 40px; min-width: 0; }
.panel { max-width: 1500px; }
h2 { font-size: 16px; margin: 18px 0 4px; }
h2:first-child { margin-top: 0; }
h3 { font-size: 14px; margin: 0 0 4px; }
h4 { font-size: 12px; margin: 10px 0 2px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.note { color: var(--muted); font-size: 12px; margin: 2px 0 8px; }
.mono, pre, code { font-family: var(--mono); font-size: 12px; }
.chart { width: 100%; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 6px; margin: 6px 0 10px; }
.two { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 14px; align-items: start; }
table.grid { border-collapse: collapse; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; margin: 6px 0 12px; font-size: 13px; width: 100%; }
table.grid th, table.grid td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.grid th { background: #f0f2f5; font-weight: 600; font-size: 12px; color: var(--muted); }
table.grid td.num { text-align: right; font-variant-numeric: tabular-nums; font-family: var(--mono); }
table.grid tr.total td { font-weight: 600; background: #fafbfc; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 11px; background: #eceff3; color: var(--ink); white-space: nowrap; }
.badge.good, .status-complete { background: #e3f1e4; color: var(--good); }
.badge.bad, .status-error, .status-partial, .status-failed { background: #fbe4e4; color: var(--bad); }
.status-running, .badge.live { background: #e3ecfb; color: var(--accent); }
.status-budget, .status-interrupted, .status-pending, .status-unknown { background: #fdf0dc; color: var(--warn); }
.picker, .filters label { font-size: 12px; color: var(--muted); }
select, input { font: inherit; font-size: 13px; padding: 4px 6px; border: 1px solid var(--line); border-radius: 6px; background: #fff; color: var(--ink); }
input.search { width: 280px; }
input.score { width: 72px; }
.filters { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; margin: 8px 0; position: sticky; top: 64px; z-index: 2; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; margin: 8px 0; }
.card-head { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; font-size: 12px; color: var(--muted); }
.card .label { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; margin-top: 6px; }
pre.text { white-space: pre-wrap; word-break: break-word; margin: 2px 0; max-height: 320px; overflow: auto; background: #fafbfc; border: 1px solid #eef0f3; border-radius: 6px; padding: 6px 8px; }
.detail-line { font-size: 12px; color: var(--bad); margin: 4px 0 0; }
.detail { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; margin: 6px 0; min-height: 120px; }
button { font: inherit; font-size: 13px; padding: 5px 12px; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
.trees { margin-top: 8px; }
.node { margin: 2px 0; }
.node > summary, .node.leaf { display: flex; gap: 8px; align-items: baseline; padding: 3px 6px; border-radius: 6px; cursor: pointer; }
.node.leaf { cursor: default; padding-left: 22px; }
.node > summary:hover { background: #eef2f8; }
.node > summary { list-style: none; }
.node > summary::-webkit-details-marker { display: none; }
.node > summary::before { content: "\25B8"; color: var(--muted); width: 10px; flex: none; }
.node[open] > summary::before { content: "\25BE"; }
.node .children { margin-left: 18px; border-left: 2px solid var(--line); padding-left: 8px; }
.node .op { font-family: var(--mono); font-size: 11px; background: #e8eefc; color: #234; padding: 0 6px; border-radius: 4px; white-space: nowrap; }
.node .round, .node .count { font-size: 11px; color: var(--muted); white-space: nowrap; }
.node .text { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
.node[open] > summary .text { white-space: pre-wrap; }
.node.eliminated > summary .text, .node.leaf.eliminated .text { color: var(--muted); text-decoration: line-through; }
ul { margin: 4px 0; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } nav#nav { position: static; height: auto; flex-direction: row; flex-wrap: wrap; } }
`;
