/**
 * End-to-end: the actions do what they say, in real Chromium with the built extension ("read
 * response headers" on, as in extension.test.mjs) against servers on 127.0.0.1 — hard reload and
 * clearing the site's cache make the browser fetch again (cookies only when ticked); auto-retry
 * reloads the tab itself once the upstream is back and notifies, honours Retry-After, starts by
 * itself when the option says so, and stops on cancel, navigation or the tab closing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import * as srv from '../servers/servers.mjs';
import { startReplay } from './replay.mjs';
import { serverPool } from './pool.mjs';
import { launch, openPopup, rerender, stopWorker, tabIdOf, visit, waitDiagnosed, waitFor, waitForBadge, loadError as loadErrorIn } from './browser.mjs';

/** @type {import('./browser.mjs').Session} */
let s;
/** @type {import('./replay.mjs').ReplayHandle} */
let replay;
const pool = serverPool();
const { track } = pool;

before(async () => {
  replay = await track(startReplay());
  s = await launch({ lang: 'en-US', headers: true });
});

after(async () => {
  await s?.close();
  await pool.stopAll();
});

/** @param {string} url @param {(t: string) => boolean} badgeOk */
const loadError = (url, badgeOk) => loadErrorIn(s, url, badgeOk);

describe('actions, done for real', () => {
  const page521 = () => `${replay.url}/fx/cloudflare/error-521`;
  const css = '/cdn-cgi/styles/main.css';

  it('hard-reload: the page and its cached stylesheet are fetched again', async () => {
    const { page, tabId } = await loadError(page521(), (t) => t === '521');
    await waitFor(async () => replay.hits(css) >= 1, 'stylesheet fetched');
    const cssBefore = replay.hits(css);
    // Control: an ordinary reload takes the stylesheet from the cache (max-age=86400).
    await page.reload({ waitUntil: 'load' });
    await waitDiagnosed(s, tabId);
    assert.equal(replay.hits(css), cssBefore, 'ordinary reload used the cached stylesheet');
    const pageBefore = replay.hits('/fx/cloudflare/error-521');
    const popup = await openPopup(s, tabId);
    await popup.locator('[data-action="hard-reload"] button').click();
    await waitFor(async () => replay.hits(css) > cssBefore, 'stylesheet fetched again after hard reload');
    assert.ok(replay.hits('/fx/cloudflare/error-521') > pageBefore, 'page fetched again');
    await waitForBadge(s, tabId, (t) => t === '521', 'badge back after reload');
    await popup.close();
    await page.close();
  });

  it('clear-site-cache: clears this origin (cookies only when ticked) and reloads; cached files are fetched again', async () => {
    const page = await s.context.newPage();
    await visit(page, `${replay.url}/ok`);
    await waitFor(async () => replay.hits('/asset.css') >= 1, 'asset fetched');
    const assetBefore = replay.hits('/asset.css');
    await visit(page, `${replay.url}/ok?again`);
    assert.equal(replay.hits('/asset.css'), assetBefore, 'control: the asset comes from the cache');
    await s.context.addCookies([{ name: 'session', value: 'keep-me', url: replay.url }]);
    // A broken answer from the same origin: the engine cannot tell whose fault, so it offers clear-site-cache.
    await visit(page, `${replay.url}/garbage`);
    const tabId = await tabIdOf(s, page);
    await waitForBadge(s, tabId, (t) => t === 'ERR', 'ERR badge');
    await waitDiagnosed(s, tabId);
    const beforeAt = await s.control.evaluate(async (id) => (await chrome.storage.session.get(`tab:${id}`))[`tab:${id}`].at, tabId);
    const popup = await openPopup(s, tabId);
    const box = popup.locator('[data-action="clear-site-cache"]');
    assert.equal(await box.locator('#clear-cookies').isChecked(), false, 'cookies are kept unless ticked');
    assert.match((await box.locator('#cookie-warning').textContent()) ?? '', /signs you out/);
    const garbageBefore = replay.hits('/garbage');
    await box.locator('button').click();
    await waitFor(async () => /Cleared stored data for http:\/\/127\.0\.0\.1:\d+/.test((await box.locator('.action-status').textContent()) ?? ''), 'confirmation shown');
    await waitFor(async () => replay.hits('/garbage') > garbageBefore, 'the tab was reloaded');
    await waitDiagnosed(s, tabId, `${replay.url}/garbage`, beforeAt);
    assert.deepEqual((await s.context.cookies(replay.url)).map((c) => c.value), ['keep-me'], 'cookie kept');
    await visit(page, `${replay.url}/ok?after`);
    await waitFor(async () => replay.hits('/asset.css') > assetBefore, 'asset fetched again: the cache was cleared');
    // Now with the box ticked: the cookie goes too.
    await visit(page, `${replay.url}/garbage`);
    await waitDiagnosed(s, tabId, `${replay.url}/garbage`);
    await popup.reload();
    await popup.waitForSelector('[data-action="clear-site-cache"] #clear-cookies');
    assert.equal(await box.locator('#cookie-warning').isVisible(), false, 'no sign-out warning before the box is ticked');
    await box.locator('#clear-cookies').check();
    assert.equal(await box.locator('#cookie-warning').isVisible(), true, 'the sign-out warning once ticked');
    // A re-render (here: the tab's stored state rewritten, as a reload or a retry does) keeps the choice.
    await rerender(s, popup, tabId);
    assert.equal(await box.locator('#clear-cookies').isChecked(), true, 'still ticked after a re-render');
    assert.equal(await box.locator('#cookie-warning').isVisible(), true, 'the warning still shown after a re-render');
    await box.locator('button').click();
    await waitFor(async () => (await s.context.cookies(replay.url)).length === 0, 'cookie deleted when ticked');
    await popup.close();
    await page.close();
  });

  it('auto-retry: probes in the background, reloads the tab itself when the upstream is back, notifies', async () => {
    const site = await track(srv.startNginxSwitchable({ up: false }));
    const { page, tabId } = await loadError(site.url, (t) => t === '502');
    const popup = await openPopup(s, tabId);
    await popup.locator('[data-action="auto-retry"] button').click();
    await popup.waitForSelector('#retry-countdown');
    assert.match((await popup.locator('#retry-countdown').textContent()) ?? '', /Next check in 0:\d\d \(attempt 1 of \d+\)/);
    assert.equal(await popup.locator('#retry-cancel').count(), 1, 'a cancel button');
    const alarm = await s.control.evaluate((id) => chrome.alarms.get(`retry:${id}`), tabId);
    assert.ok(alarm, 'an alarm is armed');
    const wait = alarm.scheduledTime - Date.now();
    assert.ok(wait > 7000 && wait <= 12500, `first retry after 10 s ± 20 % (got ${wait} ms)`);
    // The worker may sleep before the alarm: stop it, the alarm must wake it.
    await stopWorker(s);
    await site.upstream.up();
    // The tab reloads by itself once the alarm fires and the probe sees a healthy answer.
    await waitFor(async () => (await page.title()) === 'Back online', 'tab reloaded by itself', 20000, 200);
    await waitForBadge(s, tabId, (t) => t === '', 'badge cleared after recovery');
    const notes = await s.control.evaluate(() => chrome.notifications.getAll());
    assert.ok(Object.keys(notes).some((k) => k.startsWith(`back:${tabId}:`)), `"is back" notification: ${JSON.stringify(notes)}`);
    assert.equal(await s.control.evaluate((id) => chrome.alarms.get(`retry:${id}`), tabId), undefined, 'no more retries');
    await popup.close();
    await page.close();
  });

  it('auto-retry honours Retry-After, and starts by itself when the option says so', async () => {
    await s.control.evaluate(() => chrome.storage.sync.set({ autoRetry: true }));
    try {
      const { page, tabId, diagnosis } = await loadError(`${replay.url}/busy`, (t) => t === '503');
      assert.equal(diagnosis.retry_after, 120);
      // No click: the option started it.
      const alarm = await waitFor(() => s.control.evaluate((id) => chrome.alarms.get(`retry:${id}`), tabId), 'auto-started retry');
      const wait = alarm.scheduledTime - Date.now();
      assert.ok(wait > 110000 && wait <= 121000, `first check no sooner than Retry-After (got ${wait} ms)`);
      const popup = await openPopup(s, tabId);
      assert.match((await popup.locator('#retry-countdown').textContent()) ?? '', /Next check in [12]:\d\d/);
      await popup.close();
      await page.close();
    } finally {
      await s.control.evaluate(() => chrome.storage.sync.set({ autoRetry: false }));
    }
  });

  it("auto-retry: a check answered with Retry-After waits that long for the next one (the engine reads the header)", async () => {
    let busy = false;
    const server = http.createServer((_req, res) => {
      if (busy) res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '300' }).end('<title>503</title>busy');
      else res.writeHead(502, { 'content-type': 'text/html', server: 'nginx' }).end('<title>502 Bad Gateway</title><h1>502 Bad Gateway</h1><hr><center>nginx</center>');
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
    const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/`;
    try {
      const { page, tabId } = await loadError(url, (t) => t === '502');
      const popup = await openPopup(s, tabId);
      await popup.locator('[data-action="auto-retry"] button').click();
      await popup.waitForSelector('#retry-countdown');
      busy = true;
      // The first check now rather than in 10 s: the same alarm, moved (alarms are the extension's, not the worker's).
      await s.control.evaluate((id) => chrome.alarms.create(`retry:${id}`, { when: Date.now() + 50 }), tabId);
      const rec = await waitFor(() => s.control.evaluate(async (id) => {
        const r = (await chrome.storage.session.get(`retry:${id}`))[`retry:${id}`];
        return r && r.attempt === 1 ? r : null;
      }, tabId), 'the first check done', 15000);
      assert.equal(rec.lastStatus, 503);
      assert.equal(rec.retryAfter, 300, 'Retry-After of the check, in seconds');
      const alarm = await s.control.evaluate((id) => chrome.alarms.get(`retry:${id}`), tabId);
      assert.ok(alarm, 'the next check is armed');
      const wait = alarm.scheduledTime - Date.now();
      assert.ok(wait > 290000 && wait <= 300500, `next check no sooner than Retry-After, not the schedule's 30 s (got ${wait} ms)`);
      await popup.locator('#retry-cancel').click();
      await popup.close();
      await page.close();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('auto-retry: cancel from the popup; navigating elsewhere and closing the tab stop it', async () => {
    const broken = await track(srv.startNginx502());
    const { page, tabId } = await loadError(broken.url, (t) => t === '502');
    const popup = await openPopup(s, tabId);
    await popup.locator('[data-action="auto-retry"] button').click();
    await popup.waitForSelector('#retry-cancel');
    await popup.locator('#retry-cancel').click();
    await popup.waitForSelector('[data-action="auto-retry"] button:not(#retry-cancel)');
    const w = s.control;
    assert.equal(await w.evaluate((id) => chrome.alarms.get(`retry:${id}`), tabId), undefined, 'cancelled');
    await popup.locator('[data-action="auto-retry"] button').click();
    await popup.waitForSelector('#retry-countdown');
    assert.ok(await w.evaluate((id) => chrome.alarms.get(`retry:${id}`), tabId), 'restarted');
    // Going elsewhere in the tab stops it.
    await visit(page, `${replay.url}/ok?elsewhere`);
    await waitFor(async () => (await w.evaluate((id) => chrome.alarms.get(`retry:${id}`), tabId)) === undefined, 'retry stopped on navigation elsewhere');
    // Back to the broken page, start again, then close the tab.
    await visit(page, broken.url);
    await waitDiagnosed(s, tabId, broken.url);
    await popup.reload();
    await popup.locator('[data-action="auto-retry"] button').click();
    await popup.waitForSelector('#retry-countdown');
    assert.ok(await w.evaluate((id) => chrome.alarms.get(`retry:${id}`), tabId), 'restarted again');
    await popup.close();
    await page.close();
    await waitFor(async () => (await s.control.evaluate((id) => chrome.alarms.get(`retry:${id}`), tabId)) === undefined, 'retry stopped when the tab closed');
  });
});
