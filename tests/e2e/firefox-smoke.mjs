/**
 * Firefox smoke test: Debian's firefox-esr, headless, with dist/firefox installed as a temporary
 * add-on over WebDriver BiDi (Firefox's built-in remote agent; no geckodriver), opens a real nginx
 * 502 on 127.0.0.1 and checks what a person would see: the toolbar badge on that tab, and the
 * popup (popup.html?tab=<id>) naming nginx and the fault.
 *
 * Run: `node --experimental-websocket tests/e2e/firefox-smoke.mjs` (tests/steps/22-firefox.sh).
 * Node 20 has WebSocket only behind that flag; the BiDi client below is the few calls we need.
 *
 * Why --remote-allow-system-access: BiDi refuses to navigate a tab to moz-extension:// URLs, so
 * one privileged call in the browser window opens our options page in a tab (the "control"
 * page, like the Chromium tests'); everything after that runs in the extension's own pages with
 * the extension's own APIs. The extension's UUID is pinned in the profile so its URLs are known.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import * as srv from '../servers/servers.mjs';
import { startReplay } from './replay.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const EXT_DIR = join(ROOT, 'dist', 'firefox');
const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';
const EXT_ID = 'gateway-doctor@example.org';
const EXT_UUID = '6f1d2c3b-0a4e-4b5f-9c8d-7e6f5a4b3c2d';
const EXT_BASE = `moz-extension://${EXT_UUID}/`;

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `fn` until it returns something truthy, at most `ms`.
 * @template T
 * @param {() => Promise<T>} fn
 * @param {string} what for the timeout message
 * @param {number} [ms]
 * @returns {Promise<NonNullable<T>>}
 */
async function waitFor(fn, what, ms = 15000) {
  const end = Date.now() + ms;
  /** @type {unknown} */
  let last = null;
  for (;;) {
    try {
      const v = await fn();
      if (v) return /** @type {NonNullable<T>} */ (v);
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(150);
  }
}

/**
 * Prefs for a quiet, local-only test profile. The remote agent sets its own recommended prefs too;
 * these cover start-up fetches it does not, and send any stray non-loopback request to a closed
 * port (loopback is never proxied), so nothing leaves the machine.
 * @param {number} deadPort
 */
function userJs(deadPort) {
  /** @type {Record<string, string|number|boolean>} */
  const prefs = {
    'extensions.webextensions.uuids': JSON.stringify({ [EXT_ID]: EXT_UUID }),
    'browser.shell.checkDefaultBrowser': false,
    'browser.startup.page': 0,
    'browser.newtabpage.enabled': false,
    'browser.aboutwelcome.enabled': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'datareporting.healthreport.uploadEnabled': false,
    'toolkit.telemetry.enabled': false,
    'app.update.disabledForTesting': true,
    'app.normandy.enabled': false,
    'messaging-system.rsexperimentloader.enabled': false,
    'services.settings.server': 'data:,#remote-settings-dummy/v1',
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'browser.safebrowsing.downloads.enabled': false,
    'extensions.update.enabled': false,
    'extensions.getAddons.cache.enabled': false,
    'extensions.blocklist.enabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'network.trr.mode': 5,
    'network.dns.disablePrefetch': true,
    'network.prefetch-next': false,
    'network.http.speculative-parallel-limit': 0,
    // Extension and page console output on stdout: the log shown when a wait times out.
    'devtools.console.stdout.chrome': true,
    'devtools.console.stdout.content': true,
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': deadPort,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': deadPort,
    'network.proxy.allow_hijacking_localhost': false,
  };
  return Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join('');
}

/**
 * Headless Firefox with a fresh profile and its BiDi server on a port it picks itself.
 * @returns {Promise<{port: number, log: () => string, stop: () => Promise<void>}>}
 */
async function launchFirefox() {
  const profile = mkdtempSync(join(tmpdir(), 'gd-firefox-'));
  writeFileSync(join(profile, 'user.js'), userJs(await srv.closedPort()));
  const child = spawn(FIREFOX, [
    '--headless', '--no-remote', '--profile', profile,
    '--remote-debugging-port', '0', '--remote-allow-system-access', 'about:blank',
  ], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' } });
  let out = '';
  child.stdout.on('data', (b) => { out += b; });
  child.stderr.on('data', (b) => { out += b; });
  const exited = new Promise((r) => child.once('exit', r));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Firefox's content processes share its process group (detached above).
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      const t = await Promise.race([exited.then(() => 'exited'), sleep(5000)]);
      if (t !== 'exited') try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      await Promise.race([exited, sleep(2000)]);
    }
    rmSync(profile, { recursive: true, force: true });
  };
  process.once('exit', () => {
    if (!stopped && child.pid) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    rmSync(profile, { recursive: true, force: true });
  });
  try {
    const port = await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`firefox exited with ${child.exitCode}`);
      const m = /WebDriver BiDi listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      return m ? Number(m[1]) : 0;
    }, 'the BiDi server to listen', 30000);
    return { port, log: () => out, stop };
  } catch (e) {
    await stop();
    throw new Error(`${e instanceof Error ? e.message : e}\n--- firefox output ---\n${out.slice(-4000)}`);
  }
}

/**
 * A minimal WebDriver BiDi client: commands with a per-command time limit; events are ignored.
 * @param {number} port
 */
async function bidi(port) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/session`);
  let next = 0;
  /** @type {Map<number, {resolve: (v: any) => void, reject: (e: Error) => void}>} */
  const waiting = new Map();
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(String(e.data));
    const w = typeof m.id === 'number' ? waiting.get(m.id) : undefined;
    if (!w) return;
    waiting.delete(m.id);
    if (m.type === 'success') w.resolve(m.result);
    else w.reject(new Error(`${m.error}: ${m.message}`));
  });
  ws.addEventListener('close', () => {
    for (const w of waiting.values()) w.reject(new Error('BiDi connection closed'));
    waiting.clear();
  });
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', () => reject(new Error('BiDi connection failed')), { once: true });
  });
  /**
   * @param {string} method
   * @param {Record<string, unknown>} params
   * @param {number} [ms]
   * @returns {Promise<any>}
   */
  const send = (method, params, ms = 20000) => new Promise((resolve, reject) => {
    const id = ++next;
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error(`BiDi ${method} timed out after ${ms} ms`));
    }, ms);
    waiting.set(id, {
      resolve: (v) => { clearTimeout(timer); resolve(v); },
      reject: (e) => { clearTimeout(timer); reject(e); },
    });
    ws.send(JSON.stringify({ id, method, params }));
  });
  /**
   * Runs `fn(...args)` in a browsing context and returns its (awaited) result. Arguments and
   * the result cross as JSON strings, so any JSON value works without BiDi's value encoding.
   * @param {string} context
   * @param {(...a: any[]) => any} fn
   * @param {unknown[]} [args]
   */
  const call = async (context, fn, args = []) => {
    const r = await send('script.callFunction', {
      functionDeclaration: `async (json) => JSON.stringify(await (${fn.toString()})(...JSON.parse(json)) ?? null)`,
      arguments: [{ type: 'string', value: JSON.stringify(args) }],
      target: { context },
      awaitPromise: true,
    });
    if (r.type === 'exception') throw new Error(`in page: ${r.exceptionDetails?.text ?? 'exception'}`);
    return JSON.parse(r.result.value);
  };
  /** Top-level content tabs: [{context, url}]. */
  const tabs = async () => /** @type {{context: string, url: string}[]} */ ((await send('browsingContext.getTree', { maxDepth: 0 })).contexts);
  return { send, call, tabs, close: () => ws.close() };
}

describe('Firefox (firefox-esr, headless): dist/firefox on a real nginx 502', { timeout: 120000 }, () => {
  /** @type {Awaited<ReturnType<typeof launchFirefox>>} */
  let ff;
  /** @type {Awaited<ReturnType<typeof bidi>>} */
  let b;
  /** @type {Awaited<ReturnType<typeof srv.startNginxSwitchable>>|null} nginx with its upstream down: a real 502 */
  let nginx = null;
  /** @type {string} the BiDi context of the tab that visits nginx */
  let page = '';
  /** @type {number} the same tab's id in the extension's tabs API */
  let tabId = -1;
  /** @type {string} the options page in a tab, where the extension's APIs are called */
  let control = '';

  before(async () => {
    assert.ok(existsSync(join(EXT_DIR, 'manifest.json')), 'dist/firefox built (./build.sh)');
    ff = await launchFirefox();
    b = await bidi(ff.port);
    const session = await b.send('session.new', { capabilities: { alwaysMatch: { acceptInsecureCerts: false } } });
    assert.match(session.capabilities.browserName, /firefox/);
    console.log(`# ${session.capabilities.browserName} ${session.capabilities.browserVersion}`);
    const installed = await b.send('webExtension.install', { extensionData: { type: 'path', path: EXT_DIR } });
    assert.equal(installed.extension, EXT_ID);

    // The one privileged step: open our own options page in a tab (BiDi cannot navigate to it).
    const chromeWin = (await b.send('browsingContext.getTree', { 'moz:scope': 'chrome', maxDepth: 0 })).contexts[0].context;
    await b.call(chromeWin, (url) => {
      const w = /** @type {any} */ (globalThis);
      w.gBrowser.addTab(url, { triggeringPrincipal: w.Services.scriptSecurityManager.getSystemPrincipal() });
    }, [`${EXT_BASE}options.html`]);
    control = (await waitFor(async () => (await b.tabs()).find((t) => t.url === `${EXT_BASE}options.html`), 'the control tab')).context;
    // The background script is up with its listeners once it answers a message (they are all
    // registered in the same synchronous module body as the message listener).
    await waitFor(() => b.call(control, async () => {
      const me = await chrome.tabs.getCurrent();
      const r = await chrome.runtime.sendMessage({ type: 'get-state', tabId: me?.id ?? 0 });
      return r && r.ok === true;
    }), 'the background script to answer', 20000);
  });

  after(async () => {
    try { b?.close(); } catch { /* closed */ }
    await ff?.stop();
    await nginx?.stop();
  });

  /** @param {number} id */
  const badgeOf = (id) => b.call(control, async (i) => chrome.action.getBadgeText({ tabId: i }), [id]);
  /** The popup for the nginx tab, opened as a tab as "Open in a tab" does; its BiDi context once rendered. */
  async function openPopup() {
    const url = `${EXT_BASE}popup.html?tab=${tabId}`;
    await b.call(control, async (u) => { await chrome.tabs.create({ url: u, active: true }); }, [url]);
    const ctx = (await waitFor(async () => (await b.tabs()).find((t) => t.url === url), 'the popup tab')).context;
    await waitFor(() => b.call(ctx, () => !!document.querySelector('main#app[aria-busy="false"] #verdict')), 'the popup to render');
    return ctx;
  }
  /** @param {string} ctx */
  const closeTab = (ctx) => b.send('browsingContext.close', { context: ctx });

  it('nginx 502: badge "502", and the popup names nginx and the fault (origin)', async () => {
    nginx = await srv.startNginxSwitchable();
    const [blank] = (await b.tabs()).filter((t) => t.url === 'about:blank');
    assert.ok(blank, 'the start-up about:blank tab');
    page = blank.context;
    await b.send('browsingContext.navigate', { context: page, url: nginx.url, wait: 'complete' });
    const body = await b.call(page, () => document.body.textContent);
    assert.match(body, /502 Bad Gateway/, 'Firefox shows nginx\'s own 502 page');

    const url = nginx.url;
    tabId = await waitFor(() => b.call(control, async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)?.id ?? null, [url]), 'the nginx tab id');
    /** @type {string[]} */
    const seen = [];
    const badge = await waitFor(() => badgeOf(tabId).then((t) => (seen.push(t), t === '502' ? t : null)), 'badge "502" on the nginx tab', 20000)
      .catch((e) => {
        throw new Error(`${e.message}; badge values seen: ${JSON.stringify([...new Set(seen)])}\n--- firefox output ---\n${ff.log().slice(-4000)}`);
      });
    assert.equal(badge, '502');

    // The background's state for the tab, once it has read the page (the second, refined diagnosis).
    const s = await waitFor(() => b.call(control, async (id) => {
      const r = await chrome.runtime.sendMessage({ type: 'get-state', tabId: id });
      return r?.ok && r.state?.pageRead ? r : null;
    }, [tabId]), 'the diagnosis with the page read', 20000);
    assert.equal(s.diagnosis.provider, 'nginx', JSON.stringify(s.diagnosis.evidence));
    assert.equal(s.diagnosis.fault, 'origin');
    assert.equal(s.diagnosis.status, 502);
    assert.equal(await badgeOf(tabId), '502', 'the refined diagnosis keeps the badge');
    const title = await b.call(control, async (id) => chrome.action.getTitle({ tabId: id }), [tabId]);
    assert.ok(title.includes(s.diagnosis.verdict), `toolbar title carries the verdict: ${title}`);

    const popup = await openPopup();
    const v = await b.call(popup, () => {
      const q = (/** @type {string} */ sel) => document.querySelector(sel);
      return {
        verdict: q('#verdict')?.textContent ?? '',
        status: q('#status-code')?.textContent ?? '',
        provider: q('#provider')?.getAttribute('data-provider') ?? '',
        providerName: q('#provider')?.textContent ?? '',
        fault: q('#summary')?.getAttribute('data-fault') ?? '',
        faultLabel: q('#fault-label')?.textContent ?? '',
        failingHop: q('#fault-path [data-state="fail"]')?.getAttribute('data-hop') ?? null,
        actions: [...document.querySelectorAll('[data-action]')].map((e) => e.getAttribute('data-action')),
      };
    });
    assert.equal(v.status, '502');
    assert.equal(v.provider, 'nginx');
    assert.equal(v.providerName, 'nginx');
    assert.equal(v.fault, 'origin');
    assert.equal(v.faultLabel, "The site's server");
    assert.equal(v.failingHop, 'host');
    assert.equal(v.verdict, s.diagnosis.verdict);
    assert.match(v.verdict, /nginx/, 'the verdict names the server');
    assert.match(v.verdict, /site's side/, 'the verdict says whose side the fault is on');
    for (const a of ['reload', 'hard-reload', 'auto-retry']) assert.ok(v.actions.includes(a), `${a} in ${v.actions}`);
    await closeTab(popup);
  });

  // Firefox can deliver the commit before the response headers: the reload must not be judged by
  // the previous (502) response of the same URL.
  it('the site comes back: a reload clears the badge and the popup says the page loaded fine', async () => {
    assert.ok(nginx && tabId >= 0, 'the 502 test ran first');
    await nginx.upstream.up();
    await b.send('browsingContext.reload', { context: page, wait: 'complete' });
    assert.match(await b.call(page, () => document.title), /Back online/, 'the healthy page is shown');
    // The healthy commit removes the tab's state; a stale 502 diagnosis would rewrite it instead.
    await waitFor(() => b.call(control, async (id) => !(`tab:${id}` in (await chrome.storage.session.get(`tab:${id}`))), [tabId]),
      'the tab state to be cleared');
    assert.equal(await badgeOf(tabId), '', 'no badge on the healthy page');
    const popup = await openPopup();
    assert.equal(await b.call(popup, () => document.querySelector('#healthy #verdict')?.textContent ?? null), 'This page loaded fine');
    await closeTab(popup);
  });

  it('the first-run page opened once on install, webRequest among the permissions granted on install', async () => {
    const url = `${EXT_BASE}welcome.html`;
    const w = (await waitFor(async () => (await b.tabs()).find((t) => t.url === url), 'the first-run page')).context;
    await waitFor(() => b.call(w, () => document.querySelector('main#welcome')?.getAttribute('aria-busy') === 'false'), 'the first-run page to render');
    const listed = await b.call(w, () => [...document.querySelectorAll('#perms-required [data-permission]')].map((e) => e.getAttribute('data-permission')));
    assert.ok(listed.includes('webRequest'), `required here: ${listed}`);
    assert.equal((await b.tabs()).filter((t) => t.url === url).length, 1, 'one first-run page');
  });

  it('never on this site: once the host is listed its 502 gets no badge and no state', async () => {
    assert.ok(nginx && tabId >= 0, 'the 502 test ran first');
    await nginx.upstream.down();
    await b.call(control, async () => { await chrome.storage.local.set({ neverSites: ['127.0.0.1'] }); });
    await b.send('browsingContext.reload', { context: page, wait: 'complete' });
    assert.match(await b.call(page, () => document.body.textContent), /502 Bad Gateway/, 'the 502 is back');
    // Past anything the worker would do after a load (its fallback status read is at 2 s).
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await badgeOf(tabId), '', 'no badge');
    assert.equal(await b.call(control, async (id) => Object.keys(await chrome.storage.session.get(null)).filter((k) => k.endsWith(`:${id}`)).length, [tabId]), 0, 'no state');
    await b.call(control, async () => { await chrome.storage.local.set({ neverSites: [] }); });
  });

  // Issue 13 item 1: webRequest is always held here, so a page's failing API calls set the API
  // badge as they happen, and the popup lists the endpoint with the engine's verdict.
  it('a page that loads while its API answers 502: the API badge, and the popup lists the endpoint', async () => {
    assert.ok(tabId >= 0, 'the 502 test ran first');
    const app = http.createServer((req, res) => {
      if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end("<title>App</title><script>fetch('/api/items?t=1').then(() => { document.title = 'settled'; });</script>");
      else res.writeHead(502, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise((r) => app.listen(0, '127.0.0.1', () => r(undefined)));
    try {
      const base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (app.address()).port}`;
      await b.send('browsingContext.navigate', { context: page, url: `${base}/`, wait: 'complete' });
      await waitFor(async () => (await badgeOf(tabId)) === 'API', 'the API badge', 15000);
      const popup = await openPopup();
      const li = await waitFor(() => b.call(popup, () => {
        const el = document.querySelector('#api-calls[aria-busy="false"] .api-endpoint');
        return el ? { url: el.getAttribute('data-endpoint'), status: el.getAttribute('data-status'), verdict: document.querySelector('#verdict')?.textContent } : null;
      }), 'the failing endpoint in the popup');
      assert.deepEqual(li, { url: `${base}/api/items`, status: '502', verdict: `This site’s API (${new URL(base).host}) is failing with 502; it’s not you.` });
      // Whether this Firefox gives resource timing's responseStatus (the popup's read without webRequest).
      const read = await b.call(control, async (id) => chrome.runtime.sendMessage({ type: 'api-calls', tabId: id, read: false }), [tabId]);
      console.log(`# resource timing responseStatus here: ${read?.supported ? 'yes' : 'no'}`);
      await closeTab(popup);
    } finally {
      app.closeAllConnections();
      app.close();
    }
  });

  // Issue 13 item 2 in Firefox: a firewall's block (replayed Cloudflare 1020) is badged WAF and
  // framed as a block, its id shown to copy.
  it('a firewall block (Cloudflare 1020): badge "WAF", the popup shows the block id', async () => {
    const replay = await startReplay();
    try {
      const url = `${replay.url}/fx/cloudflare/block-1020-403`;
      await b.send('browsingContext.navigate', { context: page, url, wait: 'complete' });
      await waitFor(async () => (await badgeOf(tabId)) === 'WAF', 'badge "WAF" on the block');
      const s = await waitFor(() => b.call(control, async (id) => {
        const r = await chrome.runtime.sendMessage({ type: 'get-state', tabId: id });
        return r?.ok && r.state?.pageRead ? r : null;
      }, [tabId]), 'the block diagnosed with its page read', 20000);
      assert.equal(s.diagnosis.situation, 'firewall-block');
      const popup = await openPopup();
      const v = await b.call(popup, () => ({
        situation: document.querySelector('#summary')?.getAttribute('data-situation') ?? '',
        id: document.querySelector('#block-id-value')?.textContent ?? '',
        copy: !!document.querySelector('#block-id button.copy'),
        triggers: document.querySelectorAll('#block-triggers li').length,
      }));
      assert.deepEqual(v, { situation: 'firewall-block', id: s.diagnosis.ids[0]?.value, copy: true, triggers: 3 });
      await closeTab(popup);
    } finally {
      await replay.stop();
    }
  });
});
