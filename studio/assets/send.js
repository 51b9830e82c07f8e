// Step 4: send, with live progress drawn as an SVG chart.
"use strict";
(function () {
  const { el, api, attempt, notice, S, txt } = window.studio;
  const $ = (id) => document.getElementById(id);
  const D = T.send;
  const SVG = "http://www.w3.org/2000/svg";

  function target() { return document.querySelector("input[name=target]:checked").value; }

  function updateForm(info) {
    if (info) S.sendInfo = info;
    const t = target();
    $("url-row").hidden = t !== "url";
    $("keys").hidden = t === "sandbox";
    $("confirm-row").hidden = t !== "prod";
    const known = S.sendInfo && S.sendInfo.keysSet && S.sendInfo.keysSet[t];
    txt("keys-help", known ? D.keysKnown : D.keysHelp);
    if (S.sendInfo && S.sendInfo.prodPhrase) txt("confirm-label", D.confirm(S.sendInfo.prodPhrase));
  }

  async function submit(e) {
    e.preventDefault();
    const body = {
      target: target(), url: $("url").value.trim(), apiKey: $("api-key").value, customerKey: $("customer-key").value,
      rate: parseFloat($("rate").value || "0"), autoRate: $("auto-rate").checked, workers: parseInt($("workers").value || "1", 10), confirm: $("confirm").value.trim(),
      resendInDoubt: $("resend").checked,
    };
    const run = await attempt(() => api("POST", "/api/send", body));
    // The keys are in the studio's memory now; the page forgets them.
    $("api-key").value = ""; $("customer-key").value = "";
    if (!run) return;
    notice("");
    drawRun(run);
    poll();
  }

  async function stop() {
    const run = await attempt(() => api("POST", "/api/stop"));
    if (run) { notice(D.stopping); drawRun(run); }
  }

  function poll() {
    clearTimeout(S.poll);
    S.poll = setTimeout(refreshProgress, 500);
  }

  async function refreshProgress() {
    const res = await attempt(() => api("GET", "/api/progress"));
    if (!res) return;
    updateForm(res);
    if (res.run) {
      drawRun(res.run);
      if (res.run.running) poll();
    }
  }

  function rps(run) {
    const s = run.series.slice(-5);
    const req = s.reduce((a, p) => a + p.requests, 0);
    return s.length ? req / s.length : 0;
  }

  function drawRun(run) {
    S.lastRun = run;
    $("progress-box").hidden = false;
    $("send").disabled = run.running;
    $("stop").disabled = !run.running;
    $("progress").max = Math.max(1, run.total);
    $("progress").value = run.done;
    txt("progress-text", D.progress(run.done, run.total, rps(run), run.secondsLeft));
    const counts = $("progress-counts");
    counts.replaceChildren();
    for (const k of T.statusOrder.filter((s) => run.counts[s])) counts.append(el("li", { className: "status-" + k }, (T.status[k] || k) + ": " + run.counts[k]));
    drawChart($("chart"), run.series);
    // Follow shows the migration this send fed, unless chosen otherwise.
    $("follow-target").value = run.target;
    if (run.target === "url") $("follow-url").value = $("url").value;
    drawResult(run);
    document.body.dataset.sendState = run.running ? "running" : (run.aborted ? "stopped" : "finished");
    document.body.dataset.sendDone = String(run.done);
  }

  function drawResult(run) {
    const box = $("send-result");
    box.replaceChildren();
    if (run.running) return;
    if (run.aborted) box.append(el("p", { id: "send-stopped" }, D.stopped));
    if (run.error) box.append(el("p", { className: "field-error" }, run.error));
    const s = run.summary;
    if (!s) return;
    if (!run.aborted) box.append(el("p", { id: "send-finished" }, D.done(s.rows, s.elapsedSeconds)));
    if (s.files && s.files.length) {
      const ul = el("ul", {});
      for (const f of s.files) {
        const name = f.split(/[\\/]/).pop();
        ul.append(el("li", {}, el("a", { href: "/files/" + encodeURIComponent(name) }, name)));
      }
      box.append(el("p", {}, D.files), ul);
    }
  }

  // drawChart plots rows, requests and errors per second.
  function drawChart(box, series) {
    const w = 640, h = 160, pad = 28;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    svg.setAttribute("width", w); svg.setAttribute("height", h);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", D.chart);
    const top = Math.max(1, ...series.map((p) => Math.max(p.rows, p.requests, p.errors)));
    const n = Math.max(2, series.length);
    const x = (i) => pad + (i * (w - 2 * pad)) / (n - 1);
    const y = (v) => h - pad - (v * (h - 2 * pad)) / top;
    svg.append(line(pad, h - pad, w - pad, h - pad, "#888"), line(pad, pad, pad, h - pad, "#888"), label(2, pad + 4, String(top)), label(2, h - pad, "0"));
    const styles = { rows: "#1b6e20", requests: "#23395d", errors: "#b00020" };
    let lx = pad + 10;
    for (const k of ["rows", "requests", "errors"]) {
      const path = document.createElementNS(SVG, "polyline");
      path.setAttribute("points", series.map((p, i) => x(i) + "," + y(p[k])).join(" "));
      path.setAttribute("fill", "none"); path.setAttribute("stroke", styles[k]); path.setAttribute("stroke-width", "2");
      svg.append(path);
      series.forEach((p, i) => svg.append(dot(x(i), y(p[k]), styles[k])));
      const t = label(lx, 14, D.legend[k]); t.style.fill = styles[k]; svg.append(t);
      lx += 110;
    }
    box.replaceChildren(svg);
  }
  function line(x1, y1, x2, y2, color) {
    const l = document.createElementNS(SVG, "line");
    for (const [k, v] of Object.entries({ x1, y1, x2, y2, stroke: color })) l.setAttribute(k, v);
    return l;
  }
  function dot(cx, cy, color) {
    const c = document.createElementNS(SVG, "circle");
    for (const [k, v] of Object.entries({ cx, cy, r: 3, fill: color })) c.setAttribute(k, v);
    return c;
  }
  function label(xx, yy, s) {
    const t = document.createElementNS(SVG, "text");
    t.setAttribute("x", xx); t.setAttribute("y", yy); t.textContent = s;
    return t;
  }

  function wireSend() {
    $("send-form").addEventListener("submit", submit);
    $("stop").addEventListener("click", stop);
    for (const r of document.querySelectorAll("input[name=target]")) r.addEventListener("change", () => updateForm());
  }

  Object.assign(window.studio, { refreshProgress, wireSend, drawChart, label, line, SVG });
})();
