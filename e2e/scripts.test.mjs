// The command index (package.json "scripts") and the commands the README and docs name, kept
// true: every script points at a file, crate, bench or suite that exists; every script under
// scripts/ is reachable from the index; every command the docs give exists; and
// `bash scripts/test.sh --help` lists exactly the suites the script runs. Fast: reads files and
// runs only `test.sh --help`, which exits before setup.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const read = (p) => readFileSync(join(root, p), "utf8");
const scripts = JSON.parse(read("package.json")).scripts;
const testSh = read("scripts/test.sh");
const suites = /^all=\(([^)]*)\)/m.exec(testSh)[1].trim().split(/\s+/);
const cargo = read("Cargo.toml");
const crates = ["Cargo.toml", "crates/cli/Cargo.toml", "crates/worker/Cargo.toml", "crates/js/Cargo.toml"]
  .map((p) => /^\[package\]\s*\nname\s*=\s*"([^"]+)"/m.exec(read(p))[1]);
const benches = [...cargo.matchAll(/^\[\[bench\]\]\s*\nname\s*=\s*"([^"]+)"/gm)].map((m) => m[1]);
const docs = ["README.md", "SECURITY.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** What is wrong with one command line ([] when nothing): files it runs, crates, benches, suites. */
function problems(cmd) {
  const out = [];
  for (const m of cmd.matchAll(/\b(?:bash|node|sh)\s+((?:\.\/)?[\w.-]+(?:\/[\w.-]+)+)/g)) {
    if (!existsSync(join(root, m[1]))) out.push(`${m[1]} does not exist`);
  }
  for (const m of cmd.matchAll(/(?:^|\s)-p\s+([\w-]+)/g)) if (!crates.includes(m[1])) out.push(`no crate ${m[1]}`);
  for (const m of cmd.matchAll(/--bench\s+([\w-]+)/g)) if (!benches.includes(m[1])) out.push(`no bench ${m[1]}`);
  const t = /scripts\/test\.sh((?:\s+[a-z]+)*)/.exec(cmd);
  for (const s of t ? t[1].trim().split(/\s+/).filter(Boolean) : []) if (!suites.includes(s)) out.push(`no suite ${s}`);
  return out;
}

test("every npm script points at what exists", () => {
  assert.ok(Object.keys(scripts).length > 0);
  const bad = Object.entries(scripts).flatMap(([name, cmd]) => problems(cmd).map((p) => `${name}: ${p}`));
  assert.deepEqual(bad, []);
});

test("every suite has its npm script and its function, and nothing else claims to be one", () => {
  for (const s of suites) {
    assert.equal(scripts[`test:${s}`], `bash scripts/test.sh ${s}`, `npm run test:${s}`);
    assert.match(testSh, new RegExp(`^suite_${s}\\(\\)`, "m"), `suite_${s} in scripts/test.sh`);
  }
  const named = Object.keys(scripts).filter((n) => n.startsWith("test:")).map((n) => n.slice(5));
  assert.deepEqual(named.sort(), [...suites].sort());
});

test("every script under scripts/ is in the index or run by one that is", () => {
  const indexed = Object.values(scripts).join("\n");
  const files = readdirSync(join(root, "scripts")).filter((f) => f.endsWith(".sh"));
  const unreached = files.filter((f) => {
    const p = `scripts/${f}`;
    if (indexed.includes(p)) return false;
    // Sourced helpers and sub-scripts: named by another script.
    return !files.some((g) => g !== f && read(`scripts/${g}`).includes(f));
  });
  assert.deepEqual(unreached, []);
});

test("every command the README and docs give exists", () => {
  const bad = [];
  for (const doc of docs) {
    const text = read(doc);
    for (const line of text.split("\n")) for (const p of problems(line)) bad.push(`${doc}: ${p}`);
    for (const m of text.matchAll(/npm run ([\w:-]+)/g)) if (!(m[1] in scripts)) bad.push(`${doc}: npm run ${m[1]} is not a script`);
  }
  assert.deepEqual(bad, []);
});

test("scripts/test.sh --help lists exactly the suites it runs", () => {
  const help = execFileSync("bash", [join(root, "scripts/test.sh"), "--help"], { encoding: "utf8" });
  assert.match(help, /bash scripts\/test\.sh --help/);
  const listed = /Suites:([\s\S]*?)\n(?!\s)/.exec(help)[1];
  // The suite names: each word at the start of the list or after "), " / ", " at top level.
  const names = [];
  let depth = 0, word = "";
  for (const ch of listed + ",") {
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (depth === 0 && /[a-z]/.test(ch)) word += ch;
    else if (depth === 0 && ch === ",") {
      if (word) names.push(word);
      word = "";
    }
  }
  assert.deepEqual(names, suites);
  assert.doesNotMatch(help, /unknown suite/);
});
