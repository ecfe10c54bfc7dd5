// Micro-measurements inside workerd (see bench/load/micro/worker.js): the workerd process's CPU
// time around one request that repeats the thing n times, per repetition, three times each.
// Usage: node bench/load/micro.mjs
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dist = `${root}bench/load/micro/dist`;
execFileSync(`${root}node_modules/.bin/esbuild`, [`${root}bench/load/micro/worker.js`, "--bundle", "--format=esm", "--platform=neutral",
  "--main-fields=module,main", `--outfile=${dist}/index.js`, "--log-level=warning"]);
const mf = new Miniflare(convertV4MiniflareOptions({ modulesRoot: dist, modules: [{ type: "ESModule", path: `${dist}/index.js` }], compatibilityDate: "2025-09-01" }));
await mf.ready;

const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
const workerds = readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
  try { return readFileSync(`/proc/${p}/comm`, "utf8").startsWith("workerd") && readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1].split(" ")[1] === String(process.pid); } catch { return false; }
});
const cpuMs = () => workerds.reduce((sum, p) => {
  const f = readFileSync(`/proc/${p}/stat`, "utf8").slice(readFileSync(`/proc/${p}/stat`, "utf8").lastIndexOf(")") + 2).split(" ");
  return sum + ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}, 0);

const cases = [
  ["crypto", 20_000, "standardwebhooks: verify a delivery and re-sign it for the origin"],
  ["queueMicrotask", 2_000_000, "one queueMicrotask callback (how wasm-bindgen-futures wakes a task)"],
  ["then", 2_000_000, "one then callback on a resolved promise"],
];
for (const [path, n, what] of cases) {
  await (await mf.dispatchFetch(`http://micro/${path}?n=${Math.ceil(n / 10)}`)).text(); // warm-up
  const us = [];
  for (let r = 0; r < 3; r++) {
    const before = cpuMs();
    await (await mf.dispatchFetch(`http://micro/${path}?n=${n}`)).text();
    us.push(((cpuMs() - before) * 1000) / n);
  }
  console.log(`${what}: ${us.map((x) => x.toFixed(x < 1 ? 3 : 1)).join(", ")} µs`);
}
await mf.dispose();
