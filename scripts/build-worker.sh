#!/usr/bin/env bash
# Builds the edge worker (crates/worker/build/) with worker-build, strips the wasm names
# section with binaryen's wasm-opt, and prints the wasm size (raw and gzip -9). Fails when the
# gzip size is over the 250 KB budget. Then builds the playground (scripts/build-www.sh) into
# build/assets/playground/, which the worker serves at /playground/ (wrangler.toml [assets]).
# wrangler.toml runs this as its [build] command.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/wasm.sh"
cd "$HOOKWALL_ROOT/crates/worker"
export CARGO_PROFILE_RELEASE_OPT_LEVEL=z
worker-build --release >&2
wasm=build/index_bg.wasm
wasm_opt "$wasm"
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
budget=$((250 * 1000))
printf 'worker wasm: %d bytes raw, %d bytes gzip -9 (budget %d)\n' "$raw" "$gz" "$budget" >&2
if [ "$gz" -gt "$budget" ]; then
  echo "worker wasm is over the gzip budget" >&2
  exit 1
fi

bash "$HOOKWALL_ROOT/scripts/build-www.sh"
rm -rf build/assets
mkdir -p build/assets
cp -r "$HOOKWALL_ROOT/www/dist" build/assets/playground
echo "worker assets: the playground at /playground/ ($(du -sk build/assets | cut -f1) KB)" >&2
