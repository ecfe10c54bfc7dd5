#!/usr/bin/env bash
# Builds the playground and runs its tests: input handling in Node (e2e/www/parse.test.mjs) and
# the page in headless Debian Chromium (playwright-core, no browser download), served by
# Cloudflare's asset worker in workerd (Miniflare) so that www/dist/_headers applies; axe-core is
# injected for the accessibility checks. Screenshots (verified, rejected and Sign; 1280x800 and
# 390x844; light and dark) go to artifacts/www/, which git ignores; the README's
# docs/playground-verify.png is artifacts/www/readme-verify.png reduced to 256 colours
# (artifacts/www/readme-verify-small.png; copy it by hand when the page changes).
# Needs chromium: scripts/setup.sh --browser.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOOKWALL_ROOT"
[ -x /usr/bin/chromium ] || { echo "test-www: /usr/bin/chromium is missing; run scripts/setup.sh --browser" >&2; exit 1; }
bash scripts/build-www.sh
node --test --test-concurrency=1 e2e/www/*.test.mjs
node e2e/www/png-palette.mjs artifacts/www/readme-verify.png artifacts/www/readme-verify-small.png
