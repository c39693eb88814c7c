/**
 * extension/lib/api-calls.js: which answers are API failures, grouping the page's resource timing
 * (hostile input) by endpoint without the query string, status 0 by host as hidden, merging with
 * what webRequest saw, and the hosts' order.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { API_BADGE, MAX_ENDPOINTS, addCall, byHost, endpointOf, groupTiming, isApiFailure, mergeCalls, readApiTiming, verdictKey } from '../../extension/lib/api-calls.js';
import { FAULT_COLORS } from '../../extension/lib/verdict.js';

const page = 'https://app.example.com/dashboard';
/** @param {string} name @param {number|null} status @param {number} end */
const entry = (name, status, end, type = 'fetch') => ({ name, type, status, end });

test('5xx and 429 are failures; 4xx, 3xx and 2xx are not', () => {
  for (const s of [500, 502, 503, 504, 599, 429]) assert.ok(isApiFailure(s), String(s));
  for (const s of [0, 200, 204, 301, 400, 401, 404, 408, 600]) assert.ok(!isApiFailure(s), String(s));
});

test('an endpoint is origin and path, never the query or fragment', () => {
  assert.deepEqual(endpointOf('https://api.example.com:8443/v1/items?token=secret#x'), { url: 'https://api.example.com:8443/v1/items', host: 'api.example.com:8443', path: '/v1/items' });
  assert.equal(endpointOf('data:text/plain,hi'), null);
  assert.equal(endpointOf('not a url'), null);
});

test('failing calls are grouped by endpoint with the latest status, count and last time; status 0 cross-origin is hidden by host', () => {
  const g = groupTiming({
    supported: true,
    entries: [
      entry('https://app.example.com/api/items?page=1', 502, 100),
      entry('https://app.example.com/api/items?page=2', 503, 300),
      entry('https://app.example.com/api/items?page=3', 502, 200),
      entry('https://app.example.com/api/ok', 200, 50),
      entry('https://api.other.example/v1/x?t=1', 0, 10),
      entry('https://api.other.example/v1/y', 0, 20),
      // A same-origin 0 is a call that got no answer (aborted): not "hidden by the browser".
      entry('https://app.example.com/api/aborted', 0, 30),
      entry('https://api.example.com/limited', 429, 400),
    ],
  }, page);
  assert.equal(g.supported, true);
  assert.equal(g.checked, 8);
  assert.deepEqual(g.endpoints, [
    { url: 'https://app.example.com/api/items', host: 'app.example.com', path: '/api/items', status: 503, count: 3, last: 300 },
    { url: 'https://api.example.com/limited', host: 'api.example.com', path: '/limited', status: 429, count: 1, last: 400 },
  ]);
  assert.deepEqual(g.hidden, [{ host: 'api.other.example', count: 2, calls: [{ url: 'https://api.other.example/v1/x', count: 1 }, { url: 'https://api.other.example/v1/y', count: 1 }] }]);
});

test('hostile page answers are checked, not trusted', () => {
  for (const raw of [null, 7, 'x', { entries: 'no' }, { entries: [null, 1, { name: 5 }, { name: 'javascript:alert(1)', status: 502 }] }]) {
    const g = groupTiming(raw, page);
    assert.deepEqual(g.endpoints, []);
    assert.equal(g.supported, false);
  }
  const odd = groupTiming({ supported: 'yes', entries: [entry('https://a.example.com/x', 502.5, Number.NaN), entry('https://a.example.com/y', 1e9, 1)] }, page);
  assert.equal(odd.supported, false);
  assert.deepEqual(odd.endpoints, []);
  // Endpoints are bounded.
  const many = groupTiming({ entries: Array.from({ length: 500 }, (_, i) => entry(`https://a.example.com/e${i}`, 500, i)) }, page);
  assert.equal(many.endpoints.length, MAX_ENDPOINTS);
});

test('webRequest calls add up per endpoint; merging keeps the larger count, the latest status, and unhides what webRequest saw', () => {
  let net = addCall([], 'https://api.example.com/v1/a?x=1', 502, 100);
  net = addCall(net, 'https://api.example.com/v1/a?x=2', 504, 200);
  assert.deepEqual(net, [{ url: 'https://api.example.com/v1/a', host: 'api.example.com', path: '/v1/a', status: 504, count: 2, last: 200, net: true }]);
  const timing = [
    { url: 'https://api.example.com/v1/a', host: 'api.example.com', path: '/v1/a', status: 502, count: 5, last: 150 },
    { url: 'https://app.example.com/b', host: 'app.example.com', path: '/b', status: 500, count: 1, last: 50 },
  ];
  const hidden = [{ host: 'cdn.example.net', count: 3, calls: [{ url: 'https://cdn.example.net/q', count: 2 }, { url: 'https://cdn.example.net/r', count: 1 }] }];
  const withQ = addCall(net, 'https://cdn.example.net/q', 503, 300);
  const m = mergeCalls(withQ, timing, hidden);
  assert.deepEqual(m.endpoints.map((e) => [e.url, e.status, e.count]), [
    ['https://api.example.com/v1/a', 504, 5],
    ['https://cdn.example.net/q', 503, 1],
    ['https://app.example.com/b', 500, 1],
  ]);
  assert.deepEqual(m.hidden, [{ host: 'cdn.example.net', count: 1, calls: [{ url: 'https://cdn.example.net/r', count: 1 }] }]);
  const hosts = byHost(m.endpoints);
  assert.deepEqual(hosts.map((x) => [x.host, x.count, x.status]), [['api.example.com', 5, 504], ['cdn.example.net', 1, 503], ['app.example.com', 1, 500]]);
});

test('the verdict follows the engine\'s fault; the API badge is its own', () => {
  assert.equal(verdictKey('origin'), 'apiVerdictSite');
  assert.equal(verdictKey('cdn'), 'apiVerdictSite');
  assert.equal(verdictKey('client'), 'apiVerdictClient');
  assert.ok(!(/** @type {string[]} */ (Object.values(FAULT_COLORS))).includes(API_BADGE.color), 'a colour no failed page uses');
  assert.ok(!/^\d+$/.test(API_BADGE.text));
});

test('the page-side reader is self-contained and reads fetch() entries of a real resource timing', async () => {
  const srv = http.createServer((_req, res) => { res.writeHead(502).end('x'); });
  await new Promise((r) => srv.listen(0, '127.0.0.1', () => r(undefined)));
  try {
    const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (srv.address()).port}/api/items?token=1`;
    await (await fetch(url)).text();
    // As executeScript runs it: its source alone, no closure.
    const injected = /** @type {typeof readApiTiming} */ (new Function(`return (${readApiTiming.toString()})`)());
    // Node adds the entry a moment after the body is read.
    let read = injected(100);
    for (let i = 0; i < 50 && !read.entries.some((e) => e.name === url); i++) {
      await new Promise((r) => setTimeout(r, 20));
      read = injected(100);
    }
    const mine = read.entries.filter((e) => e.name === url);
    assert.equal(mine.length, 1, JSON.stringify(read));
    assert.equal(mine[0]?.type, 'fetch');
    // Node's resource timing has no responseStatus (Chromium's and Firefox's do): unknown, not 0.
    assert.equal(read.supported, 'responseStatus' in PerformanceResourceTiming.prototype);
    if (!read.supported) assert.equal(mine[0]?.status, null);
    else assert.equal(mine[0]?.status, 502);
  } finally {
    srv.close();
  }
});
