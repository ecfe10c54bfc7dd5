#!/usr/bin/env bash
# Hardening checks that are not plain tests: a fuzz smoke run of every cargo-fuzz target
# (FUZZ_SECONDS each, default 30) and a short load run (LOAD_SECONDS per worker, default 20).
# The adversarial and fault-injection suites run with the worker suite (test/worker/).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOOKWALL_ROOT"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
[ -f crates/worker/build/index_bg.wasm ] || bash scripts/build-worker.sh
bash scripts/load.sh "${LOAD_SECONDS:-20}"
