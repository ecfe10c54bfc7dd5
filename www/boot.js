// A classic script, so it runs where module scripts cannot: opened from file://, Chromium
// refuses to load app.js (modules need http(s)), and without this the page would sit on
// "Loading…" forever. It also says so when the module has not started after a while.
(function () {
  var status = document.getElementById("load-status");
  function fail(text) {
    if (document.body.dataset.ready === "true") return;
    document.body.dataset.ready = "error";
    status.textContent = text;
    status.className = "load error";
  }
  if (location.protocol === "file:") {
    fail("This page cannot run from a file:// address: browsers load its WebAssembly and modules only over http(s). " +
      "Serve the folder, for example with “python3 -m http.server” in it, then open http://localhost:8000/.");
    return;
  }
  setTimeout(function () {
    if (document.body.dataset.ready) return;
    status.textContent = "Still loading the verifier after 20 s. On a slow connection, wait; if it never finishes, check that app.js, " +
      "pkg/hookwall_js.js and pkg/hookwall_js_bg.wasm are served (.wasm as application/wasm), and reload.";
  }, 20000);
})();
