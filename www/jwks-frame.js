// The JWKS downloader of jwks-frame.html. Takes one message { url } from the page that embeds
// it (the playground, at this file's own origin) and answers { status, text } or { error }.
(function () {
  var home = new URL(location.href).origin;
  var used = false;
  addEventListener("message", function (e) {
    if (used || e.source !== parent || e.origin !== home || !e.data || typeof e.data.url !== "string") return;
    used = true;
    var url = e.data.url;
    var reply = function (m) { parent.postMessage(m, home); };
    if (!/^https:\/\//i.test(url)) return reply({ error: "only https:// URLs are fetched" });
    fetch(url, { credentials: "omit", referrerPolicy: "no-referrer", cache: "no-store", redirect: "follow" })
      .then(function (res) {
        return res.text().then(function (text) { reply({ status: res.status, text: text.slice(0, 1 << 20) }); });
      })
      .catch(function (err) { reply({ error: String(err && err.message || err), network: true }); });
  });
  parent.postMessage({ ready: true }, home);
})();
