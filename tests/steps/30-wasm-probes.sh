#!/usr/bin/env bash
# The probes' fetch code (the host's fetch through gloo-net) and the probe request/reply types
# in a real service worker (wasm-bindgen-test, headless Chromium) against the local probe server.
set -euo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp)
node tests/probe-server/server.mjs > "$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 50); do grep -q PROBE_BASE "$log" && break; sleep 0.1; done
export PROBE_BASE
PROBE_BASE=$(sed -n 's/^PROBE_BASE=//p' "$log")
[ -n "$PROBE_BASE" ] || { echo "probe server did not start" >&2; exit 1; }
export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT=120
cd crate
cargo test --target wasm32-unknown-unknown --test wasm_probes
