/**
 * After a trap the engine is a fresh instance: the real wasm (dist/chrome/engine, as the extension
 * ships it) is made to trap by trashing its memory, as a bug corrupting it would; without a reset
 * every later call traps too, and through lib/engine-recovery.js (what background/engine.js uses)
 * the call after the trap diagnoses correctly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTrap, recoverable } from '../../extension/lib/engine-recovery.js';

const engineDir = join(new URL('../..', import.meta.url).pathname, 'dist/chrome/engine');

const input = {
  status: 502,
  headers: [{ name: 'Server', value: 'nginx/1.26.0' }],
  url: 'http://shop.test/',
  title: '502 Bad Gateway',
  text: '502 Bad Gateway\nnginx/1.26.0',
  html: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.26.0</center></body></html>',
  lang: 'en',
  now_ms: Date.UTC(2026, 11, 1),
};

test('a trapped engine is replaced by a fresh instance, and the next diagnosis works', async () => {
  assert.ok(existsSync(join(engineDir, 'engine.js')), 'dist/chrome/engine missing: run ./build.sh');
  const engine = await import(join(engineDir, 'engine.js'));
  assert.equal(typeof engine.__wbg_reset_state, 'function', 'built with --experimental-reset-state-function');
  const exportsOf = engine.initSync({ module: readFileSync(join(engineDir, 'engine_bg.wasm')) });
  engine.warm();
  const good = engine.diagnose(input);
  assert.equal(good.provider, 'nginx');

  /** @type {unknown[]} */
  const traps = [];
  const call = recoverable({ reset: () => { engine.__wbg_reset_state(); engine.warm(); }, onReset: (e) => traps.push(e) });

  // Corrupt the instance's memory, then show it stays broken when nothing resets it.
  new Uint8Array(exportsOf.memory.buffer).fill(0xff);
  for (let i = 0; i < 2; i++) assert.throws(() => engine.diagnose(input), (e) => isTrap(e), 'still trapping');

  // Through the wrapper: this call fails with the trap, the engine is replaced...
  assert.throws(() => call.run(() => engine.diagnose(input)), (e) => isTrap(e));
  assert.equal(traps.length, 1);
  // ...and the next one diagnoses as before.
  assert.deepEqual(call.run(() => engine.diagnose(input)), good);
  assert.equal(traps.length, 1, 'no trap after the reset');
});

test('errors that are not traps (bad input) pass through without a reset', () => {
  let resets = 0;
  const call = recoverable({ reset: () => { resets++; } });
  assert.throws(() => call.run(() => { throw new TypeError('bad diagnose input'); }), TypeError);
  assert.equal(resets, 0);
});
