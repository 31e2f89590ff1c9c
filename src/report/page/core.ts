/**
 * The report page's helpers (DOM building with text only, tables, pickers, chart setup, histograms). JavaScript (ES2017, no template literals) kept as a string so that
 * `tsc` ships it in dist/ with the rest: no bundler, no asset copy. Data reaches the DOM as text only.
 */
// biome-ignore lint/complexity/noUselessStringRaw: raw, so a backslash added later reaches the browser as written
export const CORE_JS = String.raw`
"use strict";
// Everything shown comes from the data block and may hold model output: it is only ever put into the
// page with textContent / createTextNode, and charts draw it on canvas (tooltips in rich-text mode).
var DATA = JSON.parse(document.getElementById("report-data").textContent);
var state = { panel: null, dirty: {}, etag: null, select: {} };
var charts = {};

function el(tag, attrs, children) {
  var node = document.createElement(tag);
  if (attrs) {
    for (var k in attrs) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") node.textContent = String(v);
      else if (k === "className") node.className = v;
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, String(v));
    }
  }
  (children || []).forEach(function (c) {
    if (c === null || c === undefined) return;
    node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  });
  return node;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

function fmt(n, digits) {
  if (n === null || n === undefined) return "-";
  if (typeof n !== "number") return String(n);
  if (Number.isInteger(n)) return n.toLocaleString("en-US");
  return n.toLocaleString("en-US", { maximumFractionDigits: digits === undefined ? 3 : digits });
}

function table(headers, rows, opts) {
  var head = el("tr", null, headers.map(function (h) { return el("th", { text: h }); }));
  var body = rows.map(function (r) {
    return el("tr", r.attrs || null, r.cells.map(function (c) {
      if (c && c.nodeType) return el("td", null, [c]);
      var cell = c !== null && typeof c === "object" ? c : { text: c };
      return el("td", { className: cell.className || (typeof cell.text === "number" ? "num" : null), "data-field": cell.field || null, text: typeof cell.text === "number" ? fmt(cell.text) : cell.text === null || cell.text === undefined ? "-" : cell.text });
    }));
  });
  return el("table", { className: "grid" + (opts && opts.className ? " " + opts.className : "") }, [el("thead", null, [head]), el("tbody", null, body)]);
}

function note(text) {
  return el("p", { className: "note", text: text });
}

/** A select remembered across refreshes under the key; calls onchange(value). */
function picker(key, label, values, onchange) {
  if (values.indexOf(state.select[key]) < 0) state.select[key] = values[0];
  var sel = el("select", { id: "pick-" + key, "aria-label": label, onchange: function () { state.select[key] = sel.value; onchange(sel.value); } },
    values.map(function (v) { return el("option", { value: v, text: v }); }));
  sel.value = state.select[key];
  return el("label", { className: "picker" }, [label + " ", sel]);
}

function unique(list) {
  var seen = {};
  return list.filter(function (x) { if (seen[x]) return false; seen[x] = true; return true; });
}

// Charts: canvas renderer; tooltips drawn on the canvas too (renderMode richText), so no chart ever
// turns data into HTML. Rich-text markup characters in data are neutralized by plain().
function plain(s) {
  return String(s === null || s === undefined ? "" : s).replace(/[{}|]/g, " ");
}

function chart(container, option) {
  var id = container.id;
  var existing = charts[id];
  if (existing && existing.getDom() !== container) { existing.dispose(); existing = null; }
  var c = existing || echarts.init(container, null, { renderer: "canvas" });
  charts[id] = c;
  option.tooltip = Object.assign({ renderMode: "richText", confine: true }, option.tooltip || {});
  option.animation = false;
  c.setOption(option, true);
  return c;
}

function chartBox(id, height) {
  return el("div", { id: id, className: "chart", style: "height:" + (height || 280) + "px" });
}

function binLabels(h) {
  var integers = h.edges.length > 1 && h.edges.every(function (e) { return Math.abs(e - Math.round(e)) === 0.5; });
  return h.counts.map(function (_, i) {
    if (integers) return String(h.edges[i] + 0.5);
    return fmt(h.edges[i], 2) + "–" + fmt(h.edges[i + 1], 2);
  });
}

function histogramOption(h, title, color) {
  return {
    title: { text: plain(title), left: 0, textStyle: { fontSize: 13, fontWeight: 600 } },
    grid: { left: 48, right: 12, top: 36, bottom: 48 },
    tooltip: { trigger: "axis", formatter: function (ps) { var p = ps[0]; return plain(p.name) + ": " + p.value; } },
    xAxis: { type: "category", data: binLabels(h), axisLabel: { rotate: h.counts.length > 12 ? 40 : 0, fontSize: 10 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: h.counts, itemStyle: { color: color || "#4c78a8" }, barCategoryGap: "8%" }],
  };
}

function histogramStats(h) {
  return "n " + fmt(h.n) + " · min " + fmt(h.min) + " · median " + fmt(h.median) + " · mean " + fmt(h.mean) + " · max " + fmt(h.max);
}
`;
