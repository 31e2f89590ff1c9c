/**
 * The report page's the header, the panel navigation and, when served, polling for new data. JavaScript (ES2017, no template literals) kept as a string so that
 * `tsc` ships it in dist/ with the rest: no bundler, no asset copy. Data reaches the DOM as text only.
 */
// biome-ignore lint/complexity/noUselessStringRaw: raw, so a backslash added later reaches the browser as written
export const MAIN_JS = String.raw`
var PANELS = [
  { id: "overview", title: "Funnel", has: function () { return DATA.funnel.length > 0; }, render: renderOverview },
  { id: "diversity", title: "Diversity", has: function () { return DATA.diversity.length > 0; }, render: renderDiversity },
  { id: "rouge", title: "Seed similarity", has: function () { return DATA.rouge.length > 0; }, render: renderRouge },
  { id: "lengths", title: "Lengths", has: function () { return DATA.lengths.length > 0; }, render: renderLengths },
  { id: "scores", title: "Scores", has: function () { return DATA.scores.length > 0; }, render: renderScores },
  { id: "trees", title: "Evolution trees", has: function () { return DATA.trees.length > 0; }, render: renderTrees },
  { id: "rainbow", title: "Red team", has: function () { return DATA.rainbow.length > 0; }, render: renderRainbow },
  { id: "spend", title: "Tokens & cost", has: function () { return DATA.spend.length > 0 || DATA.times.length > 0; }, render: renderSpend },
  { id: "samples", title: "Samples", has: function () { return DATA.samples.length > 0; }, render: renderSamples },
];

function renderHeader() {
  var h = clear(document.getElementById("header"));
  h.appendChild(el("div", { className: "title" }, [
    el("h1", { text: DATA.title }),
    el("span", { id: "run-status", className: "badge status-" + DATA.status, text: DATA.status }),
    DATA.live ? el("span", { id: "live", className: "badge live", text: "live" }) : null,
  ]));
  var models = DATA.models.map(function (m) { return m.name + (m.baseUrl ? " @ " + m.baseUrl : m.provider ? " (" + m.provider + ")" : ""); });
  h.appendChild(el("div", { className: "meta" }, [
    el("span", { text: DATA.kind === "pipeline" ? DATA.steps.length + " steps: " + DATA.steps.map(function (s) { return s.name; }).join(" → ") : DATA.steps.map(function (s) { return s.method; }).join("") }),
    el("span", { className: "mono", text: "models: " + (models.join(", ") || "-") }),
    el("span", { className: "mono", text: DATA.source }),
    el("span", { text: "read " + DATA.generatedAt.replace("T", " ").slice(0, 19) + " UTC" }),
  ]));
}

function renderNav() {
  var nav = clear(document.getElementById("nav"));
  PANELS.forEach(function (p) {
    var has = p.has();
    nav.appendChild(el("button", { type: "button", id: "nav-" + p.id, className: "tab" + (state.panel === p.id ? " active" : ""), disabled: !has, title: has ? null : "nothing for this panel in this run", text: p.title, onclick: function () { show(p.id); } }));
  });
}

function show(id) {
  state.panel = id;
  try { history.replaceState(null, "", "#" + id); } catch (e) { /* file:// in some browsers */ }
  renderNav();
  var main = clear(document.getElementById("main"));
  var p = PANELS.find(function (x) { return x.id === id; });
  var section = el("section", { id: "panel-" + id, className: "panel" });
  main.appendChild(section);
  Object.keys(charts).forEach(function (k) { charts[k].dispose(); delete charts[k]; });
  if (p && p.has()) p.render(section);
  else section.appendChild(note("Nothing for this panel in this run."));
}

function start() {
  renderHeader();
  var wanted = location.hash.slice(1);
  var first = PANELS.find(function (p) { return p.id === wanted && p.has(); }) || PANELS.find(function (p) { return p.has(); }) || PANELS[0];
  show(first.id);
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  if (DATA.live) poll();
}

// Served by selfalign serve: ask for the data again every few seconds; redraw when it changed,
// keeping the panel, pickers and filters (the search box is rebuilt with its text).
function poll() {
  setTimeout(function () {
    var headers = state.etag ? { "If-None-Match": state.etag } : {};
    fetch("data.json", { cache: "no-store", headers: headers }).then(function (res) {
      if (res.status === 304) return null;
      if (!res.ok) throw new Error("HTTP " + res.status);
      state.etag = res.headers.get("ETag");
      return res.json();
    }).then(function (next) {
      if (next) {
        DATA = next;
        var focused = document.activeElement && document.activeElement.id;
        var open = Array.prototype.map.call(document.querySelectorAll("details[open]"), function (d) { return d.getAttribute("data-id"); });
        renderHeader();
        show(state.panel);
        reopen(open);
        if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
      }
      setLive(true);
    }).catch(function () { setLive(false); }).then(poll);
  }, window.SELFALIGN_POLL_MS || 2000);
}

/** Opens the tree nodes that were open before a redraw, parents first (document order). */
function reopen(ids) {
  ids.forEach(function (id) {
    var found = Array.prototype.find.call(document.querySelectorAll("details[data-id]"), function (d) { return d.getAttribute("data-id") === id; });
    if (found) expandNode(found);
  });
}

function setLive(ok) {
  var badge = document.getElementById("live");
  if (badge) { badge.textContent = ok ? "live" : "disconnected"; badge.className = "badge " + (ok ? "live" : "bad"); }
}

start();
`;
