/**
 * The shell takes Retry-After parsing and the network errors to ignore from the engine (no JS
 * copy that could disagree with it): the real built wasm (dist/chrome/engine, as the extension
 * runs it) behind the shell's pure retry policy and net-error filter. A missing build fails here.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as policy from '../../extension/lib/retry-policy.js';
import { isReportableNetError } from '../../extension/lib/verdict.js';

const engineDir = join(new URL('../..', import.meta.url).pathname, 'dist/chrome/engine');
/** The generated wasm-bindgen module (typed where the extension imports it). @type {any} */
const engine = await import(join(engineDir, 'engine.js'));
engine.initSync({ module: readFileSync(join(engineDir, 'engine_bg.wasm')) });

const NOW = Date.parse('2026-01-01T00:00:00Z');
const mid = () => 0.5;

test('network errors to ignore: the engine\'s list, in the forms browsers report', () => {
  const ignored = new Set(engine.ignoredNetErrors());
  for (const e of ['net::ERR_ABORTED', 'ERR_ABORTED', 'NS_BINDING_ABORTED']) {
    assert.equal(isReportableNetError(e, ignored), false, e);
  }
  for (const e of ['net::ERR_NAME_NOT_RESOLVED', 'net::ERR_CONNECTION_REFUSED', 'net::ERR_HTTP_RESPONSE_CODE_FAILURE', 'NS_ERROR_UNKNOWN_HOST']) {
    assert.equal(isReportableNetError(e, ignored), true, e);
  }
});

test('Retry-After, read by the engine: seconds, HTTP dates, junk', () => {
  assert.equal(engine.retryAfterSeconds('120', NOW), 120);
  assert.equal(engine.retryAfterSeconds(' 7 ', NOW), 7);
  assert.equal(engine.retryAfterSeconds('Thu, 01 Jan 2026 00:01:30 GMT', NOW), 90);
  assert.equal(engine.retryAfterSeconds('Wed, 31 Dec 2025 23:00:00 GMT', NOW), 0, 'a past date means now');
  assert.equal(engine.retryAfterSeconds('soon', NOW), undefined);
  assert.equal(engine.retryAfterSeconds('', NOW), undefined);
});

test('what the retry policy makes of it: a floor for the next check, at most an hour', () => {
  const r = policy.start({ tabId: 1, url: 'https://x.test/', now: 0, rand: mid });
  assert.ok('state' in r);
  /** @param {string} header */
  const next = (header) => {
    const d = policy.afterProbe(r.state, { status: 503, retryAfter: engine.retryAfterSeconds(header, NOW) ?? null }, { now: 0, siteUsed: 1, rand: mid });
    assert.equal(d.kind, 'wait');
    return d.state.nextAt / 1000;
  };
  assert.equal(next('200'), 200);
  assert.equal(next('Thu, 01 Jan 2026 00:05:00 GMT'), 300);
  assert.equal(next('86400'), policy.RETRY_AFTER_MAX_S, 'a day is held to an hour');
  assert.equal(next('soon'), 30, 'junk leaves the schedule alone');
  assert.equal(next('Wed, 31 Dec 2025 23:00:00 GMT'), 30, 'a past date leaves the schedule alone');
});
