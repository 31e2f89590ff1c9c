/**
 * The report page's evolution trees (expandable) and the red-team heat map with its click-through. JavaScript (ES2017, no template literals) kept as a string so that
 * `tsc` ships it in dist/ with the rest: no bundler, no asset copy. Data reaches the DOM as text only.
 */
export const DRILL_JS = String.raw`
function renderTrees(root) {
  root.appendChild(el("h2", { text: "Evolution trees" }));
  root.appendChild(note("Each tree starts at an input instruction; a child is an evolution of its parent by the operation shown. Click a node to expand it. Eliminated attempts are marked with their rule."));
  var body = el("div");
  root.appendChild(stepPicker("trees", DATA.trees, function () { fill(); }));
  root.appendChild(body);
  function fill() {
    clear(body);
    var t = DATA.trees.find(function (x) { return x.step === state.select.trees; });
    if (!t) return;
    body.appendChild(note(fmt(t.totalRoots) + " trees, " + fmt(t.totalNodes) + " nodes; " + fmt(t.includedNodes) + " nodes (" + fmt(t.roots.length) + " whole trees) in this page."));
    if (t.operations.length) {
      var box = chartBox("ops-chart", Math.max(140, 40 + 26 * t.operations.length));
      body.appendChild(box);
      chart(box, {
        legend: { top: 0 },
        grid: { left: 150, right: 16, top: 28, bottom: 20 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (ps) { return plain(ps[0].name) + "\n" + ps.map(function (p) { return p.seriesName + ": " + p.value; }).join("\n"); } },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: t.operations.map(function (o) { return plain(o.operation); }) },
        series: [
          { name: "kept", type: "bar", stack: "o", data: t.operations.map(function (o) { return o.kept; }), itemStyle: { color: "#54a24b" } },
          { name: "eliminated", type: "bar", stack: "o", data: t.operations.map(function (o) { return o.eliminated; }), itemStyle: { color: "#e45756" } },
        ],
      });
    }
    var search = el("input", { id: "tree-search", type: "search", placeholder: "filter trees by text", "aria-label": "filter trees", className: "search" });
    search.value = state.treeQuery || "";
    var list = el("div", { className: "trees" });
    body.appendChild(search);
    body.appendChild(list);
    var shown = 100;
    function matches(n, q) {
      return n.instruction.toLowerCase().indexOf(q) >= 0 || n.children.some(function (c) { return matches(c, q); });
    }
    function draw() {
      clear(list);
      var q = search.value.trim().toLowerCase();
      var roots = q ? t.roots.filter(function (r) { return matches(r, q); }) : t.roots;
      roots.slice(0, shown).forEach(function (r) { list.appendChild(treeNode(r)); });
      if (roots.length > shown) list.appendChild(el("button", { type: "button", text: "show more (" + (roots.length - shown) + " left)", onclick: function () { shown += 100; draw(); } }));
    }
    search.addEventListener("input", function () { state.treeQuery = search.value; draw(); });
    draw();
  }
  fill();
}

function treeLabel(n) {
  var parts = [
    el("span", { className: "op", text: n.operation || "input" }),
    n.round !== null ? el("span", { className: "round", text: "r" + n.round }) : null,
    n.eliminated ? el("span", { className: "badge bad", text: "eliminated: " + n.eliminated }) : null,
    n.children.length ? el("span", { className: "count", text: n.children.length + (n.children.length === 1 ? " child" : " children") }) : null,
    el("span", { className: "text", text: n.instruction }),
  ];
  return parts;
}

function treeNode(n) {
  if (!n.children.length) return el("div", { className: "node leaf" + (n.eliminated ? " eliminated" : ""), "data-id": n.id }, treeLabel(n));
  var details = el("details", { className: "node" + (n.eliminated ? " eliminated" : ""), "data-id": n.id }, [el("summary", null, treeLabel(n))]);
  // Children are built on first expansion: large trees stay cheap until looked at.
  details.buildChildren = function () {
    if (details.buildChildren === null) return;
    details.buildChildren = null;
    details.appendChild(el("div", { className: "children" }, n.children.map(treeNode)));
  };
  details.addEventListener("toggle", function () { if (details.open && details.buildChildren) details.buildChildren(); });
  return details;
}

function expandNode(details) {
  if (details.buildChildren) details.buildChildren();
  details.open = true;
}

function renderRainbow(root) {
  root.appendChild(el("h2", { text: "Red team archive" }));
  root.appendChild(note("Rainbow Teaming's archive: each cell is a combination of feature values; its colour is the judge's score of the elite prompt in it. Click a cell to read its prompt and the target's response."));
  var body = el("div");
  root.appendChild(stepPicker("rainbow", DATA.rainbow, function () { fill(); }));
  root.appendChild(body);
  function fill() {
    clear(body);
    var r = DATA.rainbow.find(function (x) { return x.step === state.select.rainbow; });
    if (!r) return;
    body.appendChild(note("Iteration " + fmt(r.iteration) + "; " + fmt(r.cells.length) + " of " + fmt(r.rows.length * r.cols.length) + " cells filled (coverage " + fmt(r.coverage) + "); mean score " + fmt(r.meanScore) + "."));
    body.appendChild(note("Rows: " + r.rowAxis + ". Columns: " + r.colAxis + "."));
    var row = el("div", { className: "two" });
    body.appendChild(row);
    var box = chartBox("rainbow-chart", Math.max(260, 80 + 34 * r.rows.length));
    row.appendChild(box);
    var detail = el("div", { id: "rainbow-detail", className: "detail" }, [note("Click a cell.")]);
    row.appendChild(detail);
    var scores = r.cells.map(function (c) { return c.score; });
    var c = chart(box, {
      grid: { left: 140, right: 16, top: 16, bottom: 100 },
      tooltip: { formatter: function (p) { var cell = r.cells[p.dataIndex]; return plain(r.rows[cell.row] + " × " + r.cols[cell.col]) + "\nscore " + cell.score; } },
      xAxis: { type: "category", data: r.cols.map(plain), axisLabel: { rotate: r.cols.length > 4 ? 30 : 0, fontSize: 10, width: 120, overflow: "truncate" }, splitArea: { show: true } },
      yAxis: { type: "category", data: r.rows.map(plain), axisLabel: { fontSize: 10, width: 130, overflow: "truncate" }, splitArea: { show: true } },
      visualMap: { min: Math.min.apply(null, scores.concat([0])), max: Math.max.apply(null, scores.concat([1])), calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120, inRange: { color: ["#fff5eb", "#fd8d3c", "#7f2704"] } },
      series: [{ type: "heatmap", data: r.cells.map(function (cell) { return [cell.col, cell.row, cell.score]; }), label: { show: r.cols.length <= 12, fontSize: 10 }, emphasis: { itemStyle: { borderColor: "#333", borderWidth: 1 } } }],
    });
    c.off("click");
    c.on("click", function (p) { showCell(detail, r, r.cells[p.dataIndex]); });
  }
  fill();
}

function showCell(detail, r, cell) {
  clear(detail);
  detail.appendChild(el("h3", { text: r.rowAxis + ": " + r.rows[cell.row] }));
  detail.appendChild(el("p", { className: "mono", text: r.colAxis + ": " + r.cols[cell.col] }));
  detail.appendChild(el("p", null, [el("b", { text: "score " + cell.score }), " · ", el("span", { className: "mono", text: cell.id })]));
  [["Prompt", cell.prompt, "cell-prompt"], ["Response", cell.response, "cell-response"], ["Judge's rationale", cell.rationale, "cell-rationale"]].forEach(function (x) {
    detail.appendChild(el("h4", { text: x[0] }));
    detail.appendChild(el("pre", { className: "text", "data-field": x[2], text: x[1] === null ? "(not in archive.jsonl)" : x[1] }));
  });
}
`;
