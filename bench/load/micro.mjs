// Micro-measurements inside workerd (see bench/load/micro/worker.js): the workerd process's CPU
// time around one request that repeats the thing n times, per repetition, three times each.
// Usage: node bench/load/micro.mjs
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cpuMs, descendantWorkerds } from "./proc.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dist = `${root}bench/load/micro/dist`;
execFileSync(`${root}node_modules/.bin/esbuild`, [`${root}bench/load/micro/worker.js`, "--bundle", "--format=esm", "--platform=neutral",
  "--main-fields=module,main", `--outfile=${dist}/index.js`, "--log-level=warning"]);
const mf = new Miniflare(convertV4MiniflareOptions({ modulesRoot: dist, modules: [{ type: "ESModule", path: `${dist}/index.js` }], compatibilityDate: "2025-09-01" }));
await mf.ready;

const workerds = descendantWorkerds();

const cases = [
  ["crypto", 20_000, "standardwebhooks: verify a delivery and re-sign it for the origin"],
  ["queueMicrotask", 2_000_000, "one queueMicrotask callback (how wasm-bindgen-futures wakes a task)"],
  ["then", 2_000_000, "one then callback on a resolved promise"],
];
for (const [path, n, what] of cases) {
  await (await mf.dispatchFetch(`http://micro/${path}?n=${Math.ceil(n / 10)}`)).text(); // warm-up
  const us = [];
  for (let r = 0; r < 3; r++) {
    const before = cpuMs(workerds);
    await (await mf.dispatchFetch(`http://micro/${path}?n=${n}`)).text();
    us.push(((cpuMs(workerds) - before) * 1000) / n);
  }
  console.log(`${what}: ${us.map((x) => x.toFixed(x < 1 ? 3 : 1)).join(", ")} µs`);
}
await mf.dispose();
