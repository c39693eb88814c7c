/**
 * Launches Debian's Chromium with the built extension (dist/chrome) in a fresh persistent profile
 * and gives the tests handles on it: the context, the extension's service worker and its id,
 * plus helpers that read what a person would see (badge text, popup page).
 */
import { chromium } from 'playwright-core';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const EXT_DIR = join(ROOT, 'dist', 'chrome');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * dist/chrome as it runs once the user has turned on "read response headers": the same files,
 * with webRequest moved from optional to required in the manifest, because granting an optional
 * permission needs a browser prompt that a headless test cannot answer.
 */
export const EXT_DIR_HEADERS = join(ROOT, 'target', 'ext-chrome-headers');

/** (Re)creates EXT_DIR_HEADERS from dist/chrome; returns its path. */
export function headersBuild() {
  rmSync(EXT_DIR_HEADERS, { recursive: true, force: true });
  cpSync(EXT_DIR, EXT_DIR_HEADERS, { recursive: true });
  const file = join(EXT_DIR_HEADERS, 'manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8'));
  m.permissions = ['webRequest', ...m.permissions];
  m.optional_permissions = (m.optional_permissions ?? []).filter((/** @type {string} */ p) => p !== 'webRequest');
  writeFileSync(file, JSON.stringify(m, null, 2));
  return EXT_DIR_HEADERS;
}
/**
 * Where the tests save popup screenshots: target/screenshots, so a test run leaves the tree
 * clean. `GD_SCREENSHOTS=docs/screenshots bash tests/steps/20-e2e.sh` (and 25-probes-e2e.sh)
 * refreshes the README's copies.
 */
export const SHOTS = resolve(ROOT, process.env.GD_SCREENSHOTS ?? 'target/screenshots');

/**
 * @typedef {import('playwright-core').BrowserContext} BrowserContext
 * @typedef {import('playwright-core').Worker} Worker
 * @typedef {import('playwright-core').Page} Page
 * @typedef {{context: BrowserContext, sw: Worker, extId: string, control: Page, close: () => Promise<void>, welcome?: Page}} Session
 *   `control` is an extension page (options.html) the helpers use to read extension state
 *   (badge, storage.session, alarms, notifications, tabs) without going through the service
 *   worker, so reads keep working when Chromium stops and restarts the worker (Playwright loses
 *   track of a restarted worker). `welcome`: the first-run page, kept open only when launch() was
 *   asked to (`keepWelcome`).
 */

/**
 * Chromium flags every test and benchmark browser uses, with or without the extension. The
 * background-networking flags keep Chromium's own traffic off this closed network.
 */
export const BASE_FLAGS = Object.freeze([
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Keep every navigation on 127.0.0.1 and the fake names we resolve ourselves.
  // No lookups leave the machine: *.test names go to 127.0.0.1, *.invalid fail like a real NXDOMAIN;
  // public-looking names (a reserved name is never sent to outside services) likewise:
  // *.example.com to 127.0.0.1, *.example.net NXDOMAIN.
  '--host-resolver-rules=MAP *.test 127.0.0.1, MAP *.invalid ~NOTFOUND, MAP *.example.com 127.0.0.1, MAP *.example.net ~NOTFOUND',
]);

/**
 * The one place Chromium is started, for every test and benchmark: Debian's Chromium on a
 * profile directory, with BASE_FLAGS, the given unpacked extensions (none: a plain browser) and
 * any extra flags (a later flag of the same name wins over BASE_FLAGS').
 * @param {string} profile
 * @param {{extensions?: string[], lang?: string, extraArgs?: string[], viewport?: {width: number, height: number}}} [opts]
 * @returns {Promise<BrowserContext>}
 */
export function launchChromium(profile, opts = {}) {
  const exts = (opts.extensions ?? []).join(',');
  const args = [
    ...BASE_FLAGS,
    ...(exts ? [`--load-extension=${exts}`, `--disable-extensions-except=${exts}`] : []),
    ...(opts.lang ? [`--lang=${opts.lang}`] : []),
    ...(opts.extraArgs ?? []),
  ];
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    // Headless through BASE_FLAGS' --headless=new (extensions need the new headless mode).
    headless: false,
    args,
    // On Linux Chromium takes its UI language (chrome.i18n) from the environment; --lang alone is ignored.
    ...(opts.lang ? { locale: opts.lang, env: { ...process.env, LANGUAGE: opts.lang.replace('-', '_'), LC_ALL: '' } } : {}),
    ...(opts.viewport ? { viewport: opts.viewport } : {}),
  });
}

/**
 * The first-run page the extension opens when it is installed: every fresh profile is an install.
 * Waits for it (it opens once the worker has run its onInstalled listener).
 * @param {BrowserContext} context
 * @param {string} extId
 * @param {number} [timeout]
 * @returns {Promise<Page>}
 */
export function welcomePage(context, extId, timeout = 15000) {
  const url = `chrome-extension://${extId}/welcome.html`;
  return waitFor(async () => context.pages().find((p) => p.url() === url), 'the first-run page', timeout);
}

/**
 * @param {{lang?: string, extraArgs?: string[], headers?: boolean, ext?: string, more?: string[], keepWelcome?: boolean}} [opts] `headers`: load
 *   EXT_DIR_HEADERS (webRequest granted) instead of dist/chrome as shipped (status only); `ext`:
 *   another copy of dist/chrome (a benchmark's, with a page added); `more`: other unpacked
 *   extensions loaded beside it (one without a service worker, so ours is the one found);
 *   `keepWelcome`: leave the first-run page open (as `welcome`) instead of closing it, which every
 *   other test wants, so that tab counts and "the last page" are the test's own
 * @returns {Promise<Session>}
 */
export async function launch(opts = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'gd-e2e-'));
  const ext = opts.ext ?? (opts.headers ? headersBuild() : EXT_DIR);
  const context = await launchChromium(profile, {
    extensions: [ext, ...(opts.more ?? [])],
    ...(opts.lang ? { lang: opts.lang } : {}),
    ...(opts.extraArgs ? { extraArgs: opts.extraArgs } : {}),
    viewport: { width: 900, height: 700 },
  });
  let sw = context.serviceWorkers()[0];
  if (!sw) sw = await context.waitForEvent('serviceworker', { timeout: 15000 });
  const extId = new URL(sw.url()).host;
  // The worker exists before its module has run: wait until its listeners are registered, or a
  // navigation right after launch could go unnoticed (a test artefact, not a user-visible race).
  const w = sw;
  await waitFor(() => w.evaluate(() => (!chrome.webRequest || chrome.webRequest.onHeadersReceived.hasListeners()) && chrome.webNavigation.onCommitted.hasListeners()),
    'extension listeners registered', 15000);
  // The first-run page (opened on install): closed here unless the test is about it. A build
  // without one (an older dist) has nothing to wait for. Closed before the control page opens:
  // in the other order the zh-HK test's worker answered in English (tests/e2e/zh-tw.test.mjs, 4
  // of 4 runs), as if the UI language it sees followed Playwright's locale emulation of the
  // extension's pages (a guess, not checked further).
  const welcome = existsSync(join(ext, 'welcome.html')) ? await welcomePage(context, extId) : undefined;
  if (welcome && !opts.keepWelcome) await welcome.close();
  const control = await context.newPage();
  await control.goto(`chrome-extension://${extId}/options.html`);
  return {
    context,
    sw,
    extId,
    control,
    ...(welcome && opts.keepWelcome ? { welcome } : {}),
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The service worker as Playwright knows it. Only valid until the worker is stopped (see
 * stopWorker): Playwright does not follow a restarted worker, so use `s.control` for reads.
 * @param {Session} s
 * @returns {Promise<Worker>}
 */
export async function worker(s) {
  const live = s.context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${s.extId}/`));
  if (live) return live;
  return s.context.waitForEvent('serviceworker', { timeout: 15000 });
}

/**
 * The tab id of a page, asked of the extension (matching by URL is not enough: two tabs may share one).
 * @param {Session} s
 * @param {Page} page
 * @returns {Promise<number>}
 */
export async function tabIdOf(s, page) {
  const url = page.url();
  const ids = await s.control.evaluate(async (u) => (await chrome.tabs.query({})).filter((t) => t.url === u || t.pendingUrl === u).map((t) => t.id), url);
  if (ids.length === 1 && typeof ids[0] === 'number') return ids[0];
  // Ambiguous: make the page active and take the active tab.
  await page.bringToFront();
  const id = await s.control.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id);
  if (typeof id !== 'number') throw new Error(`no tab id for ${url}`);
  return id;
}

/**
 * Badge text the user sees on a tab.
 * @param {Session} s
 * @param {number} tabId
 */
export async function badgeText(s, tabId) {
  return s.control.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
}

/**
 * Badge background colour on a tab, as #rrggbb.
 * @param {Session} s
 * @param {number} tabId
 */
export async function badgeColor(s, tabId) {
  const rgba = await s.control.evaluate((id) => chrome.action.getBadgeBackgroundColor({ tabId: id }), tabId);
  return `#${rgba.slice(0, 3).map((n) => n.toString(16).padStart(2, '0')).join('')}`;
}

/** The longest one look of waitFor may take: every condition it polls is a quick read. */
const ATTEMPT_MS = 5000;

/**
 * `fn()`, or a rejection after `ms` (the late answer, if any, is dropped).
 * @template T
 * @param {() => Promise<T>} fn
 * @param {number} ms
 * @returns {Promise<T>}
 */
function attempt(fn, ms) {
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  let timer;
  const call = Promise.resolve().then(fn);
  call.catch(() => {});
  return Promise.race([
    call,
    new Promise((_r, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Waits until a condition holds, polling; throws with `what` after `timeout` ms.
 * @template T
 * @param {() => Promise<T|false|null|undefined|0|''>} fn returns a truthy value when done
 * @param {string} what
 * @param {number} [timeout]
 * @param {number} [every]
 * @returns {Promise<T>}
 */
export async function waitFor(fn, what, timeout = 10000, every = 50) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      // One look that never answers (an evaluate whose page or worker stalled) counts as a failed
      // look after ATTEMPT_MS, and the next look is a fresh call: a stall fails by name at the
      // deadline instead of holding the test until the runner's timeout.
      last = await attempt(fn, Math.min(ATTEMPT_MS, Math.max(end - Date.now(), every)));
      if (last) return /** @type {T} */ (last);
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/**
 * Waits for a badge text on a tab.
 * @param {Session} s
 * @param {number} tabId
 * @param {(text: string) => boolean} pred
 * @param {string} what
 * @param {number} [timeout]
 */
export async function waitForBadge(s, tabId, pred, what, timeout = 10000) {
  /** @type {{text: string}} */
  const r = await waitFor(async () => {
    const t = await badgeText(s, tabId);
    return pred(t) ? { text: t } : false;
  }, what, timeout);
  return r.text;
}

/**
 * Opens the popup for a tab as a page (popup.html?tab=ID) and waits until it has rendered.
 * @param {Session} s
 * @param {number} tabId
 * @returns {Promise<Page>}
 */
export async function openPopup(s, tabId) {
  const page = await s.context.newPage();
  await page.setViewportSize({ width: 400, height: 600 });
  await page.goto(`chrome-extension://${s.extId}/popup.html?tab=${tabId}`);
  await page.waitForSelector('main#app[aria-busy="false"] #verdict', { timeout: 10000 });
  return page;
}

/**
 * Waits until the extension has finished with a tab's error page (page read and diagnosed) and
 * returns its stored diagnosis.
 * @param {Session} s
 * @param {number} tabId
 * @param {string} [url] the page the diagnosis must be for
 * @param {number} [notAt] skip the diagnosis stamped with this `at` (an older one: the worker's
 *   clock is not node's, so compare stamps, not times)
 * @returns {Promise<any>}
 */
export async function waitDiagnosed(s, tabId, url, notAt = -1) {
  return waitFor(async () => {
    const st = await s.control.evaluate(async (id) => (await chrome.storage.session.get(`tab:${id}`))[`tab:${id}`] ?? null, tabId);
    if (!st || (url && st.url !== url) || st.at === notAt) return false;
    return st.done ? st.diagnosis : false;
  }, `diagnosis of tab ${tabId}`);
}

/**
 * Goes to a URL in a page, ignoring the navigation error Playwright throws for network errors.
 * @param {Page} page
 * @param {string} url
 */
export async function visit(page, url) {
  try {
    await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  } catch (e) {
    if (!/net::ERR_/.test(String(e))) throw e;
  }
}

/**
 * Counts chrome.scripting.executeScript calls per tab from now on (by wrapping the API inside the
 * service worker). Returns a reader; the reader throws if the worker restarted (wrapper lost), so
 * a restart can never pass for "no script ran".
 * @param {Session} s
 */
export async function countScripts(s) {
  const w = await worker(s);
  await w.evaluate(() => {
    const g = /** @type {any} */ (globalThis);
    if (!g.__gdCalls) {
      g.__gdCalls = [];
      const orig = chrome.scripting.executeScript.bind(chrome.scripting);
      /** @param {any} o */
      const wrapped = (o) => {
        g.__gdCalls.push(o.target.tabId);
        return orig(o);
      };
      Object.defineProperty(chrome.scripting, 'executeScript', { value: wrapped, configurable: true, writable: true });
    }
  });
  /** @param {number} tabId */
  return async (tabId) => {
    const w2 = await worker(s);
    // A stopped worker's stale handle never answers: give up rather than hang.
    const calls = await Promise.race([
      w2.evaluate(() => /** @type {any} */ (globalThis).__gdCalls ?? null),
      new Promise((resolve) => setTimeout(() => resolve(null), 5000)),
    ]);
    if (!calls) throw new Error('service worker restarted: script counter lost');
    return /** @type {number[]} */ (calls).filter((t) => t === tabId).length;
  };
}

/**
 * Stops the extension's service worker, as Chromium does when it idles (DevTools protocol
 * ServiceWorker.stopAllWorkers through a page), and waits until DevTools reports it stopped.
 * Afterwards `worker(s)` is stale: read state through `s.control`.
 * @param {Session} s
 */
export async function stopWorker(s) {
  const page = await s.context.newPage();
  try {
    const cdp = await s.context.newCDPSession(page);
    const prefix = `chrome-extension://${s.extId}/`;
    /** @type {Promise<void>} */
    const stopped = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('worker did not stop')), 10000);
      cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
        if (e.versions.some((v) => v.scriptURL.startsWith(prefix) && v.runningStatus === 'stopped')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await stopped;
    await cdp.detach();
  } finally {
    await page.close();
  }
}

/**
 * Opens a URL in a new tab of session `s`, waits for the badge and the full diagnosis.
 * @param {Session} s
 * @param {string} url
 * @param {(t: string) => boolean} badgeOk
 */
export async function loadError(s, url, badgeOk) {
  const page = await s.context.newPage();
  await visit(page, url);
  const tabId = await tabIdOf(s, page);
  const badge = await waitForBadge(s, tabId, badgeOk, `badge on ${url}`);
  const diagnosis = await waitDiagnosed(s, tabId);
  return { page, tabId, badge, diagnosis };
}

/**
 * Rewrites the tab's stored record (a new stamp, nothing else), which re-renders an open popup
 * as a reload or a retry tick does; waits until it has (the old #verdict, marked, is gone).
 * @param {Session} s
 * @param {Page} popup
 * @param {number} tabId
 */
export async function rerender(s, popup, tabId) {
  await popup.evaluate(() => document.getElementById('verdict')?.setAttribute('data-before', ''));
  await s.control.evaluate(async (id) => {
    const key = `tab:${id}`;
    const rec = (await chrome.storage.session.get(key))[key];
    await chrome.storage.session.set({ [key]: { ...rec, at: rec.at + 1 } });
  }, tabId);
  await waitFor(async () => popup.evaluate(() => !!document.querySelector('#verdict:not([data-before])')), 'popup re-rendered');
}
