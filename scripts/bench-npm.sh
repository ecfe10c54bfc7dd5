#!/usr/bin/env bash
# Builds the npm package and prints the benchmark tables (hookwall, its wasm-only build,
# standardwebhooks, svix, jose and Node's crypto, in one interleaved run; then import and first
# verify in fresh processes). Exits non-zero if hookwall is behind a peer in any row.
#   bash scripts/bench-npm.sh [ms-per-case]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOOKWALL_ROOT"
bash scripts/build-npm.sh
node bench/npm/bench.mjs "${1:-700}"
