/**
 * Times the engine in WebAssembly under Node: the built dist/chrome/engine (wasm-bindgen
 * --target web output, loaded with initSync) runs diagnose() on every corpus page, and the
 * per-page median is compared with the native one.
 *
 * Inputs: target/bench/corpus-inputs.json and target/bench/native.json, written by the native
 * criterion run (`cargo bench -p gateway-doctor --bench engine`), so both time the same pages.
 * Usage: node tests/bench-wasm.mjs   (tests/bench.sh runs it after the native benches)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './e2e/stats.mjs';

const root = new URL('..', import.meta.url).pathname;
const engineDir = join(root, 'dist/chrome/engine');
const engine = await import(join(engineDir, 'engine.js'));
engine.initSync({ module: readFileSync(join(engineDir, 'engine_bg.wasm')) });

/** @type {any[]} */
const pages = JSON.parse(readFileSync(join(root, 'target/bench/corpus-inputs.json'), 'utf8'));
/** @type {{median_us: number}} */
const native = JSON.parse(readFileSync(join(root, 'target/bench/native.json'), 'utf8'));


const t0 = performance.now();
engine.warm();
const warmMs = performance.now() - t0;

// Same scheme as the native per-page pass: 15 runs of 20 calls per page, median run per page.
const perPage = pages.map((p) => {
  engine.diagnose(p);
  const runs = [];
  for (let r = 0; r < 15; r++) {
    const t = performance.now();
    for (let i = 0; i < 20; i++) engine.diagnose(p);
    runs.push(((performance.now() - t) / 20) * 1000);
  }
  return median(runs);
});
const wasmUs = median(perPage);
const out = {
  pages: pages.length,
  wasm_median_us: wasmUs,
  native_median_us: native.median_us,
  ratio: wasmUs / native.median_us,
  warm_ms: warmMs,
};
writeFileSync(join(root, 'target/bench/wasm.json'), JSON.stringify(out));
console.log(
  `wasm (Node ${process.version}) per-page diagnose over ${pages.length} corpus pages: median ${wasmUs.toFixed(1)} µs` +
    ` (includes the JS<->wasm conversion of input and result); native median ${native.median_us.toFixed(1)} µs;` +
    ` wasm/native ${out.ratio.toFixed(2)}x; first warm() (rule compile) ${warmMs.toFixed(1)} ms`,
);
