#!/usr/bin/env bash
# Firefox smoke test: Debian's firefox-esr, headless, driven over its built-in WebDriver BiDi server
# (no geckodriver), with dist/firefox installed as a temporary add-on, against a real nginx 502 on
# 127.0.0.1: badge, background state, popup (provider nginx, fault origin), then the site coming
# back clears it. About 15 s. See docs/firefox.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/firefox/manifest.json ] || { echo "dist/firefox missing: run ./build.sh" >&2; exit 1; }
export PATH="/usr/sbin:/sbin:$PATH"
command -v nginx >/dev/null 2>&1 || { echo "nginx not installed (build.sh ensure_test_packages)" >&2; exit 1; }
FIREFOX="${FIREFOX:-/usr/bin/firefox-esr}"
[ -x "$FIREFOX" ] || { echo "$FIREFOX not found (build.sh ensure_test_packages installs firefox-esr)" >&2; exit 1; }
export FIREFOX
# Node 20 has a global WebSocket (the BiDi client) only behind this flag.
timeout 180 node --experimental-websocket --test-reporter=spec tests/e2e/firefox-smoke.mjs
