/**
 * The report page's the sample browser (search and filters). JavaScript (ES2017, no template literals) kept as a string so that
 * `tsc` ships it in dist/ with the rest: no bundler, no asset copy. Data reaches the DOM as text only.
 */
// biome-ignore lint/complexity/noUselessStringRaw: raw, so a backslash added later reaches the browser as written
export const SAMPLES_JS = String.raw`
var PAGE_SIZE = 50;
var filters = { q: "", step: "all", method: "all", kind: "all", reason: "all", minScore: "", maxScore: "", shown: PAGE_SIZE };

function renderSamples(root) {
  root.appendChild(el("h2", { text: "Samples" }));
  root.appendChild(note("Kept and dropped records of every step: at most the first " + fmt(DATA.limits.recordsPerFile) + " of each file, texts cut at " + fmt(DATA.limits.textChars) + " characters. Search looks in instruction, response, id, reason and detail."));
  var all = ["all"];
  var bar = el("div", { className: "filters" });
  function select(key, label, values) {
    if (values.indexOf(filters[key]) < 0) filters[key] = "all";
    var s = el("select", { id: "filter-" + key, "aria-label": label }, values.map(function (v) { return el("option", { value: v, text: v }); }));
    s.value = filters[key];
    s.addEventListener("change", function () { filters[key] = s.value; filters.shown = PAGE_SIZE; draw(); });
    return el("label", null, [label + " ", s]);
  }
  function number(key, label) {
    var i = el("input", { id: "filter-" + key, type: "number", step: "any", "aria-label": label, className: "score" });
    i.value = filters[key];
    i.addEventListener("input", function () { filters[key] = i.value; filters.shown = PAGE_SIZE; draw(); });
    return el("label", null, [label + " ", i]);
  }
  var search = el("input", { id: "filter-q", type: "search", placeholder: "search", "aria-label": "search samples", className: "search" });
  search.value = filters.q;
  search.addEventListener("input", function () { filters.q = search.value; filters.shown = PAGE_SIZE; draw(); });
  bar.appendChild(search);
  bar.appendChild(select("step", "step", all.concat(unique(DATA.samples.map(function (s) { return s.step; })))));
  bar.appendChild(select("method", "method", all.concat(unique(DATA.samples.map(function (s) { return s.method; })))));
  bar.appendChild(select("kind", "kept/dropped", ["all", "kept", "dropped", "other"]));
  bar.appendChild(select("reason", "drop reason", all.concat(unique(DATA.samples.map(function (s) { return s.reason; }).filter(Boolean)).sort())));
  bar.appendChild(number("minScore", "score ≥"));
  bar.appendChild(number("maxScore", "≤"));
  root.appendChild(bar);
  var count = el("p", { id: "samples-count", className: "note" });
  var list = el("div", { id: "samples-list" });
  root.appendChild(count);
  root.appendChild(list);

  function keep(s) {
    if (filters.step !== "all" && s.step !== filters.step) return false;
    if (filters.method !== "all" && s.method !== filters.method) return false;
    if (filters.kind !== "all" && s.kind !== filters.kind) return false;
    if (filters.reason !== "all" && s.reason !== filters.reason) return false;
    var lo = parseFloat(filters.minScore), hi = parseFloat(filters.maxScore);
    if (!isNaN(lo) && (s.score === null || s.score < lo)) return false;
    if (!isNaN(hi) && (s.score === null || s.score > hi)) return false;
    var q = filters.q.trim().toLowerCase();
    if (!q) return true;
    return [s.instruction, s.response, s.id, s.reason, s.detail].some(function (t) { return t && t.toLowerCase().indexOf(q) >= 0; });
  }

  function draw() {
    clear(list);
    var hits = DATA.samples.filter(keep);
    count.textContent = fmt(hits.length) + " of " + fmt(DATA.samples.length) + " records in this page match";
    hits.slice(0, filters.shown).forEach(function (s) { list.appendChild(sampleCard(s)); });
    if (hits.length > filters.shown)
      list.appendChild(el("button", { type: "button", text: "show more (" + fmt(hits.length - filters.shown) + " left)", onclick: function () { filters.shown += PAGE_SIZE; draw(); } }));
  }
  draw();
}

function sampleCard(s) {
  var head = el("div", { className: "card-head" }, [
    el("span", { className: "badge " + (s.kind === "dropped" ? "bad" : s.kind === "kept" ? "good" : ""), text: s.kind }),
    el("span", { text: s.step + " · " + s.method }),
    el("span", { className: "mono", text: s.file + ":" + s.line }),
    s.id ? el("span", { className: "mono", text: s.id }) : null,
    s.score !== null ? el("span", { className: "score", text: "score " + fmt(s.score) }) : null,
    s.reason ? el("span", { className: "badge bad", text: s.reason }) : null,
    s.truncated ? el("span", { className: "note", text: "(cut)" }) : null,
  ]);
  return el("article", { className: "card sample", "data-step": s.step, "data-kind": s.kind }, [
    head,
    s.instruction !== null ? el("div", { className: "label", text: "instruction" }) : null,
    s.instruction !== null ? el("pre", { className: "text", "data-field": "instruction", text: s.instruction }) : null,
    s.response !== null ? el("div", { className: "label", text: "response" }) : null,
    s.response !== null ? el("pre", { className: "text", "data-field": "response", text: s.response }) : null,
    s.detail ? el("p", { className: "detail-line", text: s.detail }) : null,
  ]);
}
`;
