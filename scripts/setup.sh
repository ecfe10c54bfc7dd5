#!/usr/bin/env bash
# Installs everything hookwall's build and tests need on a fresh machine, into folders git
# ignores (.tools/, node_modules/). Idempotent: a second run takes seconds.
#   scripts/setup.sh            Rust target, cargo tools, npm packages
#   scripts/setup.sh --browser  also Debian's chromium (for the playground tests)
#   scripts/setup.sh --fuzz     also cargo-fuzz (for the fuzz smoke runs)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOOKWALL_ROOT"

want_browser=0
want_fuzz=0
for a in "$@"; do
  case "$a" in
    --browser) want_browser=1 ;;
    --fuzz) want_fuzz=1 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "setup: unknown option $a" >&2; exit 2 ;;
  esac
done

step() { printf '\n== setup: %s\n' "$*"; }

step "rust target wasm32-unknown-unknown"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

# The wasm-bindgen CLI must match the crate in Cargo.lock exactly.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock 2>/dev/null || true)
wb_version=${wb_version:-0.2.130}

install_tool() { # crate version binary [extra cargo args]
  local crate=$1 version=$2 bin=$3; shift 3
  if [ -x ".tools/bin/$bin" ] && ".tools/bin/$bin" --version 2>/dev/null | grep -q "$version"; then
    echo "$crate $version already installed"
  else
    cargo install "$crate" --version "$version" --root "$HOOKWALL_ROOT/.tools" "$@"
  fi
}
step "cargo tools (into .tools/)"
install_tool worker-build 0.8.7 worker-build --locked
# Without --locked: the CLI's lock wants a webpki-roots version the registry mirror lacks.
install_tool wasm-bindgen-cli "$wb_version" wasm-bindgen

if [ "$want_fuzz" = 1 ]; then
  step "cargo-fuzz (into .tools/)"
  install_tool cargo-fuzz 0.13.2 cargo-fuzz --locked
fi

step "npm packages"
if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  else
    echo "node_modules up to date"
  fi
else
  npm install --no-audit --no-fund
fi

if [ "$want_browser" = 1 ]; then
  step "chromium (Debian)"
  if ! command -v chromium >/dev/null 2>&1; then
    as_root=()
    if [ "$(id -u)" != 0 ]; then
      command -v sudo >/dev/null 2>&1 || { echo "setup: installing chromium needs root (or sudo): apt-get install chromium" >&2; exit 1; }
      as_root=(sudo)
    fi
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  chromium --version
fi
step "done"
