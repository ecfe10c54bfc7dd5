// CPU time of workerd processes, from /proc (Linux): shared by the load runner and micro.mjs.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** The pids of the workerd processes below this Node process (Miniflare starts them). */
export function descendantWorkerds() {
  const procs = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      procs.push({ pid: Number(pid), ppid, comm });
    } catch {}
  }
  const mine = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) if (!mine.has(p.pid) && mine.has(p.ppid)) { mine.add(p.pid); grew = true; }
  }
  return new Set(procs.filter((p) => mine.has(p.pid) && p.comm.startsWith("workerd")).map((p) => p.pid));
}

/** User + system CPU time of `pids` so far, in milliseconds. */
export function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]); // utime, stime
    } catch {}
  }
  return (ticks * 1000) / CLK_TCK;
}
