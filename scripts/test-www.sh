#!/usr/bin/env bash
# Builds the playground and runs its browser tests in headless Debian Chromium (playwright-core,
# no browser download). Screenshots: artifacts/www/. Needs chromium (scripts/setup.sh --browser).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOOKWALL_ROOT"
[ -x /usr/bin/chromium ] || { echo "test-www: /usr/bin/chromium is missing; run scripts/setup.sh --browser" >&2; exit 1; }
bash scripts/build-www.sh
node --test --test-concurrency=1 test/www/*.test.mjs
