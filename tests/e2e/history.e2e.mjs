/**
 * End-to-end tests of the error history (issue 4): recorded by the built extension (dist/chrome,
 * or GD_EXT_DIR's) in real Chromium as error pages load, shown in the popup, kept across a
 * service-worker restart and a browser restart, and the history page (list, chart, export, import,
 * bounds, no request to anyone). Sites and the refusing proxy as in probes.e2e.mjs (probe-env.mjs).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { axeViolations } from './a11y.mjs';
import { EXT_DIR, SHOTS, launchChromium, visit, waitFor } from './browser.mjs';
import { closeAll, launchBehindTrap, openErrorTab, startSites, startTrapProxy } from './probe-env.mjs';

/** @typedef {import('playwright-core').Page} Page */

/** @type {import('./browser.mjs').Session} */
let s;
/** @type {Awaited<ReturnType<typeof startSites>>} */
let sites;
/** @type {Awaited<ReturnType<typeof startTrapProxy>>} */
let proxy;
/** Every request the extension pages made, from page.on('request'). */
/** @type {string[]} */
const pageRequests = [];
const tmp = mkdtempSync(join(tmpdir(), 'gd-history-'));
mkdirSync(SHOTS, { recursive: true });

before(async () => {
  [sites, proxy] = await Promise.all([startSites(), startTrapProxy()]);
  s = await launchBehindTrap(proxy.port);
});

after(async () => {
  await s?.close();
  await Promise.all([sites?.stop(), proxy?.stop()].map((p) => p?.catch(() => {})));
  rmSync(tmp, { recursive: true, force: true });
});

/**
 * Loads an error page in a new tab and opens its popup, its requests logged.
 * @param {string} url
 */
const errorTab = (url) => openErrorTab(s, url, pageRequests);

describe('error history', () => {
  /**
   * An extension page used to read storage and tabs, so the checks never depend on a handle to
   * the service worker (which is exactly what gets stopped here).
   * @type {Page}
   */
  let ctl;
  before(async () => {
    ctl = await s.context.newPage();
    await ctl.goto(`chrome-extension://${s.extId}/history.html`);
  });
  after(async () => {
    await ctl?.close().catch(() => {});
  });

  /** @returns {Promise<any>} */
  async function stored() {
    return ctl.evaluate(async () => (await chrome.storage.local.get('history')).history ?? null);
  }
  /** @param {string} key */
  const entries = async (key) => ((await stored())?.sites?.[key] ?? []).length;

  it('records each error, shows it in the popup, survives a service-worker restart', async () => {
    const url = `http://hist.test:${sites.port}/502`;
    const key = `hist.test:${sites.port}`;
    const a = await errorTab(url);
    await closeAll(a.popup);
    await visit(a.page, url);
    await waitFor(async () => (await entries(key)) === 2, 'two entries');
    const entry = (await stored()).sites[key][0];
    assert.equal(entry.status, 502);
    assert.equal(entry.fault, 'origin');

    // Stop the worker (as Chromium does when idle), then fail the page again: the woken worker
    // must record it on top of what was stored. (ServiceWorker.stopAllWorkers from an extension
    // page's CDP session reaches the extension's worker.)
    const cdp = await s.context.newCDPSession(ctl);
    /** @type {string[]} */
    const states = [];
    cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
      for (const v of e.versions) if (v.scriptURL.includes(s.extId)) states.push(v.runningStatus);
    });
    await cdp.send('ServiceWorker.enable');
    await waitFor(async () => states.includes('running'), 'worker seen running', 10000);
    await cdp.send('ServiceWorker.stopAllWorkers');
    await waitFor(async () => states.includes('stopped'), 'worker stopped', 10000);
    const stoppedAt = states.lastIndexOf('stopped');
    await visit(a.page, url);
    await waitFor(async () => (await entries(key)) === 3, 'third entry recorded by the restarted worker', 15000);
    assert.ok(states.slice(stoppedAt).includes('running'), `the worker ran again after stopping: ${states.join(' → ')}`);
    await cdp.detach();

    const tabId = await ctl.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)?.id, url);
    const popup = await s.context.newPage();
    await popup.goto(`chrome-extension://${s.extId}/popup.html?tab=${tabId}`);
    await popup.waitForSelector('#site-history', { timeout: 10000 });
    assert.match(await popup.$eval('#site-history', (e) => e.textContent ?? ''), /This site failed 3 times in the last 24 h, last at .* \(502\)/);
    await closeAll(popup, a.page);
  });

  it('history page: list, chart, export JSON and CSV, clear, import back, bad import, bounded size', async () => {
    const page = await s.context.newPage();
    page.on('request', (r) => pageRequests.push(r.url()));
    await page.goto(`chrome-extension://${s.extId}/history.html`);
    await page.waitForSelector('main#history[aria-busy="false"]');
    const row = page.locator(`tr[data-host="hist.test:${sites.port}"]`);
    assert.equal(await row.locator('td.recent').textContent(), '3');
    assert.ok(await row.locator('svg.timeline rect.bar').count() >= 1, 'a bar in the timeline');
    const rowsBefore = await page.locator('#site-rows tr').count();
    await page.setViewportSize({ width: 900, height: 700 });
    await page.screenshot({ path: join(SHOTS, 'history-en.png'), fullPage: true });
    assert.equal(rowsBefore, Object.keys((await stored()).sites).length, 'one row per failing site');

    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const file = join(tmp, 'export.json');
    await dl.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(exported.format, 'gateway-doctor-history');
    const count = exported.entries.length;
    assert.equal(count, Object.values((await stored()).sites).flat().length, 'every entry exported');
    assert.ok(count >= 3);

    const [dlc] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const csvFile = join(tmp, 'export.csv');
    await dlc.saveAs(csvFile);
    const csv = readFileSync(csvFile, 'utf8').trim().split('\r\n');
    assert.equal(csv[0], 'time,time_iso,host,status,net_error,provider,fault,situation');
    assert.equal(csv.length, count + 1);
    // These are outages: the situation column says so for each row (blocks and fixable errors name theirs).
    assert.deepEqual([...new Set(csv.slice(1).map((row) => row.split(',').at(-1)))], ['outage']);

    page.once('dialog', (d) => d.accept());
    await page.click('#clear');
    await page.waitForSelector('#history-empty:not([hidden])');
    assert.equal(await stored(), null, 'storage cleared');

    await page.setInputFiles('#import-file', file);
    await waitFor(async () => (await page.locator('#site-rows tr').count()) === rowsBefore, 'rows back after import');
    assert.match(await page.textContent('#history-status') ?? '', new RegExp(`Imported: ${count} new entries`));
    const again = await stored();
    assert.equal(Object.values(again.sites).flat().length, count, 'round trip kept every entry');

    // A bad file: a clear error and nothing lost.
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'gateway-doctor-history', v: 1, entries: [{ time: 'yesterday', host: '<b>x</b>' }] }));
    await page.setInputFiles('#import-file', bad);
    await waitFor(async () => /Import failed: entry 1 is not valid\. Nothing was changed\./.test(await page.textContent('#history-status') ?? ''), 'import error shown');
    assert.equal(Object.values((await stored()).sites).flat().length, count, 'nothing lost');

    // Bounded: 3000 more entries over 300 sites stay within 2000 entries, 200 sites, 50 per site.
    const now = Date.now();
    const big = Array.from({ length: 3000 }, (_, i) => ({ time: now - (3000 - i) * 1000, host: `bulk${i % 300}.test`, status: 503, net_error: null, provider: null, fault: 'origin' }));
    const bigFile = join(tmp, 'big.json');
    writeFileSync(bigFile, JSON.stringify({ format: 'gateway-doctor-history', v: 1, entries: big }));
    await page.setInputFiles('#import-file', bigFile);
    await waitFor(async () => /Imported/.test(await page.textContent('#history-status') ?? ''), 'big import done');
    const bounded = await stored();
    const lists = /** @type {any[][]} */ (Object.values(bounded.sites));
    assert.ok(lists.flat().length <= 2000, `${lists.flat().length} entries`);
    assert.ok(lists.length <= 200, `${lists.length} sites`);
    assert.ok(lists.every((l) => l.length <= 50));
    assert.ok(lists.flat().some((e) => e.time === now - 1000), 'the newest entry kept');
    assert.ok(!pageRequests.some((u) => !/^(chrome-extension:|blob:|data:|https?:\/\/([a-z0-9-]+\.test|127\.0\.0\.1)(:\d+)?\/)/.test(u)), 'history pages asked no one');
    assert.deepEqual(await axeViolations(page), [], 'history page');
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.equal(await page.evaluate(() => document.defaultView?.getComputedStyle(document.documentElement).backgroundColor), 'rgb(32, 33, 36)', 'dark history page');
    assert.deepEqual(await axeViolations(page), [], 'history page, dark');
    await page.close();
  });
});

describe('history survives a browser restart', () => {
  /**
   * Chromium on a profile directory we keep between two launches (browser.mjs's launch() makes a
   * fresh profile each time, which is right for everything else).
   * @param {string} profile
   */
  async function launchAt(profile) {
    const ext = process.env.GD_EXT_DIR ?? EXT_DIR;
    const context = await launchChromium(profile, {
      extensions: [ext],
      extraArgs: [`--proxy-server=http://127.0.0.1:${proxy.port}`, '--proxy-bypass-list=*.test', '--host-resolver-rules=MAP *.test 127.0.0.1'],
    });
    const sw = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker', { timeout: 15000 });
    await waitFor(() => sw.evaluate(() => chrome.webNavigation.onCommitted.hasListeners()), 'listeners', 15000);
    const page = await context.newPage();
    await page.goto(`chrome-extension://${new URL(sw.url()).host}/history.html`);
    await page.waitForSelector('main#history[aria-busy="false"]');
    return { context, page };
  }

  it('an error recorded before closing the browser is listed after reopening it', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'gd-restart-'));
    try {
      const key = `restart.test:${sites.port}`;
      const first = await launchAt(profile);
      const tab = await first.context.newPage();
      await visit(tab, `http://${key}/502`);
      await waitFor(() => first.page.evaluate(async (k) => ((await chrome.storage.local.get('history')).history?.sites?.[k] ?? []).length === 1, key), 'recorded', 15000);
      await first.context.close();

      const second = await launchAt(profile);
      await second.page.waitForSelector(`tr[data-host="${key}"]`, { timeout: 10000 });
      assert.equal(await second.page.locator(`tr[data-host="${key}"] td.total`).textContent(), '1');
      await second.context.close();
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
