/**
 * The report page's the funnel, the step and file list, and tokens, cost and time. JavaScript (ES2017, no template literals) kept as a string so that
 * `tsc` ships it in dist/ with the rest: no bundler, no asset copy. Data reaches the DOM as text only.
 */
export const OVERVIEW_JS = String.raw`
var REASON_COLORS = ["#e45756", "#f58518", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac", "#eeca3b", "#72b7b2"];

function renderOverview(root) {
  root.appendChild(el("h2", { text: "Funnel" }));
  root.appendChild(note("Per step, from its files: generated = candidates decided, kept = records kept, dropped = records dropped, by reason."));
  var reasons = unique([].concat.apply([], DATA.funnel.map(function (f) { return Object.keys(f.byReason); }))).sort();
  root.appendChild(chartBox("funnel-chart", Math.max(160, 60 + 44 * DATA.funnel.length)));
  root.appendChild(table(["step", "method", "generated", "kept", "dropped", "dropped by reason", "from"],
    DATA.funnel.map(function (f) {
      var by = Object.keys(f.byReason).sort().map(function (r) { return r + " " + fmt(f.byReason[r]); }).join(", ");
      return { attrs: { "data-step": f.step }, cells: [f.step, f.method, { text: f.generated, field: "generated" }, { text: f.kept, field: "kept" }, { text: f.dropped, field: "dropped" }, { text: by || "-", field: "reasons" }, { text: f.source, className: "mono" }] };
    }), { className: "funnel" }));
  var steps = DATA.funnel.map(function (f) { return plain(f.step); });
  var series = [{ name: "kept", type: "bar", stack: "all", data: DATA.funnel.map(function (f) { return f.kept; }), itemStyle: { color: "#54a24b" } }]
    .concat(reasons.map(function (r, i) {
      return { name: plain("dropped: " + r), type: "bar", stack: "all", data: DATA.funnel.map(function (f) { return f.byReason[r] || 0; }), itemStyle: { color: REASON_COLORS[i % REASON_COLORS.length] } };
    }));
  chart(document.getElementById("funnel-chart"), {
    legend: { top: 0, type: "scroll" },
    grid: { left: 110, right: 24, top: 32, bottom: 24 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (ps) {
      return plain(ps[0].name) + "\n" + ps.filter(function (p) { return p.value; }).map(function (p) { return plain(p.seriesName) + ": " + p.value; }).join("\n");
    } },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: steps, inverse: true },
    series: series,
  });

  root.appendChild(el("h2", { text: "Steps and files" }));
  root.appendChild(note("Records of each file in this page's sample browser, of all records in the file (at most " + fmt(DATA.limits.recordsPerFile) + " per file, the first ones)."));
  root.appendChild(table(["step", "method", "status", "file", "role", "records", "in this page"],
    [].concat.apply([], DATA.steps.map(function (s) {
      var files = s.files.length ? s.files : [{ name: "(no output yet)", role: "-", total: 0, included: 0, unreadable: 0 }];
      return files.map(function (f) {
        return { cells: [s.name, s.method, el("span", { className: "badge status-" + s.status, text: s.status }), { text: f.name, className: "mono" }, f.role, f.total, { text: fmt(f.included) + " of " + fmt(f.total) + (f.unreadable ? " (" + f.unreadable + " unreadable)" : ""), field: "included" }] };
      });
    }))));
  if (DATA.warnings.length) {
    root.appendChild(el("h2", { text: "Warnings" }));
    root.appendChild(el("ul", null, DATA.warnings.map(function (w) { return el("li", { text: w }); })));
  }
}

function renderSpend(root) {
  root.appendChild(el("h2", { text: "Tokens, cost and time" }));
  root.appendChild(note("Per step and model, all sessions of the step's run directory. Call time is the sum of call latencies (calls overlap, so it can exceed the wall-clock time)."));
  var total = { calls: 0, inputTokens: 0, outputTokens: 0, cost: 0 };
  DATA.spend.forEach(function (r) { total.calls += r.calls; total.inputTokens += r.inputTokens; total.outputTokens += r.outputTokens; total.cost += r.cost; });
  var rows = DATA.spend.map(function (r) {
    return { cells: [r.step, { text: r.model, className: "mono" }, r.calls, r.inputTokens, r.outputTokens, { text: fmt(r.cost, 4), className: "num" }, { text: r.callSeconds === null ? "-" : fmt(r.callSeconds, 1) + " s", className: "num" }] };
  });
  rows.push({ attrs: { className: "total" }, cells: ["all", "", total.calls, total.inputTokens, total.outputTokens, { text: fmt(total.cost, 4), className: "num" }, ""] });
  root.appendChild(table(["step", "model", "calls", "input tokens", "output tokens", "cost", "call time"], rows));
  root.appendChild(chartBox("spend-chart", 260));
  var steps = unique(DATA.spend.map(function (r) { return r.step; }));
  var models = unique(DATA.spend.map(function (r) { return r.model; }));
  chart(document.getElementById("spend-chart"), {
    title: { text: "tokens per step (input + output)", textStyle: { fontSize: 13 } },
    legend: { top: 0, right: 0, type: "scroll" },
    grid: { left: 64, right: 16, top: 40, bottom: 32 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (ps) {
      return plain(ps[0].name) + "\n" + ps.map(function (p) { return plain(p.seriesName) + ": " + fmt(p.value); }).join("\n");
    } },
    xAxis: { type: "category", data: steps.map(plain) },
    yAxis: { type: "value" },
    series: models.map(function (m) {
      return { name: plain(m), type: "bar", stack: "t", data: steps.map(function (s) {
        var r = DATA.spend.find(function (x) { return x.step === s && x.model === m; });
        return r ? r.inputTokens + r.outputTokens : 0;
      }) };
    }),
  });
  root.appendChild(el("h2", { text: "Time per step" }));
  root.appendChild(table(["step", "sessions", "wall-clock time"], DATA.times.map(function (t) {
    return { cells: [t.step, t.sessions, { text: t.seconds === null ? "-" : fmt(t.seconds, 1) + " s", className: "num" }] };
  })));
}
`;
