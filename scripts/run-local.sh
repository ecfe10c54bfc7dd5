#!/usr/bin/env bash
# Runs hookwall locally: the edge worker in the real workerd runtime (wrangler dev, local KV) on
# http://127.0.0.1:8787/, in front of a demo origin on http://127.0.0.1:8788/ that prints every
# event it receives (after checking the hop signature) and serves a demo JWKS. Ctrl-C stops both.
#   bash scripts/run-local.sh [--port 8787] [--origin-port 8788]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOOKWALL_ROOT"
port=8787
origin_port=8788
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift 2 ;;
    --origin-port) origin_port=$2; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "run-local: unknown option $1" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh
cargo build --release --locked -p hookwall-cli
if [ ! -f .dev.vars ]; then
  cp .dev.vars.example .dev.vars
  echo "run-local: created .dev.vars from .dev.vars.example (demo secrets)"
fi
if [ "$origin_port" != 8788 ]; then
  sed -i "s|127.0.0.1:8788|127.0.0.1:$origin_port|g" .dev.vars
fi

node demo/origin.mjs --port "$origin_port" &
origin_pid=$!
trap 'kill $origin_pid 2>/dev/null || true' EXIT INT TERM

secret=$(sed -n 's/^WEBHOOK_SECRETS *= *"\{0,1\}\([^" ]*\).*/\1/p' .dev.vars)
cat <<MSG

hookwall is starting on http://127.0.0.1:$port/ (demo origin on http://127.0.0.1:$origin_port/).
Send a signed test event from another terminal:

  target/release/hookwall send batch.succeeded --to http://127.0.0.1:$port/ --secret $secret
  target/release/hookwall send video.generated --to http://127.0.0.1:$port/ \\
      --signing-key 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60   # v1a, demo JWKS key
  curl -s http://127.0.0.1:$port/healthz

The signature playground is served by the worker too: http://127.0.0.1:$port/playground/

MSG
npx wrangler dev --ip 127.0.0.1 --port "$port"
