// The playground's service worker: after the first visit the page, its script and the wasm come
// from this browser's cache, so it works offline. The build (scripts/build-www.sh) writes the
// file list and a version made from the files' contents; a new build is a new cache.
const VERSION = "dev";
const FILES = ["./", "index.html", "style.css", "boot.js", "app.js", "parse.js", "pkg/hookwall_js.js", "pkg/hookwall_js_bg.wasm"];
const CACHE = `hookwall-playground-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: "reload" })))).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("hookwall-playground-") && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// Only this folder's own files are answered from the cache (the query string ignored for the
// page itself); everything else, like the JWKS frame, goes to the network as usual.
self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || new URL(req.url).origin !== location.origin) return;
  event.respondWith(caches.open(CACHE).then((cache) =>
    cache.match(req, { ignoreSearch: req.mode === "navigate" }).then((hit) => hit || fetch(req))));
});
