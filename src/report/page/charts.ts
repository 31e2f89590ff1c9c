/**
 * The report page's diversity (sunburst), seed similarity, lengths and scores. JavaScript (ES2017, no template literals) kept as a string so that
 * `tsc` ships it in dist/ with the rest: no bundler, no asset copy. Data reaches the DOM as text only.
 */
export const CHARTS_JS = String.raw`
function stepPicker(key, list, rerender) {
  return picker(key, "step", unique(list.map(function (x) { return x.step; })), rerender);
}

function renderDiversity(root) {
  root.appendChild(el("h2", { text: "Diversity: root verbs and their objects" }));
  root.appendChild(note("The most common root verbs of the kept instructions (inner ring) and their most common direct-object nouns (outer ring; \"-\" = no object), as in the Self-Instruct paper. English is parsed with compromise; Chinese by a word-segmentation heuristic."));
  var body = el("div");
  root.appendChild(stepPicker("diversity", DATA.diversity, function () { fill(); }));
  root.appendChild(body);
  function fill() {
    clear(body);
    var d = DATA.diversity.find(function (x) { return x.step === state.select.diversity; });
    if (!d) return;
    body.appendChild(note(fmt(d.total) + " instructions; " + fmt(d.parsed) + " parsed" + (d.parsed < d.total ? " (the first " + fmt(d.parsed) + ")" : "") + "; " + fmt(d.withVerb) + " with a root verb. Languages: en " + fmt(d.languages.en) + ", zh " + fmt(d.languages.zh) + ", other " + fmt(d.languages.other) + "."));
    var row = el("div", { className: "two" });
    body.appendChild(row);
    var box = chartBox("diversity-chart", 460);
    row.appendChild(box);
    row.appendChild(table(["verb", "count", "top objects"], d.verbs.map(function (v) {
      return { cells: [v.verb, v.count, v.nouns.map(function (n) { return n.noun + " " + n.count; }).join(", ")] };
    })));
    chart(box, {
      tooltip: { formatter: function (p) { return plain(p.treePathInfo.slice(1).map(function (t) { return t.name; }).join(" → ")) + ": " + p.value; } },
      series: [{
        type: "sunburst", radius: ["12%", "95%"], sort: null,
        data: d.verbs.map(function (v) {
          var rest = v.count - v.nouns.reduce(function (s, n) { return s + n.count; }, 0);
          var children = v.nouns.map(function (n) { return { name: plain(n.noun), value: n.count }; });
          if (rest > 0) children.push({ name: "other", value: rest, itemStyle: { color: "#ddd" } });
          return { name: plain(v.verb), value: v.count, children: children };
        }),
        label: { rotate: "radial", fontSize: 10, minAngle: 6 },
        levels: [{}, { label: { fontSize: 11 } }, { label: { fontSize: 9 } }],
      }],
    });
  }
  fill();
}

function renderRouge(root) {
  root.appendChild(el("h2", { text: "Similarity to the seeds (ROUGE-L)" }));
  root.appendChild(note("Each kept instruction's highest ROUGE-L F against the seed instructions. Mass near 1 means the step mostly rephrased its seeds."));
  var body = el("div");
  root.appendChild(stepPicker("rouge", DATA.rouge, function () { fill(); }));
  root.appendChild(body);
  function fill() {
    clear(body);
    var r = DATA.rouge.find(function (x) { return x.step === state.select.rouge; });
    if (!r) return;
    body.appendChild(note("Computed " + r.note + ". " + histogramStats(r.histogram)));
    var box = chartBox("rouge-chart", 300);
    body.appendChild(box);
    chart(box, histogramOption(r.histogram, "highest ROUGE-L F (" + r.step + ")", "#72b7b2"));
  }
  fill();
}

function renderLengths(root) {
  root.appendChild(el("h2", { text: "Lengths" }));
  root.appendChild(note("Kept instructions (with their input) and responses, in words; a CJK character counts as one word."));
  var body = el("div");
  root.appendChild(stepPicker("lengths", DATA.lengths, function () { fill(); }));
  root.appendChild(body);
  function fill() {
    clear(body);
    var l = DATA.lengths.find(function (x) { return x.step === state.select.lengths; });
    if (!l) return;
    var row = el("div", { className: "two" });
    body.appendChild(row);
    [["instructions", l.instructions, "#4c78a8"], ["responses", l.responses, "#f58518"]].forEach(function (x, i) {
      var cell = el("div");
      row.appendChild(cell);
      var box = chartBox("lengths-chart-" + i, 300);
      cell.appendChild(box);
      cell.appendChild(note(x[1].n ? histogramStats(x[1]) : "no " + x[0]));
      if (x[1].n) chart(box, histogramOption(x[1], x[0] + " (words)", x[2]));
    });
  }
  fill();
}

function renderScores(root) {
  root.appendChild(el("h2", { text: "Scores" }));
  root.appendChild(note("Distributions of judge and curation scores (score) and instruction-following difficulty (ifd, r_ifd), per step."));
  var grid = el("div", { className: "two" });
  root.appendChild(grid);
  DATA.scores.forEach(function (s, i) {
    var cell = el("div");
    grid.appendChild(cell);
    var box = chartBox("scores-chart-" + i, 280);
    cell.appendChild(box);
    cell.appendChild(note(histogramStats(s.histogram)));
    chart(box, histogramOption(s.histogram, s.step + ": " + s.field, "#54a24b"));
  });
}
`;
