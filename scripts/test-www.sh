#!/usr/bin/env bash
# Builds the playground and runs its tests: input handling in Node (e2e/www/parse.test.mjs) and
# the page in headless Debian Chromium (playwright-core, no browser download). Screenshots go to
# artifacts/www/; the README's docs/playground-verify.png is artifacts/www/readme-verify.png
# reduced to 256 colours (artifacts/www/readme-verify-small.png; copy it by hand when the page changes).
# Needs chromium: scripts/setup.sh --browser.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOOKWALL_ROOT"
[ -x /usr/bin/chromium ] || { echo "test-www: /usr/bin/chromium is missing; run scripts/setup.sh --browser" >&2; exit 1; }
bash scripts/build-www.sh
node --test --test-concurrency=1 e2e/www/*.test.mjs
node e2e/www/png-palette.mjs artifacts/www/readme-verify.png artifacts/www/readme-verify-small.png
