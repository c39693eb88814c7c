#!/usr/bin/env bash
# Probes and history (issue 4): the pure history/settings logic in node, then the built extension
# (dist/chrome) in headless Chromium driven through its popup, history and options pages against
# the probe stand-ins on 127.0.0.1, with every other request trapped by a logging proxy.
# Assumes ./build.sh assembled dist/chrome and ensure_test_packages installed Chromium.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/chrome/manifest.json ] || { echo "dist/chrome missing: run ./build.sh" >&2; exit 1; }
[ -f dist/chrome/popup/probe-views.js ] || { echo "dist/chrome is older than the probe views: run ./build.sh" >&2; exit 1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "chromium not installed (build.sh ensure_test_packages)" >&2; exit 1; }
node --test --test-reporter=spec tests/js/history.test.mjs tests/js/probe-settings.test.mjs
node --test --test-reporter=spec --test-timeout=300000 tests/e2e/probes.e2e.mjs
