#!/usr/bin/env bash
# Builds the npm package into pkg/: one package for every JavaScript runtime.
#   - the core compiled to wasm (wasm-bindgen --target web, wasm-opt -Oz);
#   - the TypeScript API bundled by esbuild with the glue into self-contained entries:
#       dist/index.cjs   CommonJS, wasm bytes embedded (base64), instantiated synchronously
#                        (Node require, Bun, old bundlers);
#       dist/index.mjs   Node ESM: re-exports index.cjs (one wasm instance for import and require);
#       dist/web.mjs     ESM, wasm bytes embedded (browsers, Deno, web workers, bundlers);
#       dist/workerd.mjs ESM, imports dist/hookwall_js_bg.wasm?module (Cloudflare Workers and
#                        edge runtimes, which refuse to compile wasm from bytes);
#     none of them touches the file system, __dirname or any Node API;
#   - declarations (dist/index.d.mts, dist/index.d.cts) that need no @types/node;
#   - package.json (exports conditions) and README.
# Prints the wasm size. `cd pkg && npm pack` then gives the tarball.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/wasm.sh"
cd "$HOOKWALL_ROOT"
stage=target/npm-stage
rm -rf "$stage" pkg
mkdir -p "$stage" pkg/dist
cp -r npm/src npm/tsconfig.json "$stage/"
wasm_build_js web "$stage/src/glue"
wasm="$stage/src/glue/hookwall_js_bg.wasm"

# The glue's default async loader finds the wasm with `new URL(..., import.meta.url)`, which
# bundlers try to follow (and CommonJS cannot express). The entries instantiate with initSync
# only, so that one line becomes an error; the build fails if the glue changes shape.
# Also: initSync accepts a WebAssembly.Module from another realm (see below).
glue="$stage/src/glue/hookwall_js.js"
node - "$glue" <<'JS'
const fs = require("fs");
const file = process.argv[2];
const src = fs.readFileSync(file, "utf8");
const re = /module_or_path = new URL\('hookwall_js_bg\.wasm', import\.meta\.url\);/;
if (!re.test(src)) { console.error("build-npm: the wasm-bindgen glue changed; update the import.meta.url patch"); process.exit(1); }
let out = src.replace(re, 'throw new Error("hookwall: the wasm is instantiated by the package entry");');
// initSync's `instanceof WebAssembly.Module` is false for a module compiled in another realm
// (Next.js's edge runtime hands the `.wasm?module` import over from its host); the tag is not.
const check = "if (!(module instanceof WebAssembly.Module)) {";
if (out.split(check).length !== 2) { console.error("build-npm: initSync changed shape; update the realm patch"); process.exit(1); }
out = out.replace(check, 'if (!(module instanceof WebAssembly.Module) && Object.prototype.toString.call(module) !== "[object WebAssembly.Module]") {');
if (/import\.meta/.test(out)) { console.error("build-npm: import.meta left in the glue"); process.exit(1); }
fs.writeFileSync(file, out);
JS
node -e '
const fs = require("fs");
const b64 = fs.readFileSync(process.argv[1]).toString("base64");
fs.writeFileSync(process.argv[2] + ".js", `export const WASM_BASE64 = "${b64}";\n`);
fs.writeFileSync(process.argv[2] + ".d.ts", "export declare const WASM_BASE64: string;\n");
' "$wasm" "$stage/src/glue/wasm-base64"

# Type-check everything and write the declarations (no @types/node in scope).
(cd "$stage" && "$HOOKWALL_ROOT/node_modules/.bin/tsc" -p tsconfig.json)
if grep -v '^ *\(\*\|/\*\|//\)' "$stage/types/index.d.ts" | grep -q '\bBuffer\b\|glue/\|node:'; then
  echo "build-npm: the declarations use Buffer, the glue or a Node module" >&2; exit 1
fi

common=(--bundle --platform=neutral --target=es2020 --legal-comments=none --log-level=warning)
"$ESBUILD_BIN" "$stage/src/entry-cjs.ts" "${common[@]}" --format=cjs --outfile=pkg/dist/index.cjs
"$ESBUILD_BIN" "$stage/src/entry-web.ts" "${common[@]}" --format=esm --outfile=pkg/dist/web.mjs
"$ESBUILD_BIN" "$stage/src/entry-workerd.ts" "${common[@]}" --format=esm --external:'*.wasm?module' --outfile=pkg/dist/workerd.mjs
cp "$wasm" pkg/dist/hookwall_js_bg.wasm
# Node ESM: the CommonJS build's exports, so import and require share one instance; its default
# export is module.exports, as Node gives for a CommonJS package such as standardwebhooks.
# The ESM declarations declare that default (every value in one object); the CommonJS ones do not.
node -e '
const fs = require("fs");
const names = Object.keys(require(process.argv[1])).filter((n) => n !== "__esModule" && n !== "default");
fs.writeFileSync("pkg/dist/index.mjs", ["import cjs from \"./index.cjs\";", `export const { ${names.join(", ")} } = cjs;`, "export default cjs;", ""].join("\n"));
const dts = fs.readFileSync(process.argv[2], "utf8");
const fields = names.map((n) => `    ${n}: typeof ${n};`).join("\n");
fs.writeFileSync("pkg/dist/index.d.mts", `${dts}\n/** Every value above in one object (what a default import of standardwebhooks gives). */\ndeclare const hookwall: {\n${fields}\n};\nexport default hookwall;\n`);
fs.writeFileSync("pkg/dist/index.d.cts", dts);
' "$HOOKWALL_ROOT/pkg/dist/index.cjs" "$stage/types/index.d.ts"
for f in pkg/dist/*.cjs pkg/dist/*.mjs; do
  if grep -q "require(\"fs\")\|__dirname\|import\.meta\|node:" "$f"; then echo "build-npm: $f uses a Node API" >&2; exit 1; fi
done
cp npm/package.json pkg/package.json
cp npm/README.md pkg/README.md
raw=$(stat -c %s pkg/dist/hookwall_js_bg.wasm)
gz=$(gzip -9 -c pkg/dist/hookwall_js_bg.wasm | wc -c)
printf 'npm package wasm: %d bytes raw, %d bytes gzip -9\n' "$raw" "$gz" >&2
