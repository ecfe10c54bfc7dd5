#!/usr/bin/env bash
# Every hardening check, failing on the first broken one:
#   1. the adversarial table against the core (cargo test --test adversarial);
#   2. the adversarial table and the fault-injection cases end to end against the worker in
#      workerd (e2e/worker/adversarial.test.mjs, e2e/worker/faults.test.mjs);
#   3. a fuzz smoke run of every cargo-fuzz target (FUZZ_SECONDS each, default 30);
#   4. a short load run of both workers (LOAD_SECONDS each, default 20), which fails when a valid
#      delivery is lost or a forged one is forwarded.
# SKIP_FUZZ=1 or SKIP_LOAD=1 leave out steps 3 or 4 (for a quick local run); SKIP_TABLES=1 leaves
# out steps 1 and 2 (scripts/test.sh sets it when its core and worker suites already ran them).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOOKWALL_ROOT"
step() { printf '\n== hardening: %s\n' "$*" >&2; }

if [ "${SKIP_TABLES:-0}" != 1 ]; then
  step "adversarial table, core"
  cargo test --quiet --test adversarial

  step "build the worker"
  bash scripts/build-worker.sh

  step "adversarial table and fault injection, worker in workerd"
  node --test --test-concurrency=1 e2e/worker/adversarial.test.mjs e2e/worker/faults.test.mjs
fi

if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  step "fuzz smoke, ${FUZZ_SECONDS:-30} s per target"
  bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
fi

if [ "${SKIP_LOAD:-0}" != 1 ]; then
  step "load, ${LOAD_SECONDS:-20} s per worker"
  bash scripts/load.sh "${LOAD_SECONDS:-20}"
fi
step "all hardening checks passed"
