/**
 * Unit tests of the auto-retry policy: schedule, jitter bounds, Retry-After floor, per-site cap,
 * stop rules. (Reading the Retry-After header is the engine's: tests/js/engine-lists.test.mjs.)
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as p from '../../extension/lib/retry-policy.js';

const mid = () => 0.5; // no jitter
const low = () => 0; // -20 %
const high = () => 0.999999; // +20 %

test('base schedule is 10s, 30s, 1m, 2m, 5m, then every 10m', () => {
  const got = Array.from({ length: 9 }, (_, i) => p.delayMs(i, { rand: mid }) / 1000);
  assert.deepEqual(got, [10, 30, 60, 120, 300, 600, 600, 600, 600]);
});

test('jitter stays within ±20% and actually varies', () => {
  for (let i = 0; i < 7; i++) {
    const base = p.baseDelayS(i) * 1000;
    assert.equal(p.delayMs(i, { rand: low }), Math.round(base * 0.8));
    assert.ok(p.delayMs(i, { rand: high }) <= Math.round(base * 1.2));
    assert.ok(p.delayMs(i, { rand: high }) > base * 1.19);
  }
  const seen = new Set(Array.from({ length: 50 }, () => p.delayMs(0)));
  assert.ok(seen.size > 10, 'random jitter gives different delays');
});

test('Retry-After is a floor, never a ceiling, and is clamped to an hour', () => {
  assert.equal(p.delayMs(0, { retryAfter: 45, rand: high }), 45000);
  assert.equal(p.delayMs(4, { retryAfter: 45, rand: mid }), 300000, 'schedule wins when longer');
  assert.equal(p.delayMs(0, { retryAfter: 10 ** 9, rand: mid }), p.RETRY_AFTER_MAX_S * 1000);
  assert.equal(p.delayMs(0, { retryAfter: 0, rand: mid }), 10000);
});

test('start: first probe after the first delay, honouring Retry-After', () => {
  const r = p.start({ tabId: 3, url: 'https://example.com/a#x', retryAfter: 40, cap: 5, siteUsed: 0, now: 1000, rand: mid });
  assert.ok('state' in r);
  assert.equal(r.state.nextAt, 1000 + 40000);
  assert.equal(r.state.origin, 'https://example.com');
  assert.equal(r.state.host, 'example.com');
  assert.equal(r.state.attempt, 0);
});

test('start refuses non-web URLs and a spent cap', () => {
  assert.deepEqual(p.start({ tabId: 1, url: 'chrome://settings', now: 0 }), { stop: 'bad-url' });
  assert.deepEqual(p.start({ tabId: 1, url: 'not a url', now: 0 }), { stop: 'bad-url' });
  assert.equal(p.retryableOrigin('https://a.test:8443/x?y#z'), 'https://a.test:8443');
  assert.equal(p.retryableOrigin('file:///etc/passwd'), null);
  assert.deepEqual(p.start({ tabId: 1, url: 'https://a.test/', cap: 3, siteUsed: 3, now: 0 }), { stop: 'cap' });
});

test('cap option is clamped to 1..30; junk falls back to the default', () => {
  assert.equal(p.clampCap(0), 1);
  assert.equal(p.clampCap(1000), p.CAP_MAX);
  assert.equal(p.clampCap('7'), 7);
  assert.equal(p.clampCap('x'), p.CAP_DEFAULT);
  assert.equal(p.clampCap(Number.NaN), p.CAP_DEFAULT);
});

test('a run of failing probes follows the schedule and stops at the per-site cap', () => {
  const r = p.start({ tabId: 1, url: 'https://down.test/', cap: 4, siteUsed: 0, now: 0, rand: mid });
  assert.ok('state' in r);
  let s = r.state;
  let now = s.nextAt;
  const delays = [];
  let used = 0;
  for (;;) {
    used += 1;
    const d = p.afterProbe(s, { status: 502 }, { now, siteUsed: used, rand: mid });
    if (d.kind === 'stop') {
      assert.equal(d.reason, 'cap');
      assert.equal(used, 4);
      break;
    }
    assert.equal(d.kind, 'wait');
    delays.push((d.state.nextAt - now) / 1000);
    s = d.state;
    now = s.nextAt;
  }
  assert.deepEqual(delays, [30, 60, 120]);
});

test('the cap is per site: attempts used by another tab count', () => {
  const r = p.start({ tabId: 2, url: 'https://down.test/b', cap: 4, siteUsed: 3, now: 0, rand: mid });
  assert.ok('state' in r);
  const d = p.afterProbe(r.state, { status: 0 }, { now: 1, siteUsed: 4 });
  assert.equal(d.kind, 'stop');
});

test('a healthy probe reloads; 429, 408, a redirect (not followed), 5xx and network failures do not', () => {
  const r = p.start({ tabId: 1, url: 'https://x.test/', now: 0, rand: mid });
  assert.ok('state' in r);
  for (const status of [p.REDIRECTED, 301, 302, 307]) assert.equal(p.afterProbe(r.state, { status }, { now: 0, siteUsed: 1 }).kind, 'wait', String(status));
  for (const status of [200, 204, 404]) assert.equal(p.afterProbe(r.state, { status }, { now: 0, siteUsed: 1 }).kind, 'reload', String(status));
  for (const status of [0, 408, 429, 500, 502, 503, 504, 521]) assert.equal(p.afterProbe(r.state, { status }, { now: 0, siteUsed: 1 }).kind, 'wait', String(status));
});

test("a probe's Retry-After becomes the floor of the next delay", () => {
  const r = p.start({ tabId: 1, url: 'https://x.test/', now: 0, rand: mid });
  assert.ok('state' in r);
  const d = p.afterProbe(r.state, { status: 503, retryAfter: 200 }, { now: 5, siteUsed: 1, rand: mid });
  assert.equal(d.kind, 'wait');
  assert.equal(d.state.nextAt, 5 + 200000);
});

test('navigation elsewhere cancels; the same page (even with a new fragment) does not', () => {
  const r = p.start({ tabId: 1, url: 'https://x.test/p?q=1#a', now: 0 });
  assert.ok('state' in r);
  assert.equal(p.navigatedElsewhere(r.state, 'https://x.test/p?q=1#b'), false);
  assert.equal(p.navigatedElsewhere(r.state, 'https://x.test/p?q=1'), false);
  assert.equal(p.navigatedElsewhere(r.state, 'https://x.test/other'), true);
  assert.equal(p.navigatedElsewhere(r.state, 'https://y.test/p?q=1'), true);
});
