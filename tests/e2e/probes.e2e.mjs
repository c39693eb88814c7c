/**
 * End-to-end tests of the probes (issue 4), through the popup of the built extension
 * (dist/chrome) in real Chromium. Every endpoint is a stand-in on 127.0.0.1 (tests/probe-server);
 * sites are a small server (probe-env.mjs, with the proxy and the browser's set-up) plus the
 * vendor-page replay for Cloudflare. All other traffic goes to a logging proxy that refuses it, so the proxy's log is
 * the complete list of requests that tried to leave the machine: it must stay empty until an
 * action is clicked. Tests run in order and share one browser (later ones rely on the settings
 * and history the earlier ones left). GD_EXT_DIR=<dir> loads another unpacked build instead of
 * dist/chrome (for trying a change without reassembling dist/ under others' feet). The error
 * history's tests are history.e2e.mjs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startProbeServer } from '../probe-server/server.mjs';
import { startReplay } from './replay.mjs';
import { axeViolations } from './a11y.mjs';
import { SHOTS, tabIdOf, visit, waitDiagnosed, waitFor, worker } from './browser.mjs';
import { CHROMIUM_OWN, closeAll, closedPort, launchBehindTrap, openErrorTab, startSites, startTrapProxy } from './probe-env.mjs';

/** @typedef {import('playwright-core').Page} Page */

// --- session ---------------------------------------------------------------------------------

/** @type {import('./browser.mjs').Session} */
let s;
/** @type {Awaited<ReturnType<typeof startProbeServer>>} */
let probeSrv;
/** @type {Awaited<ReturnType<typeof startSites>>} */
let sites;
/** @type {Awaited<ReturnType<typeof startTrapProxy>>} */
let proxy;
/** @type {import('./replay.mjs').ReplayHandle} */
let replay;
/** Every request the extension pages (popup, history, options) made, from page.on('request'). */
/** @type {string[]} */
const pageRequests = [];
/** Requests seen by the browser context (tabs and pages), from context.on('request'). */
/** @type {string[]} */
const contextRequests = [];
mkdirSync(SHOTS, { recursive: true });

before(async () => {
  [probeSrv, sites, proxy, replay] = await Promise.all([startProbeServer(), startSites(), startTrapProxy(), startReplay()]);
  s = await launchBehindTrap(proxy.port);
  s.context.on('request', (r) => contextRequests.push(r.url()));
});

after(async () => {
  await s?.close();
  await Promise.all([probeSrv?.stop(), sites?.stop(), proxy?.stop(), replay?.stop()].map((p) => p?.catch(() => {})));
});


/** The probe settings, written where the extension reads them. @param {Record<string, unknown>} patch */
async function setProbeSettings(patch) {
  const w = await worker(s);
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [k, v] of Object.entries(patch)) out[`probe.${k}`] = v;
  await w.evaluate((o) => chrome.storage.local.set(o), out);
}

/** Probe endpoints on the stand-in server. */
const local = () => ({
  resolver: `${probeSrv.base}/dns-query`,
  connectivityUrl: `${probeSrv.base}/generate_204`,
  archiveEndpoint: `${probeSrv.base}/wayback/available`,
  timeoutMs: 8000,
});

/**
 * Loads an error page in a new tab and opens its popup, its requests logged.
 * @param {string} url
 */
const errorTab = (url) => openErrorTab(s, url, pageRequests);

/**
 * Clicks a probe's button in the popup and waits for its result.
 * @param {Page} popup
 * @param {string} kind
 * @param {number} [timeout]
 * @returns {Promise<{verdict: string, text: string}>}
 */
async function runProbe(popup, kind, timeout = 20000) {
  await popup.click(`[data-probe-run="${kind}"]`);
  const sel = `#probe-${kind} .probe-result[data-probe="${kind}"]`;
  await popup.waitForSelector(sel, { timeout });
  return popup.$eval(sel, (el) => ({ verdict: el.getAttribute('data-verdict') ?? '', text: el.textContent ?? '' }));
}


// --- tests -----------------------------------------------------------------------------------

describe('probes from the popup', () => {
  it('nothing leaves for a third party until an action is clicked; the click is what sends it', async () => {
    // Default settings: real third-party endpoints (Cloudflare DNS, gstatic, archive.org).
    // A public-looking name (mapped to 127.0.0.1 by BASE_FLAGS): a .test name is never sent out.
    const url = `http://quiet.example.com:${sites.port}/502`;
    const { page, popup } = await errorTab(url);
    for (const kind of ['check-down', 'archived-copy']) {
      // The archive buttons are drawn once the settings say which archive leads.
      await popup.waitForSelector(`[data-probe-run="${kind}"]`);
      assert.equal(await popup.locator(`[data-probe-run="${kind}"]`).count(), 1, `${kind} control shown`);
    }
    // Each control says what it contacts and when.
    await waitFor(() => popup.$eval('[data-contacts="archived-copy"]', (e) => e.textContent), 'contacts note');
    assert.match(await popup.$eval('[data-contacts="archived-copy"]', (e) => e.textContent ?? ''), /Asks archive\.org — only when you click/);
    assert.match(await popup.$eval('[data-contacts="check-down"]', (e) => e.textContent ?? ''), /quiet\.example\.com.*www\.gstatic\.com — only when you click/);
    // The down-for-everyone site is a link only.
    assert.equal(await popup.$eval('#dfeojm-link', (e) => e.getAttribute('href')), 'https://downforeveryoneorjustme.com/quiet.example.com');
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(proxy.fromExtension(), [], 'no request tried to leave the machine');
    assert.deepEqual(probeSrv.log(), [], 'no probe endpoint was contacted');
    assert.deepEqual(sites.probes('quiet.example.com'), [], 'the site got only the tab\'s own navigation');
    const foreign = [...pageRequests, ...contextRequests].filter((u) => !/^(chrome-extension:|data:|blob:)/.test(u) && !/^https?:\/\/([a-z0-9-]+\.test|quiet\.example\.com|127\.0\.0\.1)(:\d+)?\//.test(u));
    assert.deepEqual(foreign, [], 'pages and tabs asked no third party');

    // The click: archive.org is asked (here the proxy refuses it, so the check itself fails).
    const r = await runProbe(popup, 'archived-copy');
    assert.deepEqual(proxy.fromExtension(), ['CONNECT archive.org:443'], 'the click, and only it, contacted archive.org');
    assert.match(r.verdict, /^failed:/);
    // Not reaching archive.org says so (it is blocked in some networks) and points to the other
    // archives, whose buttons sit beside it (each asks only on its own click).
    assert.match(r.text, /Could not reach archive\.org from your network/);
    assert.match(r.text, /not about the site/);
    assert.match(r.text, /Another archive \(the buttons here\) may be reachable/);
    const other = await popup.$$eval('[data-probe-control="archived-copy"] [data-archive-run]', (bs) => bs.map((b) => b.getAttribute('data-archive-run')));
    assert.deepEqual(other, ['wayback', 'archive-today', 'memento'], 'the other two archives one click away');
    assert.deepEqual(proxy.fromExtension(), ['CONNECT archive.org:443'], 'the other archives were not asked');
    await closeAll(popup, page);
  });

  it('options page: automatic check off by default; endpoints set there are what the probes use', async () => {
    const proxyBefore = proxy.fromExtension().length;
    const page = await s.context.newPage();
    page.on('request', (r) => pageRequests.push(r.url()));
    await page.goto(`chrome-extension://${s.extId}/options.html`);
    await page.waitForSelector('#probe-options[data-ready="true"]');
    assert.equal(await page.isChecked('#autoCheck'), false, 'automatic check off by default');
    assert.equal(await page.isChecked('#checkerEnabled'), false, 'public checker off by default');
    assert.equal(await page.inputValue('#resolverUrl'), 'https://cloudflare-dns.com/dns-query');
    await page.selectOption('#resolverChoice', 'google');
    await waitFor(async () => (await page.inputValue('#resolverUrl')) === 'https://dns.google/resolve', 'google resolver');
    // A wrong value is refused with a message, not silently replaced.
    await page.fill('#archiveEndpoint', 'javascript:alert(1)');
    await page.dispatchEvent('#archiveEndpoint', 'change');
    await waitFor(async () => /Not an http\(s\) URL/.test(await page.textContent('#probe-saved') ?? ''), 'invalid URL message');
    await page.selectOption('#resolverChoice', 'custom');
    const l = local();
    for (const [id, v] of /** @type {const} */ ([['resolverUrl', l.resolver], ['connectivityUrl', l.connectivityUrl], ['archiveEndpoint', l.archiveEndpoint]])) {
      await page.fill(`#${id}`, v);
      await page.dispatchEvent(`#${id}`, 'change');
    }
    await waitFor(async () => (await page.textContent('#probe-saved')) === 'Saved.', 'saved');
    const w = await worker(s);
    const stored = await w.evaluate(() => chrome.storage.local.get(null));
    assert.equal(stored['probe.resolver'], l.resolver);
    assert.equal(stored['probe.connectivityUrl'], l.connectivityUrl);
    assert.equal(stored['probe.archiveEndpoint'], l.archiveEndpoint);
    assert.equal(stored['probe.autoCheck'], false);
    assert.equal(proxy.fromExtension().length, proxyBefore, 'the options page contacted no one');
    await page.close();
  });

  it('check-down: still failing to a clean request, without cookies or cache', async () => {
    await setProbeSettings(local());
    await s.context.addCookies([{ name: 'sid', value: 'secret', domain: 'down1.test', path: '/' }]);
    const url = `http://down1.test:${sites.port}/502`;
    const { page, popup } = await errorTab(url);
    assert.ok(sites.hits.some((h) => h.host.startsWith('down1.test') && h.mode === 'navigate' && h.cookie?.includes('sid=secret')), 'the tab itself sends the cookie');
    const r = await runProbe(popup, 'check-down');
    assert.equal(r.verdict, 'still-failing');
    assert.match(r.text, /The site still answers 502 to a clean request — it’s the site, not your browser/);
    const probes = sites.probes('down1.test');
    assert.equal(probes.length, 3, `three clean requests: ${JSON.stringify(sites.hits.filter((h) => h.host.startsWith('down1.test')))}`);
    for (const p of probes) {
      assert.equal(p.cookie, null, 'no cookie sent by the probe');
      assert.match(p.cache ?? '', /no-cache/, 'cache bypassed');
    }
    assert.deepEqual(probeSrv.log(), [], 'the site answered, so no connectivity check was needed');
    await closeAll(popup, page);
  });

  it('check-down: the tab got 502 but the site answers 200 now', async () => {
    sites.setFlip(false);
    const { page, popup } = await errorTab(`http://flip.test:${sites.port}/flip`);
    sites.setFlip(true);
    const r = await runProbe(popup, 'check-down');
    assert.equal(r.verdict, 'up-now');
    assert.match(r.text, /Your tab got 502 but the site answers 200 now — reload the page/);
    await closeAll(popup, page);
  });

  it('check-down: the site is unreachable but other sites answer', async () => {
    const port = await closedPort();
    const { page, popup, diagnosis } = await errorTab(`http://gone.test:${port}/`);
    assert.match(diagnosis.net_error ?? '', /CONNECTION_REFUSED/);
    const before = probeSrv.log().length;
    const r = await runProbe(popup, 'check-down');
    assert.equal(r.verdict, 'unreachable');
    assert.match(r.text, /We can’t reach it, but other sites answer/);
    assert.deepEqual(probeSrv.log().slice(before).map((l) => l.path), ['/generate_204'], 'the connectivity URL was asked');
    // Nothing answers, not even the connectivity URL: you are offline.
    await setProbeSettings({ connectivityUrl: `http://127.0.0.1:${port}/generate_204` });
    const off = await runProbe(popup, 'check-down');
    assert.equal(off.verdict, 'offline');
    // "Offline" rests on one service: it is named, and another is offered (it may be blocked here).
    assert.match(off.text, new RegExp(`Neither the site nor 127\\.0\\.0\\.1:${port} answered: your connection may be down, or 127\\.0\\.0\\.1:${port} may be blocked`));
    assert.equal(await popup.$eval('#probe-check-down .probe-alt', (e) => e.getAttribute('data-alt')), 'www.msftconnecttest.com');
    // Microsoft's connectivity answer (200 "Microsoft Connect Test", the mainland default) counts as "the internet works".
    await setProbeSettings({ connectivityUrl: `${probeSrv.base}/connecttest.txt` });
    const ms = await runProbe(popup, 'check-down');
    assert.equal(ms.verdict, 'unreachable');
    assert.ok(probeSrv.log().some((l) => l.path === '/connecttest.txt'), 'the NCSI stand-in was asked');
    await setProbeSettings({ connectivityUrl: local().connectivityUrl });
    await closeAll(popup, page);
  });

  it('check-down: a flapping site', async () => {
    const { page, popup } = await errorTab(`http://flap.test:${sites.port}/flap`);
    const r = await runProbe(popup, 'check-down');
    assert.equal(r.verdict, 'flapping');
    assert.match(r.text, /The site is flapping/);
    assert.match(r.text, /Our requests: (200|502) \(\d+ ms\), (200|502)/);
    await closeAll(popup, page);
  });

  it('check-down with the public checker turned on', async () => {
    await setProbeSettings({ checkerEnabled: true, checkerEndpoint: `${probeSrv.base}/checker` });
    const { page, popup } = await errorTab(`http://down2.test:${sites.port}/502`);
    assert.match(await waitFor(() => popup.$eval('[data-contacts="check-down"]', (e) => e.textContent), 'note'), /127\.0\.0\.1/);
    const r = await runProbe(popup, 'check-down');
    assert.equal(r.verdict, 'still-failing');
    assert.match(r.text, /Public checker: the site is down for them too/);
    assert.ok(probeSrv.log().some((l) => l.path === '/checker?host=down2.test'), String(JSON.stringify(probeSrv.log())));
    const up = await errorTab(`http://fine.test:${sites.port}/502`);
    const u = await runProbe(up.popup, 'check-down');
    assert.match(u.text, /Public checker: the site is up for them/);
    await closeAll(up.popup, up.page);
    await setProbeSettings({ checkerEnabled: false, checkerEndpoint: '' });
    await closeAll(popup, page);
  });

  it('concurrent requests for the same probe share one run', async () => {
    const { page, popup, tabId } = await errorTab(`http://dup.test:${sites.port}/502`);
    const replies = await popup.evaluate(async (id) => {
      const ask = () => chrome.runtime.sendMessage({ type: 'probe', kind: 'check-down', tabId: id });
      return Promise.all([ask(), ask(), ask()]);
    }, tabId);
    assert.equal(sites.probes('dup.test').length, 3, 'one run of three attempts, not three runs');
    const at = new Set(replies.map((/** @type {any} */ r) => r.result?.at));
    assert.equal(at.size, 1, 'all three got the same result');
    // A double click on the button too.
    await popup.dblclick('[data-probe-run="check-down"]');
    await popup.waitForSelector('#probe-check-down .probe-result[data-verdict="still-failing"]', { timeout: 20000 });
    assert.equal(sites.probes('dup.test').length, 6, 'the double click ran one more check, not two');
    await closeAll(popup, page);
  });

  it('check-dns: a different IP than public DNS (stale record), with the TTL and flush commands', async () => {
    const { page, popup } = await errorTab(`http://moved.test:${sites.port}/511`);
    const r = await runProbe(popup, 'check-dns');
    assert.equal(r.verdict, 'different');
    assert.match(r.text, /Public DNS says 203\.0\.113\.9, but your browser connected to 127\.0\.0\.1/);
    assert.match(r.text, /300 s \(TTL\)/);
    assert.match(r.text, /If you use a proxy or VPN/);
    assert.match(await popup.$eval('#probe-check-dns .flush-cmd', (e) => e.textContent ?? ''), /resolvectl flush-caches/);
    assert.ok(probeSrv.log().some((l) => l.path === '/dns-query?name=moved.test&type=A'));
    await closeAll(popup, page);
  });

  it('check-dns: the same IP (DNS is fine)', async () => {
    const { page, popup } = await errorTab(`http://same.test:${sites.port}/511`);
    const r = await runProbe(popup, 'check-dns');
    assert.equal(r.verdict, 'same');
    assert.match(r.text, /same address your browser used \(127\.0\.0\.1\) — DNS is fine/);
    await closeAll(popup, page);
  });

  it('check-dns: NXDOMAIN (the site\'s DNS problem)', async () => {
    const { page, popup, diagnosis } = await errorTab('http://nx.test/');
    assert.equal(diagnosis.meaning, 'net-dns');
    const r = await runProbe(popup, 'check-dns');
    assert.equal(r.verdict, 'nxdomain');
    assert.match(r.text, /nx\.test does not exist in public DNS \(NXDOMAIN\)/);
    await closeAll(popup, page);
  });

  it('check-dns: SERVFAIL, no address, and a malformed answer', async () => {
    for (const [host, verdict, re] of /** @type {const} */ ([
      ['servfail.test', 'servfail', /Public DNS cannot resolve servfail\.test \(SERVFAIL\)/],
      ['noaddr.test', 'no-address', /noaddr\.test exists but has no address/],
      ['malformed.test', 'failed:malformed', /The check itself failed: the service’s answer was not understood/],
    ])) {
      const { page, popup } = await errorTab(`http://${host}:${sites.port}/511`);
      const r = await runProbe(popup, 'check-dns');
      assert.equal(r.verdict, verdict, host);
      assert.match(r.text, re);
      await closeAll(popup, page);
    }
  });

  it('a slow endpoint ends in a clear timeout message', async () => {
    await setProbeSettings({ timeoutMs: 2000 });
    const { page, popup } = await errorTab(`http://slow.test:${sites.port}/511`);
    // The stand-in never answers slow.test: only the client's own timeout can end this.
    const r = await runProbe(popup, 'check-dns');
    assert.equal(r.verdict, 'failed:timeout');
    assert.match(r.text, /Could not reach 127\.0\.0\.1:\d+ from your network \(no answer within 2 s\)/);
    await setProbeSettings({ timeoutMs: 8000 });
    await closeAll(popup, page);
  });

  it('check-dns against an AliDNS-shaped resolver (Question an object, type by name)', async () => {
    await setProbeSettings({ resolver: `${probeSrv.base}/resolve` });
    for (const [host, verdict] of /** @type {const} */ ([['same.test', 'same'], ['moved.test', 'different'], ['nx.test', 'nxdomain']])) {
      const { page, popup } = await errorTab(host === 'nx.test' ? 'http://nx.test/' : `http://${host}:${sites.port}/511`);
      const r = await runProbe(popup, 'check-dns');
      assert.equal(r.verdict, verdict, host);
      assert.ok(probeSrv.log().some((l) => l.path === `/resolve?name=${host}&type=A`), `${host} asked in AliDNS's form`);
      await closeAll(popup, page);
    }
    await setProbeSettings({ resolver: local().resolver });
  });

  it('an unreachable resolver: "could not reach" it, the other region\'s resolver offered, no verdict about the site', async () => {
    const port = await closedPort();
    await setProbeSettings({ resolver: `http://127.0.0.1:${port}/resolve` });
    // A public-looking name: a local or reserved one (.test) is never sent to an outside resolver.
    const { page, popup } = await errorTab(`http://same.example.com:${sites.port}/511`);
    const r = await runProbe(popup, 'check-dns');
    assert.equal(r.verdict, 'failed:network');
    assert.match(r.text, new RegExp(`Could not reach 127\\.0\\.0\\.1:${port} from your network`));
    assert.match(r.text, /not about the site/);
    assert.equal(await popup.locator('#probe-check-dns .probe-verdict').count(), 0, 'no verdict about the site');
    // The alternative (here the mainland default: the test browser's zone is not in mainland China) is one click away.
    const alt = popup.locator('#probe-check-dns .probe-alt');
    assert.equal(await alt.getAttribute('data-alt'), 'dns.alidns.com');
    const before = proxy.fromExtension().length;
    await alt.click();
    await waitFor(async () => (await popup.textContent('#probe-check-dns .probe-result') ?? '').includes('dns.alidns.com from your network'), 'the alternative was tried');
    assert.deepEqual(proxy.fromExtension().slice(before), ['CONNECT dns.alidns.com:443'], 'the click, and only it, asked AliDNS');
    assert.equal(await popup.locator('#probe-check-dns .probe-alt').count(), 0, 'no alternative of the alternative');
    await setProbeSettings({ resolver: local().resolver });
    await closeAll(popup, page);
  });

  it('region: the mainland China defaults from the options, the down-for-everyone link follows', async () => {
    await setProbeSettings({ resolver: '', connectivityUrl: '', downLink: '' });
    const opt = await s.context.newPage();
    await opt.goto(`chrome-extension://${s.extId}/options.html`);
    await opt.waitForSelector('#probe-options[data-ready="true"]');
    assert.match(await opt.textContent('#region-auto') ?? '', /Automatic \(now: Global\)/);
    assert.equal(await opt.inputValue('#resolverUrl'), 'https://cloudflare-dns.com/dns-query');
    await opt.selectOption('#region', 'cn');
    await waitFor(async () => (await opt.inputValue('#resolverUrl')) === 'https://dns.alidns.com/resolve', 'AliDNS shown');
    assert.equal(await opt.inputValue('#connectivityUrl'), 'http://www.msftconnecttest.com/connecttest.txt');
    assert.equal(await opt.inputValue('#downLink'), 'https://www.itdog.cn/http/{host}');
    const w = await worker(s);
    const stored = await w.evaluate(() => chrome.storage.local.get(['probe.region', 'probe.resolver']));
    assert.deepEqual(stored, { 'probe.region': 'cn', 'probe.resolver': '' }, 'the region is stored; the endpoint follows it');
    await opt.close();
    const { page, popup } = await errorTab(`http://quiet.example.com:${sites.port}/502`);
    await waitFor(() => popup.$eval('#dfeojm-link', (e) => e.getAttribute('href')).catch(() => null), 'down link');
    assert.equal(await popup.$eval('#dfeojm-link', (e) => e.getAttribute('href')), 'https://www.itdog.cn/http/quiet.example.com');
    assert.match(await popup.textContent('[data-contacts="check-down"]') ?? '', /www\.msftconnecttest\.com/);
    await setProbeSettings({ ...local(), region: 'auto', downLink: '' });
    await closeAll(popup, page);
  });

  it('provider-status: the CDN\'s incident with its latest update and link', async () => {
    await setProbeSettings({ statuspageBase: `${probeSrv.base}/status/incident` });
    const { page, popup, diagnosis } = await errorTab(`http://cf.test:${replay.port}/fx/cloudflare/host-error-502`);
    assert.equal(diagnosis.provider, 'cloudflare');
    const r = await runProbe(popup, 'provider-status');
    assert.equal(r.verdict, 'major');
    assert.match(r.text, /Major outage/);
    assert.match(r.text, /Elevated 502 errors in Frankfurt/);
    assert.match(r.text, /a fix is being deployed/);
    assert.equal(await popup.$eval('#probe-provider-status .incident a', (e) => e.getAttribute('href')), 'https://stspg.io/local1');
    await runProbe(popup, 'archived-copy');
    await popup.screenshot({ path: join(SHOTS, 'popup-en-probes.png'), fullPage: true });
    // Hostile answer: an HTML page instead of JSON.
    await setProbeSettings({ statuspageBase: `${probeSrv.base}/status/malformed` });
    const bad = await runProbe(popup, 'provider-status');
    assert.equal(bad.verdict, 'failed:malformed');
    assert.match(bad.text, /The check itself failed: the service’s answer was not understood/);
    for (const [kind, verdict, re] of /** @type {const} */ ([
      ['ok', 'none', /No incident reported — Local CDN: All Systems Operational.*No unresolved incidents/],
      ['maintenance', 'maintenance', /Maintenance under way/],
      ['huge', 'failed:too-large', /The check itself failed: the answer was too large/],
      ['error', 'failed:http', /The check itself failed: HTTP 503/],
    ])) {
      await setProbeSettings({ statuspageBase: `${probeSrv.base}/status/${kind}` });
      const x = await runProbe(popup, 'provider-status');
      assert.equal(x.verdict, verdict, kind);
      assert.match(x.text, re);
    }
    // Hostile text from the status page stays text; its javascript: links never become links.
    await setProbeSettings({ statuspageBase: `http://127.0.0.1:${sites.port}/hostile` });
    const h = await runProbe(popup, 'provider-status');
    assert.equal(h.verdict, 'critical');
    assert.match(h.text, /<img src=x onerror="window.__pwned=1">Outage/);
    assert.match(h.text, /<script>window.__pwned=1<\/script> update/);
    const sneaky = await popup.$$eval('#probe-provider-status img, #probe-provider-status script, #probe-provider-status b, #probe-provider-status a[href^="javascript:"]', (l) => l.length);
    assert.equal(sneaky, 0, 'no element made from remote text');
    assert.equal(await popup.evaluate(() => /** @type {any} */ (globalThis).__pwned ?? null), null);
    // Accessible with results on screen.
    await runProbe(popup, 'check-down');
    assert.deepEqual(await axeViolations(popup), [], 'popup with probe results');
    await setProbeSettings({ statuspageBase: '' });
    await closeAll(popup, page);
  });

  it('archived-copy: a snapshot with an open button, or plainly none', async () => {
    const url = `http://arch.test:${sites.port}/502`;
    const { page, popup } = await errorTab(url);
    const r = await runProbe(popup, 'archived-copy');
    assert.equal(r.verdict, 'found');
    assert.match(r.text, /The Wayback Machine has a copy from 2026-01-01 12:00 UTC \(\d+ (months?|years?) ago\)/);
    const href = await popup.$eval('#archive-open', (e) => e.getAttribute('href'));
    assert.equal(href, `${probeSrv.base}/web/20260101120000/${url}`);
    assert.ok(probeSrv.log().some((l) => l.path === `/wayback/available?url=${encodeURIComponent(url)}`));
    await closeAll(popup, page);

    const none = await errorTab(`http://arch.test:${sites.port}/none/502`);
    const n = await runProbe(none.popup, 'archived-copy');
    assert.equal(n.verdict, 'none');
    assert.match(n.text, /No copy of this page found in the Wayback Machine/);
    await closeAll(none.popup, none.page);

    const bad = await errorTab(`http://arch.test:${sites.port}/malformed/502`);
    const b = await runProbe(bad.popup, 'archived-copy');
    assert.equal(b.verdict, 'failed:malformed');
    await closeAll(bad.popup, bad.page);
  });

  it('results in Simplified Chinese when the language option says so', async () => {
    const w = await worker(s);
    await w.evaluate(() => chrome.storage.sync.set({ lang: 'zh-CN' }));
    const { page, popup } = await errorTab(`http://zh.test:${sites.port}/502`);
    assert.match(await waitFor(() => popup.$eval('[data-contacts="archived-copy"]', (e) => e.textContent), 'note'), /会访问 127\.0\.0\.1:\d+——仅在你点击时/);
    const r = await runProbe(popup, 'archived-copy');
    assert.equal(r.verdict, 'found');
    assert.match(r.text, /Wayback Machine 有一份 2026-01-01 12:00 的存档/);
    const d = await runProbe(popup, 'check-down');
    assert.match(d.text, /网站仍返回 502/);
    await w.evaluate(() => chrome.storage.sync.set({ lang: 'auto' }));
    await closeAll(popup, page);
  });

  it('the automatic check (off by default) runs check-down by itself once turned on', async () => {
    await setProbeSettings({ autoCheck: true });
    const url = `http://auto.test:${sites.port}/held/502`;
    const page = await s.context.newPage();
    await visit(page, url);
    const tabId = await tabIdOf(s, page);
    await waitDiagnosed(s, tabId, url);
    // The check's first request is held at the site: the popup is open while the check runs.
    await waitFor(async () => sites.heldCount() === 1, 'the automatic check reached the site', 15000);
    const popup = await s.context.newPage();
    await popup.goto(`chrome-extension://${s.extId}/popup.html?tab=${tabId}`);
    await popup.waitForSelector('[data-probe-run="check-down"]');
    assert.equal(await popup.locator('#probe-check-down .probe-result').count(), 0, 'no result yet');
    // Let it finish (each of the three attempts is held in turn); the result appears in the open popup.
    const releaser = setInterval(() => sites.release(), 50);
    try {
      await popup.waitForSelector('#probe-check-down .probe-result[data-verdict="still-failing"]', { timeout: 15000 });
    } finally {
      clearInterval(releaser);
    }
    assert.equal(sites.probes('auto.test').length, 3, 'one automatic check, no click');
    assert.match(await popup.$eval('#probe-check-down', (e) => e.textContent ?? ''), /Checked automatically/);
    assert.match(await popup.$eval('[data-contacts="check-down"]', (e) => e.textContent ?? ''), /by itself after an error/);
    await setProbeSettings({ autoCheck: false });
    await closeAll(popup, page);
  });

  it('the only request that ever tried to leave was the clicked one', () => {
    assert.deepEqual(proxy.fromExtension(), ['CONNECT archive.org:443', 'CONNECT dns.alidns.com:443']);
    assert.ok(proxy.seen.every((x) => x === 'CONNECT archive.org:443' || x === 'CONNECT dns.alidns.com:443' || CHROMIUM_OWN.test(x)));
  });
});
