/**
 * End-to-end, dist/chrome as shipped (no webRequest): the actions never do harm. A failed form
 * submission is never sent again by the extension (auto-retry watches the site with a GET and
 * says the form was not resent; Reload warns first); Retry-After is honoured from the first check
 * and a retry pauses while the browser is offline; probes never follow redirects. Each case runs
 * against a small node server on 127.0.0.1 that counts what it receives.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXT_DIR, badgeText, launch, launchChromium, openPopup, tabIdOf, waitDiagnosed, waitFor, waitForBadge } from './browser.mjs';

/** @type {import('./browser.mjs').Session} */
let s;
/** @type {http.Server[]} */
const servers = [];

before(async () => {
  s = await launch({ lang: 'en-US' });
});

after(async () => {
  await s?.close();
  for (const srv of servers) {
    srv.closeAllConnections();
    srv.close();
  }
});

/**
 * A node server on a free loopback port; returns its base URL (with the trailing slash).
 * @param {http.RequestListener} handler
 */
async function serve(handler) {
  const srv = http.createServer(handler);
  servers.push(srv);
  await new Promise((r) => srv.listen(0, '127.0.0.1', () => r(undefined)));
  return `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (srv.address()).port}/`;
}

const NGINX_502 = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

/** Moves a tab's retry alarm to now (the schedule's first step is 10 s or more). @param {number} tabId */
const fireRetryNow = (tabId) => s.control.evaluate((id) => chrome.alarms.create(`retry:${id}`, { when: Date.now() + 50 }), tabId);

it('a failed form submission is never sent again: auto-retry watches the site with a GET, Reload warns first', async () => {
  let up = false;
  /** @type {string[]} */
  const log = [];
  const url = await serve((req, res) => {
    log.push(`${req.method} ${req.url}`);
    if (req.method === 'POST') {
      req.resume();
      if (up) res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Order placed</title>Thank you');
      else res.writeHead(502, { 'content-type': 'text/html', server: 'nginx' }).end(NGINX_502);
      return;
    }
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' })
        .end('<title>Shop</title><form method="post" action="/checkout"><input name="item" value="1"><button id="buy">Buy</button></form>');
      return;
    }
    // A GET of the checkout URL (what a naive retry would probe) answers like the site does.
    if (up) res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Checkout</title>');
    else res.writeHead(502, { 'content-type': 'text/html', server: 'nginx' }).end(NGINX_502);
  });
  const posts = () => log.filter((l) => l.startsWith('POST ')).length;
  const page = await s.context.newPage();
  await page.goto(url);
  await Promise.all([page.waitForURL(`${url}checkout`), page.locator('#buy').click()]);
  const tabId = await tabIdOf(s, page);
  await waitForBadge(s, tabId, (t) => t === '502', 'badge on the failed checkout');
  await waitDiagnosed(s, tabId, `${url}checkout`);
  assert.equal(posts(), 1, 'one POST: the user\'s own');

  const popup = await openPopup(s, tabId);
  // Reload on a form's answer shows what it does before doing it.
  const reload = popup.locator('[data-action="reload"]');
  await reload.locator('button').first().click();
  await popup.waitForSelector('#reload-resend-warning:not([hidden])');
  assert.match((await popup.locator('#reload-resend-warning').textContent()) ?? '', /sends the form again/);
  assert.equal(await popup.locator('#reload-resend').isVisible(), true, 'a confirming button');
  // The worker refuses an unconfirmed reload of a form's answer too.
  const refused = await popup.evaluate((id) => chrome.runtime.sendMessage({ type: 'reload', tabId: id }), tabId);
  assert.equal(refused.ok, false, 'unconfirmed reload refused by the worker');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(posts(), 1, 'no POST from the first click of Reload');

  await popup.locator('[data-action="auto-retry"] button').click();
  await popup.waitForSelector('#retry-countdown');
  up = true;
  const before = log.length;
  await fireRetryNow(tabId);
  const notes = await waitFor(async () => {
    const all = await s.control.evaluate(() => chrome.notifications.getAll());
    return Object.keys(all).some((k) => k.startsWith(`back:${tabId}:`)) ? all : null;
  }, '"is back" notification', 20000, 200);
  assert.ok(notes, 'notified');
  await popup.waitForSelector('#retry-back');
  assert.match((await popup.locator('#retry-back').textContent()) ?? '', /not sent again/);
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(log.slice(before), ['GET /'], 'the site was watched with one GET of its origin, nothing else');
  assert.equal(posts(), 1, 'the form was not sent again');
  assert.equal(await page.title(), '502 Bad Gateway', 'the tab was not reloaded');
  assert.equal(await s.control.evaluate((id) => chrome.alarms.get(`retry:${id}`), tabId), undefined, 'no more checks');

  // Sending it again is the user's own click, behind the same warning.
  await popup.locator('#retry button').first().click();
  await popup.waitForSelector('#retry-resend-warning:not([hidden])');
  await popup.locator('#retry-resend').click();
  await waitFor(async () => posts() === 2, 'the form sent again on the user\'s click', 10000);
  await popup.close();
  await page.close();
});

it('Retry-After is honoured from the first check without headers: the site is asked once, without cookies', async () => {
  /** @type {{url: string, cookie: string}[]} */
  const seen = [];
  const url = await serve((req, res) => {
    seen.push({ url: req.url ?? '', cookie: req.headers.cookie ?? '' });
    res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '20', 'set-cookie': 'session=secret; Path=/' })
      .end('<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>');
  });
  const page = await s.context.newPage();
  await page.goto(url).catch(() => {});
  const tabId = await tabIdOf(s, page);
  await waitForBadge(s, tabId, (t) => t === '503', 'badge 503');
  const diagnosis = await waitDiagnosed(s, tabId, url);
  assert.equal(diagnosis.retry_after ?? null, null, 'shipped without webRequest: the header was not read with the page');
  const popup = await openPopup(s, tabId);
  const before = seen.length;
  await popup.locator('[data-action="auto-retry"] button').click();
  await popup.waitForSelector('#retry-countdown');
  const alarm = await s.control.evaluate((id) => chrome.alarms.get(`retry:${id}`), tabId);
  assert.ok(alarm, 'the first check is armed');
  const wait = alarm.scheduledTime - Date.now();
  assert.ok(wait > 18000 && wait <= 20500, `first check no sooner than Retry-After: 20 (got ${wait} ms)`);
  assert.match((await popup.locator('#retry-after').textContent()) ?? '', /wait 20 s/);
  const asked = seen.slice(before);
  assert.equal(asked.length, 1, `one request to learn it: ${JSON.stringify(asked)}`);
  assert.equal(asked[0].cookie, '', 'sent without the site\'s cookies');
  await popup.locator('#retry-cancel').click();
  await popup.close();
  await page.close();
});

it('auto-retry pauses while the browser is offline (no check, no attempt counted) and resumes when online', async () => {
  let up = false;
  let hits = 0;
  const url = await serve((_req, res) => {
    hits += 1;
    if (up) res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Back online</title>ok');
    else res.writeHead(502, { 'content-type': 'text/html', server: 'nginx' }).end(NGINX_502);
  });
  const page = await s.context.newPage();
  await page.goto(url).catch(() => {});
  const tabId = await tabIdOf(s, page);
  await waitForBadge(s, tabId, (t) => t === '502', 'badge 502');
  await waitDiagnosed(s, tabId, url);
  const popup = await openPopup(s, tabId);
  await popup.locator('[data-action="auto-retry"] button').click();
  await popup.waitForSelector('#retry-countdown');
  const record = () => s.control.evaluate(async (id) => (await chrome.storage.session.get(`retry:${id}`))[`retry:${id}`] ?? null, tabId);
  const before = hits;
  await s.context.setOffline(true);
  try {
    await fireRetryNow(tabId);
    const paused = await waitFor(async () => {
      const r = await record();
      return r && r.offline ? r : null;
    }, 'retry paused offline', 10000);
    assert.equal(paused.attempt, 0, 'the check due while offline did not count');
    assert.equal(paused.lastStatus, null, 'and was not made');
    assert.ok(paused.nextAt - Date.now() > 20000, 'put off, not spent');
    await popup.waitForSelector('#retry-offline');
    assert.equal(hits, before, 'no request while offline');
  } finally {
    await s.context.setOffline(false);
  }
  up = true;
  // Back online: the next due check runs (the alarm, moved to now; the worker's `online` event
  // does the same when it is awake to hear it).
  await fireRetryNow(tabId);
  await waitFor(async () => (await page.title()) === 'Back online', 'tab reloaded once online', 20000, 200);
  await popup.close();
  await page.close();
});

/**
 * A site whose page failed (502 to the tab's navigation) and that answers every later request
 * with a 302 to another loopback port, whose server counts what reaches it and answers 200.
 */
async function redirectingSite() {
  let elsewhere = 0;
  const target = await serve((_req, res) => {
    elsewhere += 1;
    res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Fine</title>');
  });
  let first = true;
  const base = await serve((req, res) => {
    // The tab's own favicon request is the browser's, not a probe: keep it off the redirect.
    if (req.url !== '/page') {
      res.writeHead(404).end();
    } else if (first) {
      first = false;
      res.writeHead(502, { 'content-type': 'text/html', server: 'nginx' }).end(NGINX_502);
    } else {
      res.writeHead(302, { location: target }).end();
    }
  });
  return { url: `${base}page`, elsewhere: () => elsewhere };
}

it('check-down never follows a redirect: the other port sees nothing, and it is no "up now"', async () => {
  const site = await redirectingSite();
  const page = await s.context.newPage();
  await page.goto(site.url).catch(() => {});
  const tabId = await tabIdOf(s, page);
  await waitForBadge(s, tabId, (t) => t === '502', 'badge 502');
  await waitDiagnosed(s, tabId, site.url);
  const popup = await openPopup(s, tabId);
  await popup.click('[data-probe-run="check-down"]');
  const sel = '#probe-check-down .probe-result[data-probe="check-down"]';
  await popup.waitForSelector(sel, { timeout: 20000 });
  const verdict = await popup.$eval(sel, (el) => el.getAttribute('data-verdict'));
  const text = await popup.$eval(sel, (el) => el.textContent ?? '');
  assert.equal(verdict, 'redirected', text);
  assert.match(text, /redirect \(3xx\), which was not followed/);
  assert.match(text, /3xx \(\d+ ms\)/, 'each attempt reported as answered 3xx');
  assert.equal(site.elsewhere(), 0, 'the redirect target was never contacted');
  await popup.close();
  await page.close();
});

it('an auto-retry check never follows a redirect: answered 3xx, the tab is not reloaded', async () => {
  const site = await redirectingSite();
  const page = await s.context.newPage();
  await page.goto(site.url).catch(() => {});
  const tabId = await tabIdOf(s, page);
  await waitForBadge(s, tabId, (t) => t === '502', 'badge 502');
  await waitDiagnosed(s, tabId, site.url);
  const popup = await openPopup(s, tabId);
  await popup.locator('[data-action="auto-retry"] button').click();
  await popup.waitForSelector('#retry-countdown');
  await fireRetryNow(tabId);
  const rec = await waitFor(() => s.control.evaluate(async (id) => {
    const r = (await chrome.storage.session.get(`retry:${id}`))[`retry:${id}`];
    return r && r.attempt === 1 ? r : null;
  }, tabId), 'the first check done', 15000);
  assert.equal(rec.lastStatus, 300, 'recorded as answered 3xx');
  await popup.waitForSelector('#retry-last');
  assert.match((await popup.locator('#retry-last').textContent()) ?? '', /a redirect \(3xx, not followed\)/);
  assert.equal(site.elsewhere(), 0, 'the redirect target was never contacted');
  assert.equal(await page.title(), '502 Bad Gateway', 'the tab was not reloaded');
  await popup.locator('#retry-cancel').click();
  await popup.close();
  await page.close();
});

it('an empty 502 the browser replaced with its own page: the popup asks the site once, then badge, verdict and history carry 502 and nginx', async () => {
  /** @type {{method: string, cookie: string}[]} */
  const seen = [];
  const url = await serve((req, res) => {
    if (req.url !== '/') return void res.writeHead(404).end();
    seen.push({ method: req.method ?? '', cookie: req.headers.cookie ?? '' });
    res.writeHead(502, { server: 'nginx', 'content-length': '0' }).end();
  });
  await s.context.addCookies([{ name: 'sid', value: 'secret', url }]);
  const page = await s.context.newPage();
  await page.goto(url).catch(() => {});
  const tabId = await tabIdOf(s, page);
  await waitForBadge(s, tabId, (t) => t === 'ERR', 'Chromium\'s own error page: ERR at first');
  const host = new URL(url).host;
  /** @returns {Promise<any[]|null>} */
  const entries = async () => (await s.control.evaluate(() => chrome.storage.local.get('history'))).history?.sites?.[host] ?? null;
  await waitFor(async () => (await entries())?.[0]?.net_error === 'ERR_HTTP_RESPONSE_CODE_FAILURE', 'history holds the ERR code at first');
  const before = seen.length;
  const popup = await openPopup(s, tabId);
  await waitFor(async () => (await popup.locator('#status-code').textContent()) === '502', 'the popup shows 502', 10000);
  assert.equal(await popup.locator('#provider').getAttribute('data-provider'), 'nginx', 'who answered: the server, not the browser');
  assert.equal(await badgeText(s, tabId), '502', 'badge carries the status');
  const asked = seen.slice(before);
  assert.equal(asked.length, 1, `one request: ${JSON.stringify(asked)}`);
  assert.equal(asked[0].cookie, '', 'without cookies');
  const list = await waitFor(async () => {
    const l = await entries();
    return l?.[0]?.status === 502 ? l : null;
  }, 'history entry rewritten');
  assert.equal(list.length, 1, JSON.stringify(list));
  assert.equal(list[0].net_error, null);
  assert.equal(list[0].provider, 'nginx');
  // Asked once: opening the popup again does not ask again.
  await popup.reload();
  await popup.waitForSelector('main#app[aria-busy="false"] #verdict');
  assert.equal(seen.length, before + 1, 'not asked twice');
  await popup.close();
  await page.close();
});

it('a tab that failed before the extension was installed gets its badge on install', async () => {
  const url = await serve((req, res) => {
    if (req.url !== '/') return void res.writeHead(404).end();
    res.writeHead(502, { 'content-type': 'text/html', server: 'nginx' }).end(NGINX_502);
  });
  // A browser without the extension: the tab fails first, the extension is installed after
  // (DevTools' Extensions.loadUnpacked, as a person would install it with the tab open).
  const profile = mkdtempSync(join(tmpdir(), 'gd-install-'));
  // Playwright's defaults disable extensions: all but ours, which is installed below.
  const ctx = await launchChromium(profile, { extraArgs: ['--enable-unsafe-extension-debugging', `--disable-extensions-except=${EXT_DIR}`], lang: 'en-US' });
  try {
    const page = await ctx.newPage();
    await page.goto(url).catch(() => {});
    assert.equal(await page.title(), '502 Bad Gateway');
    const browser = ctx.browser();
    assert.ok(browser, 'a browser to talk to');
    const cdp = await browser.newBrowserCDPSession();
    const { id } = await cdp.send('Extensions.loadUnpacked', { path: EXT_DIR });
    const control = await ctx.newPage();
    await waitFor(async () => {
      await control.goto(`chrome-extension://${id}/options.html`);
      return true;
    }, 'the extension installed', 15000, 300);
    const tabId = await waitFor(() => control.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)?.id ?? null, url), 'the failed tab');
    const badge = await waitFor(async () => {
      const t = await control.evaluate((tid) => chrome.action.getBadgeText({ tabId: tid }), tabId);
      return t === '502' ? t : null;
    }, 'badge 502 on the tab that failed before install, without reloading it', 15000);
    assert.equal(badge, '502');
  } finally {
    await ctx.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
});

it('local and reserved hosts are never sent to outside services, and the popup says why; a name that cannot exist gets no flush-DNS advice', async () => {
  // A name under .invalid (NXDOMAIN here as everywhere): DNS advice, but nothing to flush.
  const page = await s.context.newPage();
  await page.goto('http://no-such-shop.invalid/').catch(() => {});
  const tabId = await tabIdOf(s, page);
  await waitForBadge(s, tabId, (t) => t === 'DNS', 'DNS badge');
  const d = await waitDiagnosed(s, tabId, 'http://no-such-shop.invalid/');
  assert.equal(d.meaning, 'net-dns');
  const ids = d.actions.map((/** @type {{id: string}} */ a) => a.id);
  assert.ok(!ids.includes('flush-dns'), `no flush-dns for a reserved name: ${ids}`);
  const popup = await openPopup(s, tabId);
  assert.equal(await popup.locator('[data-action="flush-dns"]').count(), 0);
  // The public resolver (default settings: Cloudflare) is not asked about a reserved name.
  await popup.click('[data-probe-run="check-dns"]');
  const sel = '#probe-check-dns .probe-result[data-probe="check-dns"]';
  await popup.waitForSelector(sel, { timeout: 20000 });
  assert.equal(await popup.$eval(sel, (el) => el.getAttribute('data-verdict')), 'failed:local-host');
  assert.match(await popup.$eval(sel, (el) => el.textContent ?? ''), /no-such-shop\.invalid is a local or reserved name, which is never sent to outside services/);
  await popup.close();
  await page.close();

  // A page on loopback: its URL is not sent to the archive (default settings: archive.org).
  const url = await serve((_req, res) => { res.writeHead(502, { 'content-type': 'text/html', server: 'nginx' }).end(NGINX_502); });
  const local = await s.context.newPage();
  await local.goto(url).catch(() => {});
  const localTab = await tabIdOf(s, local);
  await waitForBadge(s, localTab, (t) => t === '502', 'badge 502');
  await waitDiagnosed(s, localTab, url);
  const p2 = await openPopup(s, localTab);
  assert.equal(await p2.locator('#dfeojm-link').count(), 0, 'no link handing the address to an outside checker');
  await p2.click('[data-probe-run="archived-copy"]');
  const sel2 = '#probe-archived-copy .probe-result[data-probe="archived-copy"]';
  await p2.waitForSelector(sel2, { timeout: 20000 });
  assert.equal(await p2.$eval(sel2, (el) => el.getAttribute('data-verdict')), 'failed:local-host');
  await p2.close();
  await local.close();
});
