#!/usr/bin/env bash
# Builds the npm package and prints the benchmark table (hookwall vs standardwebhooks, svix and
# Node's crypto, in one run). Exits non-zero if hookwall is not faster than standardwebhooks and
# svix at every size.   bash scripts/bench-npm.sh [ms-per-case]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOOKWALL_ROOT"
bash scripts/build-npm.sh
node bench/npm/bench.mjs "${1:-700}"
