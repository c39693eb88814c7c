/**
 * End-to-end, issue 13 item 4 ("the user decides where it runs"), in real Chromium against a node
 * server on 127.0.0.1 that counts every request it gets:
 * - "Never on this site" from the popup (with its confirm step): a 502 there afterwards gets no
 *   badge, no page read (no executeScript, no second request to the site), no diagnosis, no history
 *   entry, no auto-retry and no guidance tab, also after the worker restarts and with response
 *   headers read; another host and a subdomain still get theirs; the popup there says it is off
 *   and turns it back on; the options list it, and Remove there restores the diagnosis.
 * - The first-run page opens once on install (en, zh-CN), not again on a worker restart or a
 *   browser restart, lists every permission of the manifest, and passes axe-core.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations } from './a11y.mjs';
import {
  EXT_DIR, badgeText, countScripts, launch, launchChromium, openPopup, stopWorker, tabIdOf, visit, waitDiagnosed, waitFor, waitForBadge,
  welcomePage,
} from './browser.mjs';

/** Requests per `host:port/path`, as the site saw them. @type {Map<string, number>} */
const hits = new Map();
/** @type {http.Server} */
let server;
let port = 0;

before(async () => {
  server = http.createServer((req, res) => {
    const key = `${req.headers.host}${req.url}`;
    hits.set(key, (hits.get(key) ?? 0) + 1);
    if (req.url?.startsWith('/fail')) {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>');
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><head><title>Fine</title></head><body><p>Hello</p></body></html>');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
});

after(async () => {
  await new Promise((r) => server.close(() => r(undefined)));
});

/** @param {string} name */
const site = (name) => `http://${name}:${port}`;
/** @param {import('./browser.mjs').Session} s */
const historyHosts = async (s) => Object.keys((await s.control.evaluate(() => chrome.storage.local.get('history'))).history?.sites ?? {});
/** @param {import('./browser.mjs').Session} s @param {number} tabId */
const tabState = (s, tabId) => s.control.evaluate(async (id) => {
  const all = await chrome.storage.session.get(null);
  return Object.keys(all).filter((k) => k.endsWith(`:${id}`));
}, tabId);
/** @param {import('./browser.mjs').Session} s */
const tabCount = async (s) => s.control.evaluate(async () => (await chrome.tabs.query({})).length);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
/** Past the worker's 2 s fallback status read: if anything was going to read the page, it has. */
const SETTLE_MS = 3500;

/**
 * Loads a 502 on an excluded host and checks that nothing of the extension happened.
 * @param {import('./browser.mjs').Session} s
 * @param {string} url
 * @param {((tabId: number) => Promise<number>)|null} scripts the executeScript counter, when it is alive
 */
async function expectIgnored(s, url, scripts) {
  const before = hits.get(url.replace(/^http:\/\//, '')) ?? 0;
  const tabsBefore = await tabCount(s);
  const page = await s.context.newPage();
  await visit(page, url);
  const tabId = await tabIdOf(s, page);
  await sleep(SETTLE_MS);
  assert.equal(await badgeText(s, tabId), '', `no badge on ${url}`);
  if (scripts) assert.equal(await scripts(tabId), 0, `nothing ran in ${url}`);
  assert.equal(hits.get(url.replace(/^http:\/\//, '')), before + 1, 'the site saw the browser’s one request, no other');
  assert.deepEqual(await tabState(s, tabId), [], 'no diagnosis, pending response or retry stored');
  assert.ok(!(await historyHosts(s)).some((h) => h.startsWith('never.test')), 'no history entry');
  assert.equal(await tabCount(s), tabsBefore + 1, 'no guidance tab');
  assert.equal(await s.control.evaluate((id) => chrome.alarms.get(`retry:${id}`), tabId), undefined, 'no auto-retry');
  return { page, tabId };
}

describe('never on this site (as shipped: status read from the page)', () => {
  /** @type {import('./browser.mjs').Session} */
  let s;
  before(async () => {
    s = await launch({ lang: 'en-US' });
    // Everything that could act on its own after an error is on.
    await s.control.evaluate(() => chrome.storage.sync.set({ autoRetry: true, openTab: true }));
  });
  after(async () => {
    await s?.close();
  });

  it('turned off from the popup: no badge, no read, no history, no retry, no guidance tab there; other hosts and subdomains unaffected', async () => {
    const scripts = await countScripts(s);
    // The site, healthy: the popup offers "Never on this site" and asks once more.
    const ok = await s.context.newPage();
    await visit(ok, `${site('www.never.test')}/ok`);
    const okTab = await tabIdOf(s, ok);
    const popup = await openPopup(s, okTab);
    await popup.click('#never-site');
    assert.match(await popup.locator('#never-question').textContent() ?? '', /never\.test/);
    assert.deepEqual(await axeViolations(popup), [], 'the confirm step');
    await popup.click('#never-cancel');
    assert.deepEqual(await s.control.evaluate(() => chrome.storage.local.get('neverSites')), {}, 'cancel stores nothing');
    await popup.click('#never-site');
    await popup.click('#never-confirm');
    await popup.waitForSelector('#excluded');
    assert.equal(await popup.locator('#excluded').getAttribute('data-site'), 'never.test', 'www. folded');
    assert.deepEqual((await s.control.evaluate(() => chrome.storage.local.get('neverSites'))).neverSites, ['never.test']);
    assert.deepEqual(await axeViolations(popup), [], 'the popup on a site where it is off');
    await popup.close();

    // A 502 there (with and without www.): nothing at all.
    const { tabId } = await expectIgnored(s, `${site('never.test')}/fail`, scripts);
    await expectIgnored(s, `${site('www.never.test')}/fail?b`, scripts);
    // The popup there says it is off, with the way back.
    const offPopup = await openPopup(s, tabId);
    assert.equal(await offPopup.locator('#excluded h1').textContent(), 'Gateway Doctor is turned off on never.test');
    assert.equal(await offPopup.locator('#never-undo').count(), 1);
    assert.equal(await offPopup.locator('#diagnose-now').count(), 0, 'no "diagnose anyway" there');
    await offPopup.close();

    // Another host, and a subdomain (exact host only), still get theirs.
    for (const name of ['other.test', 'sub.never.test']) {
      const p = await s.context.newPage();
      await visit(p, `${site(name)}/fail`);
      const id = await tabIdOf(s, p);
      assert.equal(await waitForBadge(s, id, (t) => t !== '', `badge on ${name}`), '502', name);
      const d = await waitDiagnosed(s, id);
      assert.equal(d.status, 502);
      assert.ok(await scripts(id) > 0, `${name} was read`);
      await waitFor(async () => (await historyHosts(s)).includes(`${name}:${port}`), `history of ${name}`);
    }
  });

  it('after a worker restart the list is loaded before anything is decided', async () => {
    await stopWorker(s);
    await expectIgnored(s, `${site('never.test')}/fail?after-restart`, null);
  });

  it('the options list it (hostile strings never shown); Remove there restores badge, read and history', async () => {
    // A stored list may hold anything a bug or an import put there: only host names are shown.
    await s.control.evaluate(() => chrome.storage.local.set({ neverSites: ['never.test', '<img src=x onerror=alert(1)>', 'www.<b>x</b>.test'] }));
    await s.control.reload();
    await s.control.waitForSelector('#never-sites[data-ready="true"]');
    assert.deepEqual(await s.control.locator('#never-list li').evaluateAll((els) => els.map((e) => e.getAttribute('data-site'))), ['never.test']);
    assert.equal(await s.control.locator('#never-sites img, #never-sites b').count(), 0);
    assert.equal(await s.control.locator('#never-empty').isVisible(), false);
    assert.deepEqual(await axeViolations(s.control), [], 'options with the list');
    await s.control.click('#never-list li[data-site="never.test"] button');
    await s.control.waitForSelector('#never-empty', { state: 'visible' });
    assert.match(await s.control.locator('#never-status').textContent() ?? '', /never\.test/);
    assert.deepEqual((await s.control.evaluate(() => chrome.storage.local.get('neverSites'))).neverSites, []);
    assert.deepEqual(await axeViolations(s.control), [], 'options with the empty list');

    const p = await s.context.newPage();
    await visit(p, `${site('never.test')}/fail?again`);
    const id = await tabIdOf(s, p);
    assert.equal(await waitForBadge(s, id, (t) => t !== '', 'badge once removed'), '502');
    assert.equal((await waitDiagnosed(s, id)).status, 502);
    await waitFor(async () => (await historyHosts(s)).includes(`never.test:${port}`), 'history of never.test');
  });
});

describe('never on this site, with response headers read (webRequest)', () => {
  it('a 502 on a listed host: no badge, no state, no history; another host still gets its badge', async () => {
    const s = await launch({ lang: 'en-US', headers: true });
    try {
      await s.control.evaluate(() => chrome.storage.local.set({ neverSites: ['never.test'] }));
      const scripts = await countScripts(s);
      await expectIgnored(s, `${site('never.test')}/fail?headers`, scripts);
      const p = await s.context.newPage();
      await visit(p, `${site('other.test')}/fail?headers`);
      const id = await tabIdOf(s, p);
      assert.equal(await waitForBadge(s, id, (t) => t !== '', 'badge on other.test'), '502');
    } finally {
      await s.close();
    }
  });
});

describe('the first-run page', () => {
  it('opens once on install (en), lists every permission, passes axe; not again when the worker restarts', async () => {
    const s = await launch({ lang: 'en-US', keepWelcome: true });
    try {
      const w = /** @type {import('playwright-core').Page} */ (s.welcome);
      await w.waitForSelector('main#welcome[aria-busy="false"]');
      assert.equal(await w.locator('h1').textContent(), 'Welcome to Gateway Doctor');
      assert.equal(await w.evaluate(() => document.documentElement.lang), 'en');
      const m = await s.control.evaluate(() => chrome.runtime.getManifest());
      const listed = await w.locator('[data-permission]').evaluateAll((els) => els.map((e) => e.getAttribute('data-permission')));
      assert.deepEqual(listed.sort(), [...(m.permissions ?? []), ...(m.optional_permissions ?? []), 'hosts'].sort());
      // Each one a sentence, not a bare name.
      for (const text of await w.locator('[data-permission]').allTextContents()) assert.ok(text.length > 30, text);
      assert.match(await w.locator('#sends').textContent() ?? '', /Nothing, until you ask/);
      assert.equal(await w.locator('#welcome-options').getAttribute('href'), 'options.html');
      assert.deepEqual(await axeViolations(w), [], 'light');
      await w.emulateMedia({ colorScheme: 'dark' });
      assert.deepEqual(await axeViolations(w), [], 'dark');
      const welcomeTabs = () => s.control.evaluate(async (u) => (await chrome.tabs.query({})).filter((t) => t.url === u).length, `chrome-extension://${s.extId}/welcome.html`);
      assert.equal(await welcomeTabs(), 1);
      // A worker restart (Chromium stops idle workers all the time) is no install.
      await stopWorker(s);
      const p = await s.context.newPage();
      await visit(p, `${site('other.test')}/fail?wake`);
      const id = await tabIdOf(s, p);
      await waitForBadge(s, id, (t) => t !== '', 'the restarted worker at work');
      await sleep(1000);
      assert.equal(await welcomeTabs(), 1, 'still one first-run page');
    } finally {
      await s.close();
    }
  });

  it('zh-CN (--lang): in Chinese on install, and not again when the browser starts with the extension', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'gd-welcome-'));
    try {
      const open = async () => {
        const context = await launchChromium(profile, { extensions: [EXT_DIR], lang: 'zh-CN' });
        const sw = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker', { timeout: 15000 });
        return { context, extId: new URL(sw.url()).host };
      };
      const first = await open();
      const w = await welcomePage(first.context, first.extId);
      await w.waitForSelector('main#welcome[aria-busy="false"]');
      assert.equal(await w.locator('h1').textContent(), '欢迎使用网关医生');
      assert.equal(await w.title(), '欢迎使用网关医生');
      assert.equal(await w.evaluate(() => document.documentElement.lang), 'zh-CN');
      assert.match(await w.locator('#sends').textContent() ?? '', /在你要求之前，什么都不会发出。/);
      assert.match(await w.locator('[data-permission="storage"]').textContent() ?? '', /存储（storage）：/);
      assert.deepEqual(await axeViolations(w), []);
      await w.close();
      await first.context.close();

      const second = await open();
      // Give a (wrong) second first-run page every chance to appear.
      await sleep(3000);
      const urls = second.context.pages().map((p) => p.url());
      assert.ok(!urls.some((u) => u.endsWith('/welcome.html')), `no first-run page on a browser start: ${urls.join(' ')}`);
      await second.context.close();
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
