// Step 2: the mapping, one table row per API field.
"use strict";
(function () {
  const { el, api, attempt, notice, S, txt } = window.studio;
  const $ = (id) => document.getElementById(id);
  const M = T.map;

  function columnLabel(c) {
    const samples = c.samples.length ? " — " + c.samples.slice(0, 3).join(", ") : "";
    return c.letter + ": " + c.header + samples;
  }

  // columnSelect lists the columns with their samples; value is the header.
  function columnSelect(f, i, current, withConst) {
    const sel = el("select", { id: "col-" + f.field + "-" + i, className: "col", ariaLabel: M.columnLabel(f.field) });
    sel.append(el("option", { value: "" }, M.notMapped));
    if (withConst) sel.append(el("option", { value: "\u0000const" }, M.constant));
    for (const c of S.info.columns) if (c.header) sel.append(el("option", { value: c.header }, columnLabel(c)));
    sel.value = current;
    return sel;
  }

  function columnCell(f) {
    const td = el("td", {});
    const first = f.const ? "\u0000const" : (f.columns[0] || "");
    const sel = columnSelect(f, 0, first, true);
    sel.addEventListener("change", () => {
      f.const = sel.value === "\u0000const";
      f.columns = f.const || sel.value === "" ? [] : [sel.value].concat(f.columns.slice(1));
      if (!f.const) f.value = "";
      changed();
    });
    td.append(sel);
    if (f.const) {
      const inp = el("input", { type: "text", id: "const-" + f.field, value: f.value || "", ariaLabel: M.constantLabel(f.field) });
      inp.addEventListener("change", () => { f.value = inp.value; changed(); });
      td.append(inp);
    }
    for (let i = 1; i < f.columns.length; i++) {
      const more = columnSelect(f, i, f.columns[i], false);
      more.addEventListener("change", () => { if (more.value) f.columns[i] = more.value; else f.columns.splice(i, 1); changed(); });
      const rm = el("button", { type: "button", ariaLabel: M.removeColumn + " (" + f.field + ")" }, "×");
      rm.addEventListener("click", () => { f.columns.splice(i, 1); changed(); });
      td.append(el("div", {}, more, rm));
    }
    if (f.columns.length > 1) {
      const join = el("input", { type: "text", id: "join-" + f.field, value: f.join || "", size: 4, ariaLabel: M.joinLabel(f.field) });
      join.addEventListener("change", () => { f.join = join.value; changed(); });
      td.append(el("label", {}, M.joinLabel(f.field) + " ", join));
    }
    if (f.columns.length > 0) {
      const add = el("button", { type: "button", id: "add-" + f.field }, M.addColumn(f.field));
      add.addEventListener("click", () => { f.columns.push(S.info.columns[0].header); changed(); });
      td.append(el("div", {}, add));
    }
    return td;
  }

  function transformsBox(f) {
    const box = el("details", { id: "tf-" + f.field });
    box.append(el("summary", {}, M.transforms(f.transforms || [])));
    for (const t of S.info.transforms) {
      const cb = el("input", { type: "checkbox", id: "tf-" + f.field + "-" + t, checked: (f.transforms || []).includes(t) });
      cb.addEventListener("change", () => {
        const list = (f.transforms || []).filter((x) => x !== t);
        if (cb.checked) list.push(t);
        f.transforms = list; changed();
      });
      box.append(el("div", {}, cb, el("label", { for: cb.id }, t + " — " + M.transformHelp[t])));
    }
    return box;
  }

  function valuesBox(f) {
    f.values = f.values || [];
    const box = el("details", { id: "vm-" + f.field });
    box.append(el("summary", {}, M.values(f.values.length)));
    f.values.forEach((v, i) => {
      const from = el("input", { type: "text", value: v.from, id: "vfrom-" + f.field + "-" + i, ariaLabel: M.valueFrom });
      const to = el("input", { type: "text", value: v.to || "", id: "vto-" + f.field + "-" + i, ariaLabel: M.valueTo });
      const inv = el("input", { type: "text", value: v.invalid || "", id: "vinv-" + f.field + "-" + i, ariaLabel: M.valueInvalid });
      const rm = el("button", { type: "button", ariaLabel: M.removeValue + " " + v.from }, M.removeValue);
      from.addEventListener("change", () => { v.from = from.value; changed(); });
      to.addEventListener("change", () => { v.to = to.value; if (to.value) v.invalid = ""; changed(); });
      inv.addEventListener("change", () => { v.invalid = inv.value; if (inv.value) v.to = ""; changed(); });
      rm.addEventListener("click", () => { f.values.splice(i, 1); changed(); });
      box.append(el("div", {}, el("label", {}, M.valueFrom + " ", from), " ", el("label", {}, M.valueTo + " ", to), " ",
        el("label", {}, M.valueInvalid + " ", inv), rm));
    });
    const add = el("button", { type: "button" }, M.addValue);
    add.addEventListener("click", () => { f.values.push({ from: "", to: "" }); renderMap(S.lastErrors || []); $("vm-" + f.field).open = true; });
    box.append(add);
    return box;
  }

  function howCell(f) {
    const td = el("td", {}, transformsBox(f), valuesBox(f));
    const def = el("input", { type: "text", id: "def-" + f.field, value: f.default || "" });
    def.addEventListener("change", () => { f.default = def.value; changed(); });
    td.append(el("div", {}, el("label", { for: def.id }, M.defaultLabel(f.field)), " ", def));
    if (f.field === "enterpriseNumber") {
      const w = el("input", { type: "checkbox", id: "warn-" + f.field, checked: !!f.warning });
      w.addEventListener("change", () => { f.warning = w.checked; changed(); });
      td.append(el("div", {}, w, el("label", { for: w.id }, M.warning)));
    }
    return td;
  }

  function previewCell(fi) {
    const list = el("ul", {});
    const rows = (S.check && S.check.preview) || [];
    rows.forEach((r) => {
      const c = r[fi];
      const after = c.problem ? el("span", { className: c.warning ? "warn-text" : "field-error" }, c.problem) : (c.after || M.noValue);
      list.append(el("li", {}, (c.before || M.noValue) + " → ", after));
    });
    return el("td", { className: "preview" }, list);
  }

  // renderMap draws the table from S.model; errors are the mapping's
  // mistakes per field. Focus stays on the control that had it.
  function renderMap(errors) {
    S.lastErrors = errors;
    const focused = document.activeElement && document.activeElement.id;
    const open = [...document.querySelectorAll("#map-table details[open]")].map((d) => d.id);
    const body = $("map-table").tBodies[0];
    body.replaceChildren();
    txt("map-from", S.info.fromFile ? M.fromFile(S.info.mappingFile) : M.fromGuess(S.info.mappingFile));
    S.model.fields.forEach((f, fi) => {
      f.columns = f.columns || []; f.transforms = f.transforms || [];
      const meta = S.info.fields[fi];
      const head = el("th", { scope: "row" }, f.field);
      if (meta.required) head.append(" ", el("span", { className: "req" }, M.required));
      if (meta.required && !f.const && f.columns.length === 0) head.append(el("span", { className: "field-error", id: "missing-" + f.field }, M.missing));
      for (const e of errors.filter((e) => e.field === f.field)) head.append(el("span", { className: "field-error" }, e.message));
      body.append(el("tr", { id: "row-" + f.field }, head, columnCell(f), howCell(f), previewCell(fi)));
    });
    for (const e of errors.filter((e) => !e.field)) body.append(el("tr", {}, el("td", { colSpan: 4, className: "field-error" }, e.message)));
    for (const id of open) if ($(id)) $(id).open = true;
    if (focused && $(focused)) $(focused).focus();
  }

  let pending = Promise.resolve();
  // changed sends the model; the server re-checks every row under it.
  function changed() {
    pending = pending.then(async () => {
      const res = await attempt(() => api("PUT", "/api/mapping", S.model));
      if (!res) return;
      S.check = res.check;
      txt("yaml", res.yaml);
      renderMap(res.errors);
      S.offset = 0;
      studio.renderCheckHead();
      document.body.dataset.checked = String(Date.now());
    });
    return pending;
  }

  async function save() {
    const res = await attempt(() => api("POST", "/api/mapping/save"));
    if (res) notice(M.saved(res.path));
  }

  Object.assign(window.studio, { renderMap, changed, save });
})();
