#!/usr/bin/env bash
# Probes and history (issue 4) end to end: the built extension (dist/chrome) in headless Chromium,
# driven through its popup, history and options pages against the probe stand-ins on 127.0.0.1
# (tests/probe-server), with every other request trapped by a logging proxy (the network log).
# The pure history/settings logic is unit-tested by 15-js.sh (tests/js). About a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/chrome/manifest.json ] || { echo "dist/chrome missing: run ./build.sh" >&2; exit 1; }
[ -f dist/chrome/popup/archive-views.js ] || { echo "dist/chrome is older than the archive views: run ./build.sh" >&2; exit 1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "chromium not installed (build.sh ensure_test_packages)" >&2; exit 1; }
timeout 600 node --test --test-reporter=spec tests/e2e/probes.e2e.mjs
timeout 300 node --test --test-reporter=spec tests/e2e/history.e2e.mjs
# Item 3 of issue 13: the three archives (own stand-ins, own browser).
timeout 300 node --test --test-reporter=spec tests/e2e/archives.e2e.mjs
