#!/usr/bin/env bash
# Runs every hookwall test on this machine, installing what is missing first (scripts/setup.sh).
#   bash scripts/test.sh              all suites
#   bash scripts/test.sh core worker  only these suites
#   bash scripts/test.sh --help       this text
# Suites: core (cargo test: core, CLI, doc examples; the core's docs with -D missing_docs;
#         clippy -D warnings; the command index, e2e/scripts.test.mjs), wasm (the core builds for wasm32),
#         worker (edge worker in workerd: e2e, adversarial, faults), npm, www (headless Chromium),
#         hardening (fuzz smoke and load; FUZZ_SECONDS, LOAD_SECONDS tune them).
# Ends with one line "suites: N passed, M failed"; exits non-zero if any suite failed.
set -uo pipefail
case "${1:-}" in -h | --help) sed -n '2,/^set /{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;; esac
source "$(dirname "$0")/env.sh"
cd "$HOOKWALL_ROOT"

all=(core wasm worker npm www hardening)
if [ "$#" -gt 0 ]; then selected=("$@"); else selected=("${all[@]}"); fi
for s in "${selected[@]}"; do
  case " ${all[*]} " in *" $s "*) ;; *) echo "test: unknown suite '$s' (known: ${all[*]})" >&2; exit 2 ;; esac
done

setup_flags=()
case " ${selected[*]} " in *" www "*) setup_flags+=(--browser) ;; esac
case " ${selected[*]} " in *" hardening "*) setup_flags+=(--fuzz) ;; esac
bash scripts/setup.sh "${setup_flags[@]}" || { echo "test: setup failed" >&2; exit 1; }

# core also holds the core's public surface to its docs (no missing_docs) and clippy to no warnings.
suite_core() {
  cargo test --locked &&
    RUSTDOCFLAGS='-D missing_docs' cargo doc --locked --quiet -p hookwall --no-deps &&
    cargo clippy --locked --quiet --all-targets -- -D warnings &&
    node --test e2e/scripts.test.mjs
}
suite_wasm() { CARGO_PROFILE_RELEASE_OPT_LEVEL=z cargo build --locked --release --target wasm32-unknown-unknown -p hookwall; }
suite_worker() { cargo test --locked --quiet -p hookwall-worker --lib && bash scripts/build-worker.sh && node --test --test-concurrency=1 e2e/worker/*.test.mjs; }
suite_npm() { bash scripts/test-npm.sh; }
suite_www() { bash scripts/test-www.sh; }
# The adversarial tables and fault injection are part of core and worker; when both of those
# suites already passed in this run, hardening adds only the fuzz smoke and the load run.
suite_hardening() {
  if [ "${ran_ok[core]:-}" = 1 ] && [ "${ran_ok[worker]:-}" = 1 ]; then SKIP_TABLES=1 bash scripts/test-hardening.sh
  else bash scripts/test-hardening.sh; fi
}

passed=0; failed=0; failed_names=(); declare -A ran_ok=()
for s in "${selected[@]}"; do
  printf '\n==== suite %s ====\n' "$s"
  start=$SECONDS
  if "suite_$s"; then
    passed=$((passed + 1)); ran_ok[$s]=1; printf '==== suite %s: ok (%ds)\n' "$s" $((SECONDS - start))
  else
    failed=$((failed + 1)); failed_names+=("$s"); printf '==== suite %s: FAILED (%ds)\n' "$s" $((SECONDS - start))
  fi
done
[ "$failed" -gt 0 ] && echo "failed suites: ${failed_names[*]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
