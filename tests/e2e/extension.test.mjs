/**
 * End-to-end: the built extension with "read response headers" on (browser.mjs EXT_DIR_HEADERS:
 * dist/chrome with webRequest granted; light.test.mjs covers it as shipped) in real Chromium against real servers on
 * 127.0.0.1 (nginx, Apache, HAProxy, Varnish, captured vendor pages, closed ports, unresolvable
 * names, a healthy page). Asserts what a person sees — badge text, popup verdict, provider, fault
 * path, buttons. That the actions do what they say is actions.test.mjs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as srv from '../servers/servers.mjs';
import { startReplay } from './replay.mjs';
import { serverPool } from './pool.mjs';
import { axeViolations } from './a11y.mjs';
import { FAULT_COLORS } from '../../extension/lib/verdict.js';
import {
  ROOT, SHOTS, badgeColor, badgeText, countScripts, launch, openPopup, stopWorker, tabIdOf, visit, waitDiagnosed, waitFor, waitForBadge, loadError as loadErrorIn,
} from './browser.mjs';

mkdirSync(SHOTS, { recursive: true });

/** @type {import('./browser.mjs').Session} */
let s;
/** @type {import('./replay.mjs').ReplayHandle} */
let replay;
/** @type {(tabId: number) => Promise<number>} */
let scriptCalls;
const pool = serverPool();
const { track } = pool;

before(async () => {
  replay = await track(startReplay());
  s = await launch({ lang: 'en-US', headers: true });
  scriptCalls = await countScripts(s);
});

after(async () => {
  await s?.close();
  await pool.stopAll();
});

/** @param {string} url @param {(t: string) => boolean} badgeOk */
const loadError = (url, badgeOk) => loadErrorIn(s, url, badgeOk);

/**
 * What the popup shows for a tab.
 * @param {import('playwright-core').Page} popup
 */
async function popupView(popup) {
  return popup.evaluate(() => {
    const q = (/** @type {string} */ sel) => document.querySelector(sel);
    const hop = q('#fault-path [data-state="fail"]');
    return {
      verdict: q('#verdict')?.textContent ?? '',
      status: q('#status-code')?.textContent ?? '',
      provider: q('#provider')?.getAttribute('data-provider') ?? '',
      providerName: q('#provider')?.textContent ?? '',
      variant: q('#variant')?.getAttribute('data-variant') ?? '',
      failingHop: hop ? hop.getAttribute('data-hop') : null,
      actions: [...document.querySelectorAll('[data-action]')].map((e) => e.getAttribute('data-action')),
      ownerActions: [...document.querySelectorAll('#owner-panel [data-action]')].map((e) => e.getAttribute('data-action')),
      evidence: [...document.querySelectorAll('#evidence li')].map((e) => e.textContent),
      ids: [...document.querySelectorAll('#request-ids li code')].map((e) => e.textContent),
      lang: document.documentElement.lang,
    };
  });
}

/** @type {Record<string, string>} */
const HOP_OF_FAULT = { client: 'you', network: 'network', cdn: 'cdn', origin: 'host' };

describe('real servers: badge and popup', () => {
  const cases = [
    { name: 'nginx → closed upstream (502)', start: srv.startNginx502, status: '502', provider: 'nginx', fault: 'origin', shot: 'popup-en-error' },
    { name: 'nginx → stalled upstream (504)', start: srv.startNginx504, status: '504', provider: 'nginx', fault: 'origin' },
    { name: 'Apache mod_proxy → hang-up upstream (502)', start: srv.startApache502, status: '502', provider: 'apache', fault: 'origin' },
    { name: 'HAProxy, backend down (503)', start: srv.startHaproxy503, status: '503', provider: 'haproxy', fault: 'origin' },
    { name: 'Varnish, dead backend (503)', start: srv.startVarnish503, status: '503', provider: 'varnish', fault: 'origin' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const server = await track(c.start());
      const { page, tabId, badge, diagnosis } = await loadError(server.url, (t) => t !== '');
      assert.equal(badge, c.status, 'badge shows the status code');
      assert.equal(await badgeColor(s, tabId), FAULT_COLORS[/** @type {'origin'} */ (c.fault)], 'badge coloured by fault');
      assert.equal(diagnosis.provider, c.provider, JSON.stringify(diagnosis.evidence));
      const popup = await openPopup(s, tabId);
      const v = await popupView(popup);
      assert.equal(v.status, c.status);
      assert.equal(v.provider, c.provider);
      assert.ok(v.verdict.length > 10, `a verdict in words: ${v.verdict}`);
      assert.equal(v.failingHop, HOP_OF_FAULT[c.fault], 'the failing hop is highlighted');
      for (const a of ['reload', 'hard-reload', 'auto-retry']) assert.ok(v.actions.includes(a), `${a} button in ${v.actions}`);
      assert.deepEqual(v.actions, diagnosis.actions.map((/** @type {{id: string}} */ a) => a.id), 'controls in the engine\'s order');
      assert.ok(v.evidence.length > 0, 'why we think so');
      assert.equal(await popup.locator('#headers-hint').count(), 0, 'no "no headers" hint when they were read');
      // The README's picture: the first screen at the popup's usual 400 × 600.
      if (c.shot) await popup.screenshot({ path: join(SHOTS, `${c.shot}.png`) });
      await popup.close();
      await page.close();
      await server.stop();
    });
  }
});

describe('captured vendor pages, replayed', () => {
  const fixtures = [
    'cloudflare/error-521',
    'cloudflare/cloudflare-error-502-2019',
    'cloudflare/error-522',
    'google/server-error-502',
    'sucuri/origin-timeout-502',
    'twitter/over-capacity-503-http',
    'incapsula/origin-error-503',
  ];
  for (const f of fixtures) {
    const file = join(ROOT, 'tests', 'fixtures', `${f}.http`);
    it(f, async () => {
      // A fixture that went missing fails here: a skipped case would pass silently.
      assert.ok(existsSync(file), `fixture missing: ${file}`);
      const expect = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', `${f}.expect.json`), 'utf8'));
      const { page, tabId, badge, diagnosis } = await loadError(`${replay.url}/fx/${f}`, (t) => t !== '');
      assert.match(badge, /^\d{3}$/);
      assert.equal(await badgeColor(s, tabId), FAULT_COLORS[/** @type {'origin'} */ (expect.fault)], 'badge coloured by fault');
      assert.equal(diagnosis.provider, expect.provider);
      assert.equal(diagnosis.variant, expect.variant);
      assert.equal(diagnosis.fault, expect.fault);
      const popup = await openPopup(s, tabId);
      const v = await popupView(popup);
      assert.equal(v.provider, expect.provider);
      assert.equal(v.variant, expect.variant);
      assert.equal(v.failingHop, HOP_OF_FAULT[expect.fault] ?? null);
      if (expect.ids?.length) {
        assert.ok(v.ids.length >= expect.ids.length, 'request ids shown');
        assert.equal(await popup.locator('#request-ids button.copy').count(), v.ids.length, 'a copy button per id');
      }
      if (f === 'cloudflare/error-521') {
        // A long "why we think so": the status and the strongest lines first, the rest behind a toggle.
        assert.equal(v.evidence.length, diagnosis.evidence.length, 'every line of evidence is in the popup');
        const first = await popup.locator('#evidence > ul > li .detail').allTextContents();
        assert.deepEqual(first, diagnosis.evidence.slice(0, 5).map((/** @type {{detail: string}} */ e) => e.detail), 'the first five shown');
        assert.equal(first[1], '"Web server is down"', 'the deciding line right after the status');
        const more = popup.locator('#evidence-more');
        assert.equal(await more.locator('summary').textContent(), `Show ${diagnosis.evidence.length - 5} more`);
        assert.equal(await more.locator('li').first().isVisible(), false, 'the rest folded');
        await popup.locator('#more > summary').click();
        assert.equal(await more.locator('li').first().isVisible(), false, 'the rest folded in the unfolded details');
        await more.locator('summary').click();
        assert.equal(await more.locator('li').first().isVisible(), true, 'the rest shown on request');
        await popup.screenshot({ path: join(SHOTS, 'popup-en-cloudflare-521.png'), fullPage: true });
      }
      await popup.close();
      await page.close();
    });
  }
});

describe('network errors', () => {
  it('connection refused (closed port) → ERR badge, network-error verdict', async () => {
    const port = await srv.closedPort();
    const { page, tabId, badge, diagnosis } = await loadError(`http://127.0.0.1:${port}/`, (t) => t !== '');
    assert.equal(badge, 'ERR');
    assert.equal(diagnosis.net_error, 'ERR_CONNECTION_REFUSED');
    const popup = await openPopup(s, tabId);
    const v = await popupView(popup);
    assert.match(v.status, /CONNECTION_REFUSED/);
    await popup.close();
    await page.close();
  });

  it('unresolvable name → DNS badge, flush-dns with OS commands', async () => {
    // A name that could exist (a reserved .invalid one gets no flush advice: no-harm.test.mjs).
    const { page, tabId, badge, diagnosis } = await loadError('http://no-such-site.example.net/', (t) => t !== '');
    assert.equal(badge, 'DNS');
    assert.equal(diagnosis.meaning, 'net-dns');
    assert.equal(diagnosis.fault, 'network');
    const popup = await openPopup(s, tabId);
    const v = await popupView(popup);
    assert.equal(v.failingHop, 'network');
    assert.ok(v.actions.includes('flush-dns'), String(v.actions));
    // Linux here: only the steps without an OS or for Linux are shown.
    const osSteps = diagnosis.actions.find((/** @type {{id: string}} */ a) => a.id === 'flush-dns').steps ?? [];
    const shown = await popup.locator('[data-action="flush-dns"] .steps > li').count();
    const expected = osSteps.filter((/** @type {{os?: string, browser?: string}} */ st) => (!st.os || st.os === 'linux') && (!st.browser || st.browser === 'chrome')).length;
    assert.equal(shown, expected, 'steps filtered to this OS');
    // The button opens Chromium's own DNS cache page.
    const opened = s.context.waitForEvent('page', { predicate: (p) => p.url().startsWith('chrome://net-internals'), timeout: 10000 });
    await popup.locator('[data-action="flush-dns"] button:not(.copy)').last().click();
    const dnsPage = await opened;
    assert.equal(dnsPage.url(), 'chrome://net-internals/#dns');
    await dnsPage.close();
    await popup.close();
    await page.close();
  });
});

describe('what is not the tab failing, and what Chromium hides', () => {
  it('a failing iframe in a healthy page: no badge, no script', async () => {
    const page = await s.context.newPage();
    await visit(page, `${replay.url}/framed`);
    const tabId = await tabIdOf(s, page);
    await waitFor(async () => replay.hits('/fx/cloudflare/error-521') > 0 && page.frames().length > 1, 'iframe loaded');
    await page.frames()[1]?.waitForLoadState('load');
    assert.equal(await badgeText(s, tabId), '');
    assert.equal(await scriptCalls(tabId), 0);
    await page.close();
  });

  it('a 502 without a body (Chromium shows its own error page) still gets the 502 badge and diagnosis', async () => {
    const { page, badge, diagnosis } = await loadError(`${replay.url}/empty502`, (t) => t !== '');
    assert.equal(badge, '502');
    assert.equal(diagnosis.status, 502);
    assert.equal(diagnosis.net_error, null);
    await page.close();
  });
});

describe('hostile page text', () => {
  it('markup in headers, title and text is shown as text; nothing runs in the popup', async () => {
    const { page, tabId, diagnosis } = await loadError(`${replay.url}/hostile`, (t) => t === '502');
    assert.ok(JSON.stringify(diagnosis).includes('onerror'), 'the page text reached the engine');
    const popup = await openPopup(s, tabId);
    await popup.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    assert.equal(await popup.locator('#app img, #app script, #app iframe').count(), 0, 'no element came from page text');
    assert.equal(await popup.evaluate(() => /** @type {any} */ (window).__pwned), undefined, 'no page script ran');
    const shown = await popup.locator('#app').innerText();
    assert.ok(shown.includes('onerror'), 'markup shown literally');
    await popup.close();
    await page.close();
  });
});

describe('healthy pages', () => {
  it('no badge, no script, and an error badge is cleared by a healthy navigation', async () => {
    const healthy = await track(srv.startHealthy());
    const broken = await track(srv.startNginx502());
    const page = await s.context.newPage();
    await visit(page, broken.url);
    const tabId = await tabIdOf(s, page);
    await waitForBadge(s, tabId, (t) => t === '502', '502 badge');
    await waitDiagnosed(s, tabId);
    const before = await scriptCalls(tabId);
    assert.equal(before, 1, 'the error page was read once (counter works)');
    await visit(page, healthy.url);
    await waitForBadge(s, tabId, (t) => t === '', 'badge cleared');
    // Several healthy loads: still no script.
    for (let i = 0; i < 3; i++) await visit(page, `${healthy.url}?n=${i}`);
    assert.equal(await badgeText(s, tabId), '');
    assert.equal(await scriptCalls(tabId), before, 'no script ran on healthy pages');

    const popup = await openPopup(s, tabId);
    // Opening the popup reads the page's API calls once (api.test.mjs), and nothing else.
    await popup.waitForSelector('#api-calls[aria-busy="false"]', { state: 'attached' });
    assert.equal(await popup.locator('#verdict').textContent(), 'This page loaded fine');
    assert.equal(await scriptCalls(tabId), before + 1, 'the popup read the page\'s API calls once, on opening');
    await popup.screenshot({ path: join(SHOTS, 'popup-en-healthy.png') });
    await popup.locator('#diagnose-now').click();
    await popup.waitForSelector('#summary #verdict');
    assert.equal(await popup.locator('#verdict').textContent(), 'No error found on this page');
    assert.equal(await scriptCalls(tabId), before + 2, 'diagnose anyway reads the page once, on request');
    assert.equal(await badgeText(s, tabId), '', 'still no badge');
    await popup.close();
    await page.close();
  });
});

describe('options and accessibility', () => {
  it('options are saved to chrome.storage.sync and change the popup language', async () => {
    const page = await s.context.newPage();
    await page.goto(`chrome-extension://${s.extId}/options.html`);
    await page.waitForSelector('#retryCap');
    assert.equal(await page.locator('#openTab').isChecked(), false, 'guidance tab off by default');
    assert.equal(await page.locator('#autoRetry').isChecked(), false, 'auto-retry off by default');
    await page.locator('#retryCap').fill('5');
    await page.locator('#retryCap').dispatchEvent('change');
    await page.locator('#lang').selectOption('zh-CN');
    await waitFor(async () => (await page.locator('h1').textContent()) === '网关医生选项', 'options page re-localised');
    const w = s.control;
    const stored = await w.evaluate(() => chrome.storage.sync.get(null));
    assert.equal(stored.retryCap, 5);
    assert.equal(stored.lang, 'zh-CN');
    // The popup follows the option (the browser here is English).
    const broken = await track(srv.startNginx502());
    const { page: tab, tabId } = await loadError(broken.url, (t) => t === '502');
    const popup = await openPopup(s, tabId);
    assert.equal(await popup.locator('#h-path').textContent(), '故障位置');
    assert.equal(await popup.evaluate(() => document.documentElement.lang), 'zh-CN');
    // And the badge's tooltip, product name and punctuation included (they were the browser's language's).
    assert.match(await s.control.evaluate((id) => chrome.action.getTitle({ tabId: id }), tabId), /^网关医生：问题在/);
    await popup.close();
    await tab.close();
    await page.locator('#lang').selectOption('auto');
    await waitFor(async () => (await w.evaluate(() => chrome.storage.sync.get('lang'))).lang === 'auto', 'language reset');
    await page.close();
  });

  it('"open the guidance in a tab on error" opens popup.html?tab=<id> next to the failed tab', async () => {
    await s.control.evaluate(() => chrome.storage.sync.set({ openTab: true }));
    try {
      const broken = await track(srv.startNginx502());
      const opened = s.context.waitForEvent('page', { predicate: (p) => /\/popup\.html\?tab=\d+$/.test(p.url()), timeout: 10000 });
      const { page, tabId } = await loadError(broken.url, (t) => t === '502');
      const guide = await opened;
      assert.equal(guide.url(), `chrome-extension://${s.extId}/popup.html?tab=${tabId}`);
      await guide.waitForSelector('main#app[aria-busy="false"] #verdict');
      assert.equal(await guide.locator('#status-code').textContent(), '502');
      await guide.close();
      await page.close();
    } finally {
      await s.control.evaluate(() => chrome.storage.sync.set({ openTab: false }));
    }
  });

  it('axe-core: no violations on the popup (error and healthy) and the options page, light and dark', async () => {
    const broken = await track(srv.startNginx502());
    const { page, tabId } = await loadError(broken.url, (t) => t === '502');
    const popup = await openPopup(s, tabId);
    // Open the collapsed panels so their content is checked too.
    await popup.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    assert.deepEqual(await axeViolations(popup), [], 'error popup');
    // A browser in dark mode gets a dark popup whose colours still meet the contrast rules.
    /** @param {import('playwright-core').Page} p */
    const background = (p) => p.evaluate(() => document.defaultView?.getComputedStyle(document.documentElement).backgroundColor);
    assert.equal(await background(popup), 'rgb(255, 255, 255)');
    await popup.emulateMedia({ colorScheme: 'dark' });
    assert.equal(await background(popup), 'rgb(32, 33, 36)', 'dark popup');
    assert.deepEqual(await axeViolations(popup), [], 'error popup, dark');
    await popup.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = false; }));
    await popup.screenshot({ path: join(SHOTS, 'popup-en-error-dark.png'), fullPage: true });
    await popup.emulateMedia({ colorScheme: 'light' });
    const healthy = await track(srv.startHealthy());
    await visit(page, healthy.url);
    await waitForBadge(s, tabId, (t) => t === '', 'badge cleared');
    await popup.reload();
    await popup.waitForSelector('#diagnose-now');
    assert.deepEqual(await axeViolations(popup), [], 'healthy popup');
    const options = await s.context.newPage();
    await options.goto(`chrome-extension://${s.extId}/options.html`);
    await options.waitForSelector('#retryCap');
    assert.deepEqual(await axeViolations(options), [], 'options page');
    await options.emulateMedia({ colorScheme: 'dark' });
    assert.equal(await background(options), 'rgb(32, 33, 36)', 'dark options page');
    assert.deepEqual(await axeViolations(options), [], 'options page, dark');
    await options.close();
    await popup.close();
    await page.close();
  });
});

describe('worker restarts', () => {
  it('the diagnosis survives the service worker being stopped (chrome.storage.session)', async () => {
    const broken = await track(srv.startNginx502());
    const { page, tabId } = await loadError(broken.url, (t) => t === '502');
    await stopWorker(s);
    // Opening the popup wakes the worker with a message; the state comes back from session storage.
    const popup = await openPopup(s, tabId);
    const v = await popupView(popup);
    assert.equal(v.status, '502');
    assert.equal(v.provider, 'nginx');
    assert.equal(await badgeText(s, tabId), '502', 'badge kept');
    await popup.close();
    // And a new error is noticed by the restarted worker.
    await visit(page, `${broken.url}again`);
    await waitDiagnosed(s, tabId, `${broken.url}again`);
    await page.close();
  });

  // Which network errors to ignore is the engine's list, known only once the engine has loaded:
  // a network error that wakes a stopped worker is held until then, neither dropped nor diagnosed
  // when it is on the list.
  it('a network error waking the worker: a failure gets its badge, an aborted navigation changes nothing', async () => {
    const server = http.createServer((req, res) => {
      // A 204 to a navigation: Chromium keeps the page and reports net::ERR_ABORTED.
      if ((req.url ?? '').startsWith('/no-content')) res.writeHead(204).end();
      else res.writeHead(502, { 'content-type': 'text/html', server: 'nginx' }).end('<title>502 Bad Gateway</title><h1>502 Bad Gateway</h1><hr><center>nginx</center>');
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
    const base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
    try {
      const { page, tabId, diagnosis } = await loadError(`${base}/down`, (t) => t === '502');
      const stored = await s.control.evaluate(async (id) => (await chrome.storage.session.get(`tab:${id}`))[`tab:${id}`], tabId);
      await stopWorker(s);
      await visit(page, `${base}/no-content`);
      assert.equal(page.url(), `${base}/down`, 'the 204 left the page where it was');
      // Time for a woken worker to have diagnosed it, had it not been ignored.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(await badgeText(s, tabId), '502', 'the error page keeps its badge');
      const after = await s.control.evaluate(async (id) => (await chrome.storage.session.get(`tab:${id}`))[`tab:${id}`], tabId);
      assert.deepEqual(after, stored, 'and its diagnosis');
      assert.equal(diagnosis.status, 502);

      await stopWorker(s);
      await visit(page, 'http://cold-worker.invalid/');
      assert.equal(await waitForBadge(s, tabId, (t) => t !== '' && t !== '502', 'badge of the DNS failure'), 'DNS');
      assert.equal((await waitDiagnosed(s, tabId, 'http://cold-worker.invalid/')).meaning, 'net-dns');
      await page.close();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
