// Step 5: the migration from its ledger, as `owr-import status` shows it.
"use strict";
(function () {
  const { el, api, attempt, S, txt } = window.studio;
  const $ = (id) => document.getElementById(id);
  const F = T.follow;

  async function refreshFollow() {
    const t = $("follow-target").value;
    $("follow-url").hidden = $("follow-url-label").hidden = t !== "url";
    const q = new URLSearchParams({ target: t, url: $("follow-url").value.trim() });
    const res = await attempt(() => api("POST", "/api/status?" + q));
    const body = $("follow-body");
    body.replaceChildren();
    if (!res) return;
    if (res.none) { body.append(el("p", {}, F.none), el("p", {}, res.none)); return; }
    const s = res.summary;
    body.append(el("h3", {}, F.counts(s.rows)), el("div", { className: "row" }, barChart(s.counts), countsTable(s.counts)));
    const open = s.rows - (s.counts.created || 0) - (s.counts.skipped || 0);
    body.append(el("p", { id: "follow-open" }, F.open(open)));
    if (res.inputs && res.inputs.length) body.append(el("h3", {}, F.inputs), list(res.inputs.map((i) => F.inputAt(i.name, i.at))));
    if (s.inDoubt && s.inDoubt.length) body.append(el("h3", {}, F.inDoubt), list(s.inDoubt));
    if (s.notes && s.notes.length) body.append(el("h3", {}, F.notes), list(s.notes));
    filesBox(body, res.files || []);
    document.body.dataset.followed = String(s.counts.created || 0);
  }

  function filesBox(body, files) {
    if (!files.length) return;
    const ul = el("ul", {});
    for (const f of files) {
      const li = el("li", {}, el("a", { href: "/files/" + encodeURIComponent(f) }, F.download(f)));
      if (/\.failed(\.\d+)?\.[a-z]+$/i.test(f)) {
        const b = el("button", { type: "button", className: "feed-back", dataset: { name: f } }, F.feedBack(f));
        b.addEventListener("click", async () => { await studio.chooseFile(f); studio.show("check"); });
        li.append(" ", b);
      }
      ul.append(li);
    }
    body.append(el("h3", {}, F.files), ul);
  }

  function list(items) {
    const ul = el("ul", {});
    for (const i of items) ul.append(el("li", {}, i));
    return ul;
  }

  // ordered lists a status count map as the command line does, most
  // wanted first.
  function ordered(counts) {
    return T.statusOrder.filter((k) => counts[k]).map((k) => [k, counts[k]]);
  }

  function countsTable(counts) {
    const tb = el("tbody", {});
    for (const [k, v] of ordered(counts)) tb.append(el("tr", {}, el("th", { scope: "row", className: "status-" + k }, T.status[k] || k), el("td", { dataset: { status: k } }, v)));
    return el("table", { className: "list", id: "follow-counts" }, tb);
  }

  // barChart draws one bar per status.
  function barChart(counts) {
    const { SVG, label } = window.studio;
    const entries = ordered(counts);
    const w = 560, rowH = 22, h = Math.max(1, entries.length) * rowH + 10;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    svg.setAttribute("width", w); svg.setAttribute("height", h);
    svg.setAttribute("role", "img"); svg.setAttribute("aria-label", F.chart);
    const top = Math.max(1, ...entries.map(([, v]) => v));
    const colors = { created: "#1b6e20", skipped: "#4c8c4a", invalid: "#b00020", rejected: "#b00020", failed: "#b00020", conflict: "#b00020", duplicate: "#8a5a00", in_doubt: "#8a5a00", not_attempted: "#999" };
    entries.forEach(([k, v], i) => {
      const r = document.createElementNS(SVG, "rect");
      const bw = Math.max(2, (v * (w - 200)) / top);
      for (const [a, b] of Object.entries({ x: 120, y: 5 + i * rowH, width: bw, height: rowH - 6, fill: colors[k] || "#23395d" })) r.setAttribute(a, b);
      svg.append(label(4, 19 + i * rowH, T.status[k] || k), r, label(126 + bw, 19 + i * rowH, String(v)));
    });
    return svg;
  }

  Object.assign(window.studio, { refreshFollow });
})();
