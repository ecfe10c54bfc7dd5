# Sourced by the build scripts (after env.sh): the one wasm pipeline, so the worker, the npm
# package and the playground are built and optimized the same way.
#   wasm_opt FILE                        binaryen's wasm-opt on FILE, in place, with WASM_OPT_FLAGS
#   wasm_build_js TARGET OUT [FLAGS...]  crates/js for wasm32 at opt-level z, wasm-bindgen
#                                        --target TARGET [FLAGS] into OUT, then wasm_opt
# The worker is compiled by worker-build (which runs wasm-bindgen itself) and then wasm_opt.

# The features rustc's wasm32 target and wasm-bindgen use, named explicitly (binaryen 132 from
# npm does not read them from the module), no debug or producers sections, optimized for size.
WASM_OPT_FLAGS=(
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals
  --strip-debug --strip-producers -Oz
)

wasm_opt() {
  "$WASM_OPT_BIN" "${WASM_OPT_FLAGS[@]}" "$1" -o "$1.tmp" && mv "$1.tmp" "$1"
}

wasm_build_js() {
  local target=$1 out=$2
  shift 2
  # Small beats fast at the edge and in the browser; Cargo.toml keeps the crypto hot loops at 3.
  CARGO_PROFILE_RELEASE_OPT_LEVEL=z cargo build --locked --release --target wasm32-unknown-unknown -p hookwall-js >&2
  mkdir -p "$out"
  wasm-bindgen --target "$target" "$@" --out-dir "$out" \
    "$HOOKWALL_ROOT/target/wasm32-unknown-unknown/release/hookwall_js.wasm"
  wasm_opt "$out/hookwall_js_bg.wasm"
}
