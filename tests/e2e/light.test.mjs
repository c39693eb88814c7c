/**
 * End-to-end: dist/chrome exactly as shipped, which holds no webRequest permission ("read
 * response headers" is off until the user turns it on). The status comes from the page's own
 * navigation timing, read once it has loaded; everything else is read from the page. Asserts what
 * a person sees on real servers and replayed vendor pages, what an empty error response shows, and
 * that a healthy page costs one status read and nothing else (no storage, no badge, no page read),
 * that a failed page is read in that same call (so a browser check served as 503 never flashes an
 * error badge), that a long page's footer reaches the engine, and a worker stopped mid-load.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as srv from '../servers/servers.mjs';
import { startReplay } from './replay.mjs';
import { axeViolations } from './a11y.mjs';
import {
  ROOT, badgeText, countScripts, launch, openPopup, stopWorker, tabIdOf, visit, waitDiagnosed, waitFor, waitForBadge, worker, loadError as loadErrorIn,
} from './browser.mjs';

/** @type {import('./browser.mjs').Session} */
let s;
/** @type {import('./replay.mjs').ReplayHandle} */
let replay;
/** @type {(tabId: number) => Promise<number>} */
let scriptCalls;
/** @type {{stop: () => Promise<void>}[]} */
const servers = [];

before(async () => {
  replay = await startReplay();
  servers.push(replay);
  s = await launch({ lang: 'en-US' });
  scriptCalls = await countScripts(s);
});

after(async () => {
  await s?.close();
  for (const h of servers) await h.stop().catch(() => {});
});

/** @param {string} url @param {(t: string) => boolean} badgeOk */
const loadError = (url, badgeOk) => loadErrorIn(s, url, badgeOk);

it('ships without webRequest: it is optional, and the options page shows it off', async () => {
  const w = await worker(s);
  const m = await w.evaluate(() => chrome.runtime.getManifest());
  assert.ok(!(m.permissions ?? []).includes('webRequest'), 'not a required permission');
  assert.ok((m.optional_permissions ?? []).includes('webRequest'), 'an optional one');
  assert.equal(await w.evaluate(() => typeof chrome.webRequest), 'undefined', 'not granted');
  assert.equal(await s.control.locator('#readHeaders').isChecked(), false, 'the options box is off');
  assert.equal(await s.control.locator('#readHeaders').isDisabled(), false, 'and can be turned on');
});

describe('errors, diagnosed from the status and the page alone', () => {
  const cases = [
    { name: 'nginx → closed upstream (502)', start: srv.startNginx502, status: '502', provider: 'nginx' },
    { name: 'Apache mod_proxy → hang-up upstream (502)', start: srv.startApache502, status: '502', provider: 'apache' },
    { name: 'HAProxy, backend down (503)', start: srv.startHaproxy503, status: '503', provider: 'haproxy' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const server = await c.start();
      servers.push(server);
      const { page, tabId, badge, diagnosis } = await loadError(server.url, (t) => t !== '');
      assert.equal(badge, c.status);
      assert.equal(diagnosis.status, Number(c.status));
      assert.equal(diagnosis.provider, c.provider, JSON.stringify(diagnosis.evidence));
      assert.equal(diagnosis.fault, 'origin');
      const popup = await openPopup(s, tabId);
      assert.equal(await popup.locator('#status-code').textContent(), c.status);
      assert.equal(await popup.locator('#provider').getAttribute('data-provider'), c.provider);
      assert.equal(await popup.locator('#headers-hint').count(), 1, 'says it read no headers');
      assert.equal(await popup.locator('#headers-options').count(), 1, 'and where to turn them on');
      assert.deepEqual(await axeViolations(popup), []);
      await popup.close();
      await page.close();
      await server.stop();
    });
  }

  // Cloudflare's two 502 pages mean opposite things; the page text alone tells them apart.
  for (const f of ['cloudflare/error-521', 'cloudflare/cloudflare-error-502-2019', 'google/server-error-502']) {
    it(`replayed ${f}`, async () => {
      const expect = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', `${f}.expect.json`), 'utf8'));
      const { page, diagnosis } = await loadError(`${replay.url}/fx/${f}`, (t) => t !== '');
      assert.equal(diagnosis.provider, expect.provider);
      assert.equal(diagnosis.variant, expect.variant);
      assert.equal(diagnosis.fault, expect.fault);
      await page.close();
    });
  }

  it('a 502 without a body (Chromium shows its own page): the server is named at fault, code unknown', async () => {
    const { page, badge, diagnosis } = await loadError(`${replay.url}/empty502`, (t) => t !== '');
    assert.equal(diagnosis.net_error, 'ERR_HTTP_RESPONSE_CODE_FAILURE');
    assert.equal(diagnosis.meaning, 'net-http-error');
    assert.equal(diagnosis.fault, 'origin');
    assert.ok(badge.length > 0);
    await page.close();
  });
});

it('healthy pages: one status read each and nothing else; an error badge is cleared', async () => {
  const healthy = await srv.startHealthy();
  const broken = await srv.startNginx502();
  servers.push(healthy, broken);
  const page = await s.context.newPage();
  await visit(page, broken.url);
  const tabId = await tabIdOf(s, page);
  await waitForBadge(s, tabId, (t) => t === '502', '502 badge');
  await waitDiagnosed(s, tabId);
  // The error page: its status and the page itself, read in one call.
  assert.equal(await scriptCalls(tabId), 1);
  await visit(page, healthy.url);
  await waitForBadge(s, tabId, (t) => t === '', 'badge cleared');
  await waitFor(async () => (await scriptCalls(tabId)) === 2, 'the healthy page\'s status read');
  const session = async () => Object.keys(await s.control.evaluate(() => chrome.storage.session.get(null)));
  // The error's state goes once the healthy page is known; from then on nothing may be written.
  await waitFor(async () => !(await session()).includes(`tab:${tabId}`), 'the error state cleared');
  const keysBefore = await session();
  for (let i = 0; i < 3; i++) await visit(page, `${healthy.url}?n=${i}`);
  await waitFor(async () => (await scriptCalls(tabId)) === 5, 'one status read per healthy page');
  // Give a late extra read or write the time to show up before asserting there was none.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await scriptCalls(tabId), 5, 'no page read on healthy pages');
  assert.equal(await badgeText(s, tabId), '');
  assert.deepEqual(await session(), keysBefore, 'healthy pages write nothing');
  await page.close();
});

it('a firewall block page (403): the neutral WAF badge, and the popup names the block, not "nothing wrong"', async () => {
  const page = await s.context.newPage();
  await visit(page, `${replay.url}/fx/cloudflare/block-1020-403`);
  const tabId = await tabIdOf(s, page);
  // A 4xx is read (status and page in one call) for the engine to judge; it judges this no error.
  await waitFor(async () => (await scriptCalls(tabId)) === 1, 'its status and page read');
  await waitFor(async () => (await s.control.evaluate((k) => chrome.storage.session.get(k), `tab:${tabId}`))[`tab:${tabId}`]?.done, 'diagnosed');
  // Issue 13: a block is a failed visit, badged on slate (tests/e2e/blocks.test.mjs has the rest).
  assert.equal(await badgeText(s, tabId), 'WAF', 'the block badge');
  const popup = await openPopup(s, tabId);
  await popup.waitForSelector('#summary #verdict');
  assert.match(await popup.locator('#verdict').textContent() ?? '', /^Cloudflare's firewall turned this visit away/);
  assert.match(await popup.locator('#note').textContent() ?? '', /the reference number shown here/);
  assert.match(await popup.locator('#request-ids').textContent() ?? '', /Cloudflare Ray ID/);
  // What a blocked visitor can do (another network, …), never an outage's auto-retry.
  assert.equal(await popup.locator('[data-action="auto-retry"]').count(), 0, 'no auto-retry on a block');
  assert.deepEqual(await axeViolations(popup), []);
  await popup.close();
  await page.close();
});

it('a browser check served as 503 never shows an error badge, not even for a moment', async () => {
  const w = await worker(s);
  // Every badge text the worker sets, per tab (a flash would be gone before any poll saw it).
  await w.evaluate(() => {
    const g = /** @type {any} */ (globalThis);
    if (g.__gdBadges) return;
    g.__gdBadges = [];
    const orig = chrome.action.setBadgeText.bind(chrome.action);
    /** @param {any} o */
    const wrapped = (o) => {
      g.__gdBadges.push([o.tabId, o.text]);
      return orig(o);
    };
    Object.defineProperty(chrome.action, 'setBadgeText', { value: wrapped, configurable: true, writable: true });
  });
  const page = await s.context.newPage();
  await visit(page, `${replay.url}/fx/cloudflare/challenge-503`);
  const tabId = await tabIdOf(s, page);
  const d = await waitDiagnosed(s, tabId);
  assert.equal(d.variant, 'challenge');
  assert.equal(d.is_error, false);
  /** @type {[number, string][]} */
  const calls = await w.evaluate(() => /** @type {any} */ (globalThis).__gdBadges);
  const texts = calls.filter(([t]) => t === tabId).map(([, text]) => text);
  assert.ok(texts.every((t) => t === ''), `badge texts set: ${JSON.stringify(texts)}`);
  assert.equal(await badgeText(s, tabId), '');
  await page.close();
});

it('leaving an error page for a page that is not http(s) ends what the tab held', async () => {
  const broken = await srv.startNginx502();
  servers.push(broken);
  const { page, tabId } = await loadError(broken.url, (t) => t === '502');
  const session = async () => Object.keys(await s.control.evaluate(() => chrome.storage.session.get(null)));
  assert.ok((await session()).includes(`tab:${tabId}`), 'the error is held');
  await page.goto(`chrome-extension://${s.extId}/history.html`);
  await waitFor(async () => !(await session()).includes(`tab:${tabId}`), 'the error state cleared');
  await page.close();
});

it('a 300 KB error page whose only vendor mark is in its footer: the footer reaches the engine', async () => {
  const filler = Array.from({ length: 4000 }, (_, i) => `<p>Paragraph ${i} of a long custom page, nothing vendor-like here at all.</p>`).join('\n');
  const body = `<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>\n${filler}\n<hr><center>nginx/1.22.1</center>\n</body></html>`;
  assert.ok(body.length > 2 * 128 * 1024, 'over twice what the page read sends (128 KiB, head and tail)');
  const server = http.createServer((_req, res) => {
    res.writeHead(502, { 'content-type': 'text/html', 'cache-control': 'no-store' });
    res.end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  try {
    const { page, diagnosis } = await loadError(`http://127.0.0.1:${addr.port}/`, (t) => t !== '');
    // Without its last lines the page names no vendor (checked with the CLI on the same bytes).
    assert.equal(diagnosis.provider, 'nginx', JSON.stringify(diagnosis.evidence));
    await page.close();
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

// Last: stopping the worker drops the script counter the tests above use.
it('an error page still loading when the worker is stopped is read once it has loaded', async () => {
  /** @type {(() => void)[]} */
  const held = [];
  const server = http.createServer((req, res) => {
    if ((req.url ?? '').startsWith('/hang')) {
      held.push(() => res.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store' }).end());
      return;
    }
    res.writeHead(502, { 'content-type': 'text/html', 'cache-control': 'no-store' });
    res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center><img src="/hang.gif" alt=""></body></html>');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  try {
    const page = await s.context.newPage();
    await page.goto(`http://127.0.0.1:${addr.port}/`, { waitUntil: 'commit' });
    const tabId = await tabIdOf(s, page);
    await waitFor(async () => held.length > 0, 'the page asked for its image');
    await stopWorker(s);
    // The stopped worker's DOMContentLoaded fallback died with it, and the page has not loaded.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await badgeText(s, tabId), '', 'nothing read before the page loaded');
    for (const release of held) release();
    assert.equal(await waitForBadge(s, tabId, (t) => t !== '', 'badge after load'), '502');
    await page.close();
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
