#!/usr/bin/env bash
# Live capture tests: real nginx, Apache, HAProxy, Varnish, Squid and lighttpd on 127.0.0.1 send their
# real error pages, and the release CLI must name the provider and fault. Assumes ./build.sh built
# target/release/gateway-doctor and ensure_test_packages installed the servers (services stopped).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x target/release/gateway-doctor ] || { echo "target/release/gateway-doctor missing: run ./build.sh" >&2; exit 1; }
for b in nginx apache2 haproxy varnishd squid lighttpd; do
  command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || { echo "$b not installed (build.sh ensure_test_packages)" >&2; exit 1; }
done
export PATH="/usr/sbin:/sbin:$PATH"
node --test --test-reporter=spec tests/live/live.test.mjs
