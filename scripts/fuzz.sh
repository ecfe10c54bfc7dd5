#!/usr/bin/env bash
# Runs every cargo-fuzz target for N seconds each (default 30), coverage-guided, with
# AddressSanitizer, starting from the seeds in fuzz/seeds/ (vectors) and the corpus kept in
# fuzz/corpus/ (git-ignored). A crash stops the run and leaves its input in fuzz/artifacts/:
# turn it into a regression test. Long runs: `bash scripts/fuzz.sh 3600 verifier`.
#   bash scripts/fuzz.sh [seconds-per-target] [target ...]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOOKWALL_ROOT/fuzz"
node vector-seeds.mjs   # seeds/<target>/vector-* from tests/vectors.json
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(headers signature_list jws jwks envelope verifier)
export RUSTC_BOOTSTRAP=1   # cargo-fuzz passes -Z flags; this is the only toolchain here (stable)
cargo fuzz build -O >&2
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  echo "== fuzz $t for ${seconds}s" >&2
  log="corpus/$t.log"
  status=0
  cargo fuzz run -O "$t" "corpus/$t" "seeds/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 >"$log" 2>&1 || status=$?
  grep -E "^(Done|==[0-9]+==|SUMMARY)|panicked" "$log" >&2 || true
  if [ "$status" -ne 0 ]; then
    tail -30 "$log" >&2
    echo "fuzz target $t found a crash (exit $status): see fuzz/artifacts/$t/" >&2
    exit 1
  fi
done
echo "fuzz: ${#targets[@]} targets x ${seconds}s, no crash" >&2
