// owr-import studio: the page. Plain JavaScript, no library. Every text
// comes from texts.js (window.T); every value from a file or the API is put
// on the page with textContent, never as HTML.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const S = { file: null, info: null, model: null, check: null, filter: { status: "all", group: "" }, offset: 0, pageSize: 100, total: 0, poll: null, lastRun: null };

  // el builds an element: el("td", {className: "x"}, "text", child...).
  function el(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "dataset") Object.assign(e.dataset, v);
      else if (k.startsWith("aria") || k === "for" || k === "role") e.setAttribute(k === "for" ? "for" : k.replace(/^aria([A-Z])/, (m, c) => "aria-" + c.toLowerCase()), v);
      else e[k] = v;
    }
    for (const k of kids) if (k != null) e.append(k instanceof Node ? k : String(k));
    return e;
  }
  const txt = (id, s) => { $(id).textContent = s; };
  function notice(s) { txt("notice", s || ""); if (s) txt("error", ""); }
  function problem(s) { txt("error", s || ""); if (s) txt("notice", ""); }

  // api calls the studio and throws the studio's message on an error.
  async function api(method, path, body, headers) {
    const opts = { method, headers: Object.assign({}, headers || {}), credentials: "same-origin" };
    if (body !== undefined) {
      if (body instanceof Blob) opts.body = body;
      else { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
    }
    let res;
    try { res = await fetch(path, opts); } catch (e) { throw new Error(T.errors.network); }
    const type = res.headers.get("Content-Type") || "";
    const data = type.includes("json") ? await res.json() : { error: await res.text() };
    if (!res.ok) throw new Error(data.error || res.statusText);
    return data;
  }
  async function attempt(fn) {
    try { problem(""); return await fn(); } catch (e) { problem(e.message); return null; }
  }

  // ---- steps ----
  const steps = ["open", "map", "check", "send", "follow"];
  function show(step) {
    for (const s of steps) {
      $("step-" + s).hidden = s !== step;
      const b = $("nav-" + s);
      if (s === step) b.setAttribute("aria-current", "step"); else b.removeAttribute("aria-current");
    }
    if (step === "check") studio.loadRows();
    if (step === "send") studio.refreshProgress();
    if (step === "follow") studio.refreshFollow();
    const h = $("h-" + step);
    h.tabIndex = -1; h.focus();
  }

  function fillTexts() {
    document.title = T.title;
    txt("title", T.title); txt("quit", T.quit);
    for (const s of steps) txt("nav-" + s, T.nav[s]);
    const O = T.open, M = T.map, C = T.check, D = T.send, F = T.follow;
    txt("h-open", O.h); txt("open-help", O.help); txt("files-caption", O.caption);
    txt("th-file", O.file); txt("th-kind", O.kind); txt("th-modified", O.modified); txt("th-action", O.action);
    txt("drop-help", O.drop); txt("upload-label", O.upload); txt("sheet-label", O.sheet);
    txt("h-map", M.h); txt("map-help", M.help); txt("th-field", M.field); txt("th-column", M.column); txt("th-how", M.how); txt("th-preview", M.preview);
    txt("save", M.save); txt("to-check", M.toCheck); txt("yaml-summary", M.yaml);
    txt("h-check", C.h); txt("f-status-label", C.status); txt("f-clear", C.clear); txt("h-groups", C.groups);
    txt("prev", C.prev); txt("next", C.next); txt("goto-label", C.gotoLabel); txt("grid-caption", C.caption);
    for (const s of ["all", "valid", "invalid", "duplicate", "warning"]) $("f-status").append(el("option", { value: s }, C[s]));
    txt("h-send", D.h); txt("send-help", D.help); txt("target-legend", D.target);
    for (const t of ["sandbox", "url", "dev", "prod"]) txt("t-" + t, D[t]);
    txt("url-label", D.urlLabel); txt("keys-legend", D.keys); txt("keys-help", D.keysHelp);
    txt("api-key-label", D.apiKey); txt("customer-key-label", D.customerKey); txt("rate-label", D.rate); txt("auto-rate-label", D.autoRate); txt("workers-label", D.workers);
    txt("resend-label", D.resend); txt("send", D.send); txt("stop", D.stop); txt("chart-caption", D.chart);
    txt("h-follow", F.h); txt("follow-target-label", F.target); txt("follow-url-label", F.urlLabel); txt("refresh", F.refresh);
    for (const t of ["sandbox", "url", "dev", "prod"]) $("follow-target").append(el("option", { value: t }, D[t]));
  }

  // ---- 1. open ----
  async function loadFiles() {
    const data = await attempt(() => api("GET", "/api/files"));
    if (!data) return;
    const body = $("files").tBodies[0];
    body.replaceChildren();
    if (!data.files || data.files.length === 0) {
      body.append(el("tr", {}, el("td", { colSpan: 4 }, T.open.none)));
      return;
    }
    for (const f of data.files) {
      const action = f.kind === "export" || f.kind === "failed"
        ? el("button", { type: "button", className: "open-file", dataset: { name: f.name }, onclick: () => chooseFile(f.name) }, T.open.openBtn(f.name))
        : el("a", { href: "/files/" + encodeURIComponent(f.name) }, T.follow.download(f.name));
      body.append(el("tr", {}, el("td", {}, f.name), el("td", {}, T.open.kinds[f.kind] || f.kind),
        el("td", {}, new Date(f.modified).toLocaleString()), el("td", {}, action)));
    }
  }

  async function chooseFile(name) {
    const sheets = await attempt(() => api("GET", "/api/sheets?file=" + encodeURIComponent(name)));
    if (!sheets) return;
    const sel = $("sheet");
    sel.replaceChildren();
    $("sheet-row").hidden = !sheets.sheets || sheets.sheets.length < 2;
    for (const s of sheets.sheets || []) sel.append(el("option", { value: s }, s));
    S.file = name;
    await openFile(name, "");
  }

  async function openFile(name, sheet) {
    notice(T.open.loading(name));
    const info = await attempt(() => api("POST", "/api/open", { file: name, sheet }));
    if (!info) { notice(""); return; }
    S.info = info; S.model = info.mapping; S.check = info.check; S.offset = 0;
    S.filter = { status: "all", group: "" };
    if (info.sheet) $("sheet").value = info.sheet;
    notice(info.note || "");
    showOpenInfo(info);
    studio.renderMap([]);
    studio.renderCheckHead();
  }

  function showOpenInfo(info) {
    const box = $("open-info");
    box.replaceChildren(el("p", {}, T.open.header(info.headerRow, info.columns.length, info.rows)));
    if (info.headerRow > 1) box.append(el("p", {}, T.open.titles(info.headerRow - 1)));
    if (info.totalsRows && info.totalsRows.length) box.append(el("p", {}, T.open.totals(info.totalsRows)));
    box.append(el("button", { type: "button", id: "to-map", className: "primary", onclick: () => show("map") }, T.open.next));
  }

  async function upload(file) {
    if (!file) return;
    notice(T.open.loading(file.name));
    const res = await attempt(() => api("POST", "/api/upload", file, { "X-File-Name": encodeURIComponent(file.name) }));
    if (!res) { notice(""); return; }
    await loadFiles();
    notice(res.note || T.open.copied(res.name));
    await chooseFile(res.name);
  }

  function wireDrop() {
    const drop = $("drop");
    drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", () => drop.classList.remove("over")); // the document's handler uploads
    // A file dropped anywhere on the page is taken too, rather than opened
    // by the browser in place of the studio.
    document.addEventListener("dragover", (e) => e.preventDefault());
    document.addEventListener("drop", (e) => { e.preventDefault(); if (e.dataTransfer.files[0]) upload(e.dataTransfer.files[0]); });
    drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("upload").click(); } });
    $("upload").addEventListener("change", (e) => upload(e.target.files[0]));
    $("sheet").addEventListener("change", (e) => openFile(S.file, e.target.value));
  }

  window.studio = { el, api, attempt, notice, problem, show, S, txt, loadFiles, chooseFile, openFile, upload, wireDrop, fillTexts };
})();
