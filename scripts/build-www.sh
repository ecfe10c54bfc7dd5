#!/usr/bin/env bash
# Builds the signature playground into www/dist/: the core for the web target (wasm-bindgen
# --target web, wasm-opt -Oz) next to the static page. Prints every file's raw and gzip size and
# fails when the total gzip transfer is over 300 KB. Serve www/dist/ with any static server.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/wasm.sh"
cd "$HOOKWALL_ROOT"
rm -rf www/dist
mkdir -p www/dist/pkg
wasm_build_js web www/dist/pkg --no-typescript
cp www/*.html www/*.js www/*.css www/dist/
total_raw=0; total_gz=0
while IFS= read -r f; do
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '  %-32s %8d bytes  %8d gzip\n' "${f#www/dist/}" "$raw" "$gz" >&2
done < <(find www/dist -type f | sort)
budget=$((300 * 1000))
printf 'playground transfer: %d bytes raw, %d bytes gzip -9 (budget %d)\n' "$total_raw" "$total_gz" "$budget" >&2
[ "$total_gz" -le "$budget" ] || { echo "playground is over the gzip budget" >&2; exit 1; }
