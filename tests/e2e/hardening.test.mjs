/**
 * End-to-end, dist/chrome as shipped, in real headless Chromium against a Node server on
 * 127.0.0.1: what a hostile or runaway page cannot make the extension do. A maintenance page
 * refreshing itself every second opens one guidance tab, not one per refresh; a page that gives
 * itself a 2 MB address cannot fill storage.session and take later tabs' state with it; storage
 * that holds history and settings cannot be read or written from a content script.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { launch, tabIdOf, visit, waitDiagnosed, waitFor, waitForBadge, worker } from './browser.mjs';

/** @type {import('./browser.mjs').Session} */
let s;
/** @type {http.Server} */
let server;
let base = '';
/** Requests per path prefix, to know how often a page refreshed. */
const hits = new Map();
/** The page addresses the archive stand-in was asked about. @type {string[]} */
const archiveAsked = [];

before(async () => {
  // maxHeaderSize: the request line of a 2 MB address is a header as far as Node is concerned.
  server = http.createServer({ maxHeaderSize: 4 * 1024 * 1024 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/wayback/available') {
      // The Wayback Machine's availability API, as the probe server stands in for it.
      const target = new URL(req.url ?? '/', 'http://x').searchParams.get('url') ?? '';
      archiveAsked.push(target);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: target, archived_snapshots: { closest: { status: '200', available: true, url: `${base}/web/20260101120000/${target}`, timestamp: '20260101120000' } } }));
    } else if (path === '/garbage') {
      // Bytes that are not HTTP: a network error, for which the engine offers clear-site-cache.
      req.socket.end('garbage, not an HTTP response\r\n\r\n');
    } else if (path === '/maintenance') {
      // A maintenance page as many sites serve it: 503, refreshing itself every second.
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'retry-after': '60' });
      res.end('<!doctype html><html><head><meta http-equiv="refresh" content="1"><title>Maintenance</title></head>'
        + '<body><h1>503 Service Unavailable</h1><p>Down for maintenance, back soon.</p></body></html>');
    } else if (path === '/long-self') {
      // A healthy page that sends itself to a 2 MB address of a failing page.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>jump</title><script>location.href = '/fail/' + '?' + 'a'.repeat(${2 * 1024 * 1024 - 200});</script>`);
    } else {
      res.writeHead(502, { 'content-type': 'text/html; charset=utf-8', server: 'nginx' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  s = await launch({ lang: 'en-US' });
});

after(async () => {
  await s?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(() => r(undefined)));
});

/** The ids of the tabs showing popup.html?tab=<id>. @param {number} tabId */
const guidanceTabs = (tabId) =>
  s.control.evaluate(async (u) => (await chrome.tabs.query({})).filter((t) => t.url === u || t.pendingUrl === u).map((t) => t.id), `chrome-extension://${s.extId}/popup.html?tab=${tabId}`);

it('"open guidance in a tab": a page failing every second gets one guidance tab, reused; another failed tab its own', async () => {
  await s.control.evaluate(() => chrome.storage.sync.set({ openTab: true }));
  try {
    const page = await s.context.newPage();
    await visit(page, `${base}/maintenance`);
    const tabId = await tabIdOf(s, page);
    await waitForBadge(s, tabId, (t) => t === '503', '503 badge');
    const start = hits.get('/maintenance') ?? 0;
    // Five more refreshes, each one an error page of its own.
    await waitFor(async () => (hits.get('/maintenance') ?? 0) >= start + 5, 'the page refreshing itself', 15000);
    await waitDiagnosed(s, tabId);
    assert.equal((await guidanceTabs(tabId)).length, 1, 'one guidance tab for all the refreshes');

    // Closed by the user: the next failure opens it again (once).
    const [first] = await guidanceTabs(tabId);
    await s.control.evaluate((id) => chrome.tabs.remove(/** @type {number} */ (id)), first);
    await waitFor(async () => (await guidanceTabs(tabId)).length === 1 && (await guidanceTabs(tabId))[0] !== first, 'a new guidance tab', 10000);
    const again = hits.get('/maintenance') ?? 0;
    await waitFor(async () => (hits.get('/maintenance') ?? 0) >= again + 3, 'more refreshes', 15000);
    assert.equal((await guidanceTabs(tabId)).length, 1);

    const other = await s.context.newPage();
    await visit(other, `${base}/other-502`);
    const otherId = await tabIdOf(s, other);
    await waitFor(async () => (await guidanceTabs(otherId)).length === 1, 'the other tab\'s guidance tab');
    assert.equal((await guidanceTabs(tabId)).length, 1);
    await page.close();
    await other.close();
  } finally {
    await s.control.evaluate(() => chrome.storage.sync.set({ openTab: false }));
  }
});

/** The stored state of a tab, straight from storage.session. @param {number} tabId */
const stored = (tabId) => s.control.evaluate(async (k) => (await chrome.storage.session.get(k))[k] ?? null, `tab:${tabId}`);

it('pages that send themselves to 2 MB addresses leave later tabs\' state intact; the address is kept clipped, once', async () => {
  /** @type {import('playwright-core').Page[]} */
  const pages = [];
  /** @type {number[]} */
  const ids = [];
  // Three such tabs held 4 MB each (the address twice) of storage.session's 10 MB.
  for (let i = 0; i < 3; i++) {
    const page = await s.context.newPage();
    pages.push(page);
    await page.goto(`${base}/long-self`, { waitUntil: 'commit' });
    await page.waitForURL((u) => u.pathname === '/fail/', { timeout: 15000 });
    const tabId = await tabIdOf(s, page);
    ids.push(tabId);
    await waitForBadge(s, tabId, (t) => t === '502', `502 badge on long tab ${i}`, 15000);
  }
  // Every one of them keeps its state (unclipped, the third was lost: storage.session was full)...
  /** @type {any[]} */
  const states = [];
  for (const [i, tabId] of ids.entries()) {
    states.push(await waitFor(async () => {
      const v = await stored(tabId);
      return v?.done ? v : false;
    }, `state of long tab ${i}`, 15000));
  }
  // ... and so does a later failed tab, whose popup shows no storage warning.
  const later = await s.context.newPage();
  await visit(later, `${base}/later-502`);
  const laterId = await tabIdOf(s, later);
  const d = await waitDiagnosed(s, laterId);
  assert.equal(d.status, 502);
  const popup = await s.context.newPage();
  await popup.goto(`chrome-extension://${s.extId}/popup.html?tab=${laterId}`);
  await popup.waitForSelector('main#app[aria-busy="false"] #verdict');
  assert.equal(await popup.locator('#storage-error').count(), 0);
  await popup.close();
  for (const [i, st] of states.entries()) {
    assert.ok(JSON.stringify(st).length < 64 * 1024, `tab ${i} stores ${JSON.stringify(st).length} characters`);
    assert.equal(st.input.url, undefined, 'the address is stored once');
    assert.equal(st.url.length, 8192);
    assert.equal(st.diagnosis.status, 502);
  }
  for (const p of [...pages, later]) await p.close();
});

it('a failed write to storage.session is shown in the popup, not swallowed', async () => {
  // Fill storage.session to just under its 10 MB quota, as many big pages would.
  await s.control.evaluate(() => chrome.storage.session.set({ filler: 'x'.repeat(10 * 1024 * 1024 - 4096) }));
  try {
    const page = await s.context.newPage();
    await visit(page, `${base}/full-502`);
    const tabId = await tabIdOf(s, page);
    await waitForBadge(s, tabId, (t) => t === '502', '502 badge');
    const popup = await s.context.newPage();
    await popup.goto(`chrome-extension://${s.extId}/popup.html?tab=${tabId}`);
    await popup.waitForSelector('main#app[aria-busy="false"]');
    await popup.waitForSelector('#storage-error', { timeout: 10000 });
    assert.match(await popup.locator('#storage-error').textContent() ?? '', /could not save .*The browser said: .*quota/i);
    await popup.close();
    await page.close();
  } finally {
    await s.control.evaluate(() => chrome.storage.session.remove('filler'));
  }
});

it('history, probe settings and options (storage.local and .sync) are closed to content scripts', async () => {
  const page = await s.context.newPage();
  await visit(page, `${base}/healthy-enough-502`);
  const tabId = await tabIdOf(s, page);
  // What a script in the page's isolated world (a content script) can do with the two areas.
  const tries = await s.control.evaluate(async (id) => {
    const [r] = await chrome.scripting.executeScript({
      target: { tabId: id },
      world: 'ISOLATED',
      func: async () => {
        /** @param {'local'|'sync'} name */
        const attempt = async (name) => {
          try {
            const area = chrome.storage?.[name];
            if (!area) return 'no access';
            await area.set({ probeDohUrl: 'http://evil.invalid/' });
            return 'wrote';
          } catch (e) {
            return `refused: ${e instanceof Error ? e.message : String(e)}`;
          }
        };
        return { local: await attempt('local'), sync: await attempt('sync') };
      },
    });
    return r?.result;
  }, tabId);
  assert.notEqual(tries?.local, 'wrote', JSON.stringify(tries));
  assert.notEqual(tries?.sync, 'wrote', JSON.stringify(tries));
  // Our own pages still read and write both.
  await s.control.evaluate(() => chrome.storage.local.set({ gdProbe: 1 }));
  assert.equal((await s.control.evaluate(() => chrome.storage.local.get('gdProbe'))).gdProbe, 1);
  await s.control.evaluate(() => chrome.storage.local.remove('gdProbe'));
  await page.close();
});

it('archived-copy sends the address without its query string, and says so next to its button', async () => {
  await (await worker(s)).evaluate((u) => chrome.storage.local.set({ 'probe.archiveEndpoint': u }), `${base}/wayback/available`);
  try {
    const page = await s.context.newPage();
    await visit(page, `${base}/order-502/view?order=123456&token=s3cret#top`);
    const tabId = await tabIdOf(s, page);
    await waitDiagnosed(s, tabId);
    const popup = await s.context.newPage();
    await popup.goto(`chrome-extension://${s.extId}/popup.html?tab=${tabId}`);
    await popup.waitForSelector('main#app[aria-busy="false"] #verdict');
    const sends = await popup.locator('#archive-sends').textContent();
    assert.equal(sends, `Sends this address without its query string (the part after ?): ${base}/order-502/view`);
    const before = archiveAsked.length;
    await popup.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
    await popup.locator('[data-probe-run="archived-copy"]').click();
    await waitFor(async () => archiveAsked.length > before, 'the archive asked');
    assert.deepEqual(archiveAsked.slice(before), [`${base}/order-502/view`]);
    await popup.close();
    await page.close();
  } finally {
    await (await worker(s)).evaluate(() => chrome.storage.local.remove('probe.archiveEndpoint'));
  }
});

it('"clear this site\'s cache": browsingData is optional, asked for on the first click, and nothing is cleared without it', async () => {
  const has = () => s.control.evaluate(() => chrome.permissions.contains({ permissions: ['browsingData'] }));
  assert.equal(await has(), false, 'not held as shipped');
  const page = await s.context.newPage();
  await visit(page, `${base}/garbage`);
  const tabId = await tabIdOf(s, page);
  await waitDiagnosed(s, tabId);
  const popup = await s.context.newPage();
  await popup.goto(`chrome-extension://${s.extId}/popup.html?tab=${tabId}`);
  await popup.waitForSelector('main#app[aria-busy="false"] [data-action="clear-site-cache"] button');
  const box = popup.locator('[data-action="clear-site-cache"]');
  // Refused (the browser's answer replaced by "no", as a user's would be): nothing cleared, and said so.
  await popup.evaluate(() => {
    const g = /** @type {any} */ (globalThis);
    g.__gdRealRequest = chrome.permissions.request.bind(chrome.permissions);
    Object.defineProperty(chrome.permissions, 'request', { value: async () => false, configurable: true, writable: true });
  });
  const hitsBefore = hits.get('/garbage') ?? 0;
  await box.locator('button').click();
  await waitFor(async () => /Nothing was cleared/.test((await box.locator('.action-status').textContent()) ?? ''), 'refusal shown');
  assert.equal(hits.get('/garbage') ?? 0, hitsBefore, 'no reload');
  assert.equal(await has(), false);
  // Granted (headless Chromium grants an optional permission asked for in a click): cleared, reloaded.
  await popup.evaluate(() => {
    const g = /** @type {any} */ (globalThis);
    Object.defineProperty(chrome.permissions, 'request', { value: g.__gdRealRequest, configurable: true, writable: true });
  });
  await box.locator('button').click();
  await waitFor(async () => /Cleared stored data for http:\/\/127\.0\.0\.1:\d+/.test((await box.locator('.action-status').textContent()) ?? ''), 'cleared');
  assert.equal(await has(), true, 'granted on that first click');
  await waitFor(async () => (hits.get('/garbage') ?? 0) > hitsBefore, 'the tab reloaded');
  await popup.close();
  await page.close();
});
