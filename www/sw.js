// The playground's service worker: after the first visit the page, its script and the wasm come
// from this browser's cache, so it works offline. The build (scripts/build-www.sh) writes the
// file list and a version made from the files' contents; a new build is a new cache.
const VERSION = "dev";
const FILES = ["./", "style.css", "boot.js", "app.js", "parse.js", "vectors.json", "pkg/hookwall_js.js", "pkg/hookwall_js_bg.wasm"];
const CACHE = `hookwall-playground-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: "reload" })))).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("hookwall-playground-") && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// Only this folder's own files are answered from the cache; everything else, like the JWKS
// frame, goes to the network as usual. The page is "./" (a server may redirect index.html to
// it; a redirected response must not answer a navigation, so it is rebuilt without the flag).
const scope = new URL(self.registration.scope);
self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  const page = req.mode === "navigate" && (url.pathname === scope.pathname || url.pathname === `${scope.pathname}index.html`);
  event.respondWith(caches.open(CACHE)
    .then((cache) => cache.match(page ? "./" : req))
    .then((hit) => {
      if (!hit) return fetch(req);
      if (!hit.redirected) return hit;
      return new Response(hit.body, { status: hit.status, statusText: hit.statusText, headers: hit.headers });
    }));
});
