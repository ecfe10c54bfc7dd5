#!/usr/bin/env bash
# Builds the npm package (pkg/) and runs its tests with node's test runner: API, interop with
# standardwebhooks/svix/jose/Node crypto, JwksVerifier against a local JWKS server, Express and
# Fastify helpers, and the packaging test (npm pack → install → ESM, CJS, tsc --noEmit).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOOKWALL_ROOT"
bash scripts/build-npm.sh
node --test --test-concurrency=1 test/npm/*.test.mjs
