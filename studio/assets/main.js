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
  // After a reload, the export the studio holds (its mapping is kept on
  // the server); at the first load, the one the command line named.
  const file = state && (state.file || state.startFile);
  if (file) await st.chooseFile(file);
  document.body.dataset.ready = "1";
})();
