#!/usr/bin/env bash
# The extension end to end in real Chromium (--headless=new) against real servers on 127.0.0.1:
# nginx/Apache/HAProxy/Varnish errors, replayed vendor pages, network errors, a healthy page, failing API calls behind a loaded page (api.test.mjs); the
# actions (actions.test.mjs: hard-reload, clear-site-cache, auto-retry), options, axe-core, zh-CN, zh-TW. Twice over: with
# response headers on (extension.test.mjs, webRequest granted) and as shipped (light.test.mjs,
# zh-cn.test.mjs, zh-tw.test.mjs, popup-layout.test.mjs: status from navigation timing, no webRequest), and what a hostile
# page cannot make it do (hardening.test.mjs), and where the user turned it off (optout.test.mjs: "never on this
# site", the first-run page).
# Writes the popup screenshots to target/screenshots/ (GD_SCREENSHOTS=docs/screenshots refreshes
# the README's copies). About a minute on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/chrome/manifest.json ] || { echo "dist/chrome missing: run ./build.sh" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "/usr/bin/chromium missing (build.sh ensure_test_packages)" >&2; exit 1; }
export PATH="/usr/sbin:/sbin:$PATH"
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "note: no Chinese font installed (fonts-wqy-microhei): the zh-CN screenshots will show boxes" >&2
fi
timeout 1200 node --test --test-concurrency=1 --test-timeout=240000 --test-reporter=spec \
  tests/e2e/extension.test.mjs tests/e2e/actions.test.mjs tests/e2e/light.test.mjs tests/e2e/zh-cn.test.mjs tests/e2e/zh-tw.test.mjs \
  tests/e2e/popup-layout.test.mjs tests/e2e/hardening.test.mjs tests/e2e/no-harm.test.mjs tests/e2e/api.test.mjs \
  tests/e2e/blocks.test.mjs tests/e2e/optout.test.mjs
