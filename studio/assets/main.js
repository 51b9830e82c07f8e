// Starts the page: texts, buttons, the folder's files, and the export the
// command line named.
"use strict";
(async function () {
  const st = window.studio;
  const $ = (id) => document.getElementById(id);
  st.fillTexts();
  st.wireDrop();
  st.wireCheck();
  st.wireSend();
  for (const b of document.querySelectorAll("#steps button")) b.addEventListener("click", () => st.show(b.dataset.step));
  $("save").addEventListener("click", st.save);
  $("to-check").addEventListener("click", () => st.show("check"));
  $("refresh").addEventListener("click", st.refreshFollow);
  $("follow-target").addEventListener("change", st.refreshFollow);
  $("quit").addEventListener("click", async () => {
    if (await st.attempt(() => st.api("POST", "/api/quit"))) { document.body.replaceChildren(st.el("p", { role: "status" }, T.quitDone)); }
  });
  const state = await st.attempt(() => st.api("GET", "/api/state"));
  if (state) {
    st.txt("folder", T.folder(state.dir));
    st.txt("footer", T.footer(state.version));
  }
  await st.loadFiles();
  if (state && state.startFile) await st.chooseFile(state.startFile);
  document.body.dataset.ready = "1";
})();
