#!/usr/bin/env bash
# Builds the signature playground into www/dist/: the core for the web target (wasm-bindgen
# --target web, wasm-opt -Oz) next to the static page, its service worker (sw.js, stamped with a
# version made from the other files' contents, so a new build is a new offline cache) and
# _headers (the security headers, for Cloudflare's asset serving: it must sit at the root of
# the assets directory). Prints every file's raw and gzip size and fails when the total gzip
# transfer is over 300 KB. Serve www/dist/ with any static server.
set -euo pipefail
source "$(dirname "$0")/env.sh"
source "$(dirname "$0")/wasm.sh"
cd "$HOOKWALL_ROOT"
rm -rf www/dist
mkdir -p www/dist/pkg
wasm_build_js web www/dist/pkg --no-typescript
cp www/*.html www/*.js www/*.css www/_headers www/dist/
cp tests/vectors.json www/dist/vectors.json   # the examples' vectors: the one copy, as built
version=$(cd www/dist && find . -type f ! -name sw.js ! -name _headers -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
sed -i "s/^const VERSION = \"dev\";/const VERSION = \"$version\";/" www/dist/sw.js
grep -q "const VERSION = \"$version\";" www/dist/sw.js || { echo "build-www: could not stamp sw.js" >&2; exit 1; }
total_raw=0; total_gz=0
while IFS= read -r f; do
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '  %-32s %8d bytes  %8d gzip\n' "${f#www/dist/}" "$raw" "$gz" >&2
done < <(find www/dist -type f ! -name _headers | sort)
budget=$((300 * 1000))
printf 'playground transfer: %d bytes raw, %d bytes gzip -9 (budget %d)\n' "$total_raw" "$total_gz" "$budget" >&2
[ "$total_gz" -le "$budget" ] || { echo "playground is over the gzip budget" >&2; exit 1; }
