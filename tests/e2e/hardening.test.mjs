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
import { launch, tabIdOf, visit, waitDiagnosed, waitFor, waitForBadge } from './browser.mjs';

/** @type {import('./browser.mjs').Session} */
let s;
/** @type {http.Server} */
let server;
let base = '';
/** Requests per path prefix, to know how often a page refreshed. */
const hits = new Map();

before(async () => {
  // maxHeaderSize: the request line of a 2 MB address is a header as far as Node is concerned.
  server = http.createServer({ maxHeaderSize: 4 * 1024 * 1024 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/maintenance') {
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
