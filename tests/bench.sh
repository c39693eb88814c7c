#!/usr/bin/env bash
# Benchmarks (not tests): `./build.sh bench` runs this.
#   1. criterion (crate/benches/engine.rs): the engine over the fixture corpus and over 100 KB /
#      1 MB / 50 MB pages, next to the memchr floor and the one-regex-per-literal baseline;
#      then each corpus page timed on its own (median) -> target/bench/native.json.
#   2. the same pages through the built wasm under Node (tests/bench-wasm.mjs).
#   3. the ratios: ours / floor and naive / ours per size, from criterion's median estimates.
#   4. real Chromium: popup open -> verdict (bench-browser.mjs), healthy navigation with the
#      extension switched on and off in one browser (bench-nav.mjs), and where that cost comes
#      from (bench-webrequest.mjs).
# Needs dist/chrome/engine (./build.sh) for step 2; skips it with a note when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

echo "== cargo bench -p gateway-doctor --bench engine"
mkdir -p target/bench
if ! cargo bench -p gateway-doctor --bench engine >target/bench/criterion.log 2>&1; then
  tail -n 40 target/bench/criterion.log >&2
  exit 1
fi
grep -E '^(corpus|large|ordinary)/|time:|^native per-page' target/bench/criterion.log

echo "== wasm under Node"
if [ -f dist/chrome/engine/engine_bg.wasm ]; then
  node tests/bench-wasm.mjs
else
  echo "dist/chrome/engine missing: run ./build.sh first for the wasm timing"
fi

echo "== ratios (criterion median estimates)"
node --input-type=module - <<'JS'
import { existsSync, readFileSync, readdirSync } from 'node:fs';
const est = (p) => {
  const f = `target/criterion/${p}/new/estimates.json`;
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')).median.point_estimate : NaN;
};
const fmt = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1e3).toFixed(1)} µs`);
const c = { ours: est('corpus/ours'), naive: est('corpus/naive'), floor: est('corpus/floor') };
const n = JSON.parse(readFileSync('target/bench/native.json', 'utf8'));
console.log(`corpus (${n.pages} pages, whole corpus per iteration): ours ${fmt(c.ours)}, floor ${fmt(c.floor)}, naive ${fmt(c.naive)};` +
  ` ours/floor ${(c.ours / c.floor).toFixed(1)}x, naive/ours ${(c.naive / c.ours).toFixed(1)}x;` +
  ` per page median ${n.median_us.toFixed(1)} µs (p90 ${n.p90_us.toFixed(1)} µs)`);
// large_*: the corpus's error pages end to end (every vendor's words everywhere, the worst case);
// ordinary_*: one error page carrying that much ordinary markup.
for (const [shape, size] of ['large', 'ordinary'].flatMap((sh) => ['100KB', '1MB', '50MB'].map((sz) => [sh, sz]))) {
  const g = `${shape}_${size}`;
  const ours = est(`${g}/ours`), floor = est(`${g}/floor`), floorP = est(`${g}/floor-prefix`);
  // The prefix benchmarks are named after page::MAX_HTML (the bytes ours reads: head + tail).
  const dir = `target/criterion/${g}/naive-prefix`;
  const sub = existsSync(dir) ? readdirSync(dir).filter((d) => /^[0-9]+$/.test(d)) : [];
  const maxHtml = sub.length ? Number(sub[0]) : NaN;
  const naive = est(`${g}/naive`), naiveP = est(`${g}/naive-prefix/${maxHtml}`);
  console.log(`${shape} ${size}: ours ${fmt(ours)} | floor (whole input) ${fmt(floor)} -> ours/floor ${(ours / floor).toFixed(2)}x` +
    ` | floor (first ${maxHtml / 1024} KiB, as many bytes as ours reads) ${fmt(floorP)} -> ${(ours / floorP).toFixed(1)}x` +
    ` | naive (whole input) ${fmt(naive)} -> naive/ours ${(naive / ours).toFixed(1)}x` +
    ` | naive (first ${maxHtml / 1024} KiB) ${fmt(naiveP)} -> ${(naiveP / ours).toFixed(1)}x`);
}
if (existsSync('target/bench/wasm.json')) {
  const w = JSON.parse(readFileSync('target/bench/wasm.json', 'utf8'));
  console.log(`wasm/native per-page median: ${w.wasm_median_us.toFixed(1)} µs / ${w.native_median_us.toFixed(1)} µs = ${w.ratio.toFixed(2)}x`);
}
JS

echo "== real Chromium: popup open -> verdict; healthy-page navigation with the extension switched on/off"
if [ -f dist/chrome/manifest.json ]; then
  node tests/e2e/bench-browser.mjs
  node tests/e2e/bench-nav.mjs
else
  echo "dist/chrome missing: run ./build.sh first for the browser timings"
fi

echo "== where the healthy-navigation cost comes from (webRequest-only and webNavigation-only extensions)"
if [ -f dist/chrome/manifest.json ]; then
  node tests/e2e/bench-webrequest.mjs
fi
