#!/usr/bin/env bash
# Bounded load test on 127.0.0.1: hookwall's worker and a plain JS worker verifying with the
# standardwebhooks package, one after the other in the same run, each in workerd in front of a
# real local origin; 80 % valid signed deliveries, 20 % forged. Prints req/s, p50/p99 and the
# counts (valid sent, forwarded, answered 5xx, rejected, lost); writes artifacts/load.md. Fails
# if a promise breaks (a valid delivery answered 2xx but not forwarded, or a forged one forwarded).
#   bash scripts/load.sh [seconds-per-worker=60] [connections=10] [invalid-share=0.2]
#   LOAD_RATE=300 bash scripts/load.sh 60   an open loop at 300 requests/s (latency at a fixed load)
# More knobs (other builds, the noise floor, pinning): the header of bench/load/run.mjs.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOOKWALL_ROOT"
[ -f crates/worker/build/index_bg.wasm ] || bash scripts/build-worker.sh
node bench/load/run.mjs "${1:-60}" "${2:-10}" "${3:-0.2}"
