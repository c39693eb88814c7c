/**
 * The engine as the extension runs it (dist/chrome/engine, the wasm) gives the same diagnosis as
 * the native engine on every fixture of the corpus, and meets each fixture's expectations. The
 * wasm is another build (32-bit, its own float formatting, serde-wasm-bindgen at the boundary,
 * the browser's JSON.parse for probe answers), so the native corpus test alone does not vouch for it. Pages are parsed by the native CLI
 * (`--format input`) and handed to both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'target/release/gateway-doctor');
const engineDir = join(root, 'dist/chrome/engine');
/** A fixed clock: Retry-After dates count from it on both sides. */
const NOW_MS = 1795000000000;

/**
 * Drops null and undefined members, so an absent field and a null one compare equal (serde
 * writes `null` where the wasm boundary may leave a member out).
 * @param {unknown} v
 * @returns {unknown}
 */
function canon(v) {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x != null).map(([k, x]) => [k, canon(x)]));
  }
  return v;
}

/** Every fixture with its input file and expectations. */
function fixtures() {
  const dir = join(root, 'tests/fixtures');
  /** @type {{name: string, file: string, expect: Record<string, unknown>}[]} */
  const out = [];
  for (const group of readdirSync(dir)) {
    for (const f of readdirSync(join(dir, group)).filter((n) => n.endsWith('.expect.json'))) {
      const stem = join(dir, group, f.slice(0, -'.expect.json'.length));
      const file = [`${stem}.http`, `${stem}.input.json`].find((p) => existsSync(p));
      if (file) out.push({ name: `${group}/${f}`, file, expect: JSON.parse(readFileSync(join(dir, group, f), 'utf8')) });
    }
  }
  return out;
}

test('wasm and native engines agree on every fixture, and both meet its expectations', async () => {
  assert.ok(existsSync(cli), `${cli} missing: run ./build.sh`);
  const engine = await import(join(engineDir, 'engine.js'));
  engine.initSync({ module: readFileSync(join(engineDir, 'engine_bg.wasm')) });
  const all = fixtures();
  assert.ok(all.length > 200, `fixtures found: ${all.length}`);
  /** @type {string[]} */
  const bad = [];
  for (const { name, file, expect } of all) {
    for (const lang of ['en', 'zh-CN', 'zh-TW']) {
      const input = { ...JSON.parse(execFileSync(cli, ['diagnose', file, '--format', 'input'], { encoding: 'utf8' })), now_ms: NOW_MS, lang };
      const native = JSON.parse(execFileSync(cli, ['diagnose', '-', '--format', 'json'], { input: JSON.stringify(input), encoding: 'utf8' }));
      const wasm = engine.diagnose(input);
      try {
        assert.deepEqual(canon(wasm), canon(native));
      } catch (e) {
        bad.push(`${name} (${lang}): wasm differs from native: ${e instanceof Error ? e.message.slice(0, 600) : e}`);
        continue;
      }
      for (const key of ['is_error', 'situation', 'provider', 'variant', 'fault', 'provider_kind', 'meaning', 'status_page']) {
        if (key in expect && wasm[key] !== expect[key]) bad.push(`${name}: ${key} ${JSON.stringify(wasm[key])}, expected ${JSON.stringify(expect[key])}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test('the engine exports its Retry-After parser and its list of network errors to ignore', async () => {
  const engine = await import(join(engineDir, 'engine.js'));
  engine.initSync({ module: readFileSync(join(engineDir, 'engine_bg.wasm')) });
  assert.equal(engine.retryAfterSeconds(' 120 ', NOW_MS), 120);
  assert.equal(engine.retryAfterSeconds('99999999', NOW_MS), 86400, 'capped at a day');
  // An HTTP date 30 s after the clock, in each of its three forms.
  const at = new Date(NOW_MS + 30_000);
  assert.equal(engine.retryAfterSeconds(at.toUTCString(), NOW_MS), 30);
  assert.equal(engine.retryAfterSeconds('Sun, 06 Nov 1994 08:49:37 GMT', 784111777000 - 5000), 5);
  assert.equal(engine.retryAfterSeconds('Sunday, 06-Nov-94 08:49:37 GMT', 784111777000 - 5000), 5);
  assert.equal(engine.retryAfterSeconds('Sun Nov  6 08:49:37 1994', 784111777000 - 5000), 5);
  assert.equal(engine.retryAfterSeconds('Sun, 06 Nov 1994 08:49:37 GMT', NOW_MS), 0, 'a date past is now');
  for (const bad of ['soon', '', '-5', 'Mon, 06 Nov 1994 08:49:37 GMT']) {
    assert.equal(engine.retryAfterSeconds(bad, NOW_MS), undefined, bad);
  }

  const ignored = engine.ignoredNetErrors();
  for (const e of ['net::ERR_ABORTED', 'ERR_ABORTED', 'NS_BINDING_ABORTED']) {
    assert.ok(ignored.includes(e), `${e} in ${ignored}`);
  }
  // The engine itself finds none of them an error, and does find a real failure one.
  for (const e of ignored) {
    assert.equal(engine.diagnose({ net_error: e, headers: [] }).is_error, false, e);
  }
  assert.equal(engine.diagnose({ net_error: 'net::ERR_CONNECTION_REFUSED', headers: [] }).is_error, true);
  // A load blocked by another extension is a failure the user sees, and says so.
  assert.ok(!ignored.includes('net::ERR_BLOCKED_BY_CLIENT'), `${ignored}`);
  const blocked = engine.diagnose({ net_error: 'net::ERR_BLOCKED_BY_CLIENT', headers: [] });
  assert.equal(blocked.is_error, true);
  assert.equal(blocked.situation, 'blocked-by-client');
  assert.equal(blocked.fault, 'client');
  // Input that is no page is thrown as an Error naming the field, not a trap.
  assert.throws(() => engine.diagnose({ status: 'five hundred' }), { message: 'bad diagnose input: invalid type: string "five hundred", expected u16' });
  assert.throws(() => engine.diagnose(null), { message: /^bad diagnose input: / });
  await assert.rejects(engine.runProbe({ kind: 'nope' }), { message: /^bad probe request: unknown variant `nope`/ });
});
