// Step 3: every row in a grid, one page at a time from the server.
"use strict";
(function () {
  const { el, api, attempt, S, txt } = window.studio;
  const $ = (id) => document.getElementById(id);
  const C = T.check;

  function renderCheckHead() {
    const c = S.check;
    const groups = $("groups");
    groups.replaceChildren();
    if (!c || !c.ok) {
      txt("check-counts", C.broken + (c && c.error ? " " + c.error : ""));
      $("grid").tBodies[0].replaceChildren();
      return;
    }
    txt("check-counts", C.counts(c.rows, c.counts, c.elapsedMs));
    if (c.groups.length === 0) groups.append(el("li", {}, C.noGroups));
    for (const g of c.groups) {
      const b = el("button", { type: "button", className: "group", title: C.groupTitle(g), dataset: { key: g.key } }, C.group(g));
      b.setAttribute("aria-pressed", String(S.filter.group === g.key));
      b.addEventListener("click", () => setFilter(S.filter.status, S.filter.group === g.key ? "" : g.key));
      groups.append(el("li", {}, b));
    }
    const g = c.groups.find((x) => x.key === S.filter.group);
    if (!g) S.filter.group = "";
    txt("f-group", g ? C.filtered(g) : "");
    if (!$("step-check").hidden) loadRows();
  }

  function setFilter(status, group) {
    S.filter = { status, group };
    S.offset = 0;
    $("f-status").value = status;
    renderCheckHead();
  }

  function gridHead() {
    const tr = el("tr", {}, el("th", { scope: "col" }, C.row), el("th", { scope: "col" }, C.statusCol));
    for (const f of S.info.fields) tr.append(el("th", { scope: "col" }, f.name));
    tr.append(el("th", { scope: "col" }, C.problems));
    $("grid").tHead.replaceChildren(tr);
  }

  // cellOf is one field of one row: the value sent, marked with the
  // problems on that field and the cell as the export has it.
  function cellOf(r, fi) {
    const issues = r.problems.filter((p) => p.field === fi);
    const td = el("td", {}, r.sent[fi]);
    if (issues.length === 0) return td;
    td.className = issues.every((p) => p.warning) ? "warn" : "bad";
    for (const p of issues) {
      td.append(el("span", { className: "why" }, p.message));
      if (p.column >= 0) td.append(el("span", { className: "was" }, C.was(r.cells[p.column])));
    }
    return td;
  }

  let seq = 0;
  async function loadRows() {
    if (!S.check || !S.check.ok) return;
    const mine = ++seq;
    const q = new URLSearchParams({ status: S.filter.status, group: S.filter.group, offset: S.offset, limit: S.pageSize });
    const res = await attempt(() => api("GET", "/api/rows?" + q));
    if (!res || mine !== seq) return;
    S.total = res.total;
    gridHead();
    const body = $("grid").tBodies[0];
    body.replaceChildren();
    for (const r of res.rows) {
      const tr = el("tr", { dataset: { row: r.row, status: r.status } }, el("th", { scope: "row" }, r.row),
        el("td", { className: "status-" + r.status }, T.status[r.status] || r.status));
      for (let fi = 0; fi < r.sent.length; fi++) tr.append(cellOf(r, fi));
      tr.append(el("td", {}, r.message));
      body.append(tr);
    }
    const from = res.total === 0 ? 0 : S.offset + 1;
    txt("page-info", C.page(from, S.offset + res.rows.length, res.total));
    $("prev").disabled = S.offset === 0;
    $("next").disabled = S.offset + res.rows.length >= res.total;
    document.body.dataset.gridLoaded = String(mine);
  }

  function wireCheck() {
    $("f-status").addEventListener("change", (e) => setFilter(e.target.value, S.filter.group));
    $("f-clear").addEventListener("click", () => setFilter("all", ""));
    $("prev").addEventListener("click", () => { S.offset = Math.max(0, S.offset - S.pageSize); loadRows(); });
    $("next").addEventListener("click", () => { S.offset += S.pageSize; loadRows(); });
    $("goto").addEventListener("change", (e) => {
      const n = parseInt(e.target.value, 10);
      if (n > 0) { S.filter = { status: "all", group: "" }; $("f-status").value = "all"; S.offset = Math.max(0, n - 1 - (S.info.headerRow || 1)); renderCheckHead(); }
    });
  }

  Object.assign(window.studio, { renderCheckHead, loadRows, setFilter, wireCheck });
})();
