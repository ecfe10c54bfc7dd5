#!/usr/bin/env bash
# Builds the npm package into pkg/: the core compiled to wasm (wasm-bindgen --target nodejs,
# wasm-opt -Oz), the TypeScript API compiled to CommonJS with types, an ESM entry, package.json
# and README. Prints the wasm size. `cd pkg && npm pack` then gives the tarball.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/wasm.sh"
cd "$HOOKWALL_ROOT"
rm -rf pkg
mkdir -p pkg/wasm pkg/dist
wasm_build_js nodejs pkg/wasm
cp npm/package.json pkg/package.json   # "type": "commonjs" for dist/ and wasm/ (the repo root is ESM)
cp npm/README.md pkg/README.md
tsc -p npm/tsconfig.json
# ESM entry: re-export the CommonJS build (one instance of the wasm either way).
node -e '
const names = Object.keys(require("./pkg/dist/index.js")).filter((n) => n !== "__esModule");
const lines = ["import cjs from \"./index.js\";", `export const { ${names.join(", ")} } = cjs;`, "export default cjs;", ""];
require("fs").writeFileSync("pkg/dist/index.mjs", lines.join("\n"));
'
raw=$(stat -c %s pkg/wasm/hookwall_js_bg.wasm)
gz=$(gzip -9 -c pkg/wasm/hookwall_js_bg.wasm | wc -c)
printf 'npm package wasm: %d bytes raw, %d bytes gzip -9\n' "$raw" "$gz" >&2
