/**
 * The browser platform layer: every call into the WebExtension API (`chrome.*`) in the extension
 * goes through this module, as uBlock Origin keeps all of its vAPI in its platform files. The
 * rest of the shell is plain modules that Node can load and test. Nothing here touches the API
 * until called, so importing this module outside a browser is harmless. Where Chromium and
 * Firefox differ (browsingData's filter, the badge text colour, the browser's own pages) the
 * difference is settled here. eslint.config.js fails on `chrome`/`browser` anywhere else.
 */

/**
 * @typedef {chrome.webNavigation.WebNavigationTransitionCallbackDetails} CommitDetails
 * @typedef {chrome.webNavigation.WebNavigationFramedCallbackDetails} LoadDetails
 * @typedef {chrome.webNavigation.WebNavigationFramedErrorCallbackDetails} NavErrorDetails
 * @typedef {chrome.webRequest.OnHeadersReceivedDetails} HeadersDetails
 * @typedef {chrome.webRequest.OnResponseStartedDetails} ResponseStartedDetails
 * @typedef {chrome.runtime.MessageSender} MessageSender
 * @typedef {chrome.tabs.Tab} Tab
 * @typedef {chrome.storage.StorageChange} StorageChange
 * @typedef {chrome.storage.StorageArea} StorageArea
 * @typedef {chrome.permissions.Permissions} Permissions
 * @typedef {(changes: Record<string, StorageChange>, area: string) => void} StorageListener
 */

import { langOf } from './lang.js';
import { MAX_URL_CHARS, clipUrl } from './url.js';

/**
 * Event details with their address cut to MAX_URL_CHARS on arrival (url.js says why): nothing
 * past this module ever holds a page's megabyte-long address.
 * @template {{url: string}} D
 * @param {D} d
 * @returns {D}
 */
const clipped = (d) => (d.url.length > MAX_URL_CHARS ? { ...d, url: clipUrl(d.url) } : d);

// --- the extension itself ------------------------------------------------------------------------

/**
 * The URL of a file in the extension (`''`: its base, `chrome-extension://<id>/`).
 * @param {string} [path]
 */
export function extensionUrl(path = '') {
  return chrome.runtime.getURL(path);
}

/** @type {boolean|null} */
let firefox = null;
/** Whether this is Firefox (its extension pages are moz-extension: URLs). */
export function isFirefox() {
  return (firefox ??= extensionUrl().startsWith('moz-extension:'));
}

/** The permissions the manifest requires (not the optional ones). */
export function requiredPermissions() {
  return chrome.runtime.getManifest().permissions ?? [];
}

/** The OS name (`win`, `mac`, `linux`, `cros`, `android`, …). */
export async function platformOs() {
  return (await chrome.runtime.getPlatformInfo()).os;
}

/**
 * Calls `fn` when the extension is installed or updated, and when the browser starts with it.
 * @param {() => void} fn
 */
export function onInstalledOrStartup(fn) {
  chrome.runtime.onInstalled.addListener(() => fn());
  chrome.runtime.onStartup.addListener(() => fn());
}

export function openOptionsPage() {
  return chrome.runtime.openOptionsPage();
}

// --- UI text -------------------------------------------------------------------------------------

/**
 * A UI string in the language the browser chose for the extension.
 * @param {string} key
 * @param {string|string[]} [subs]
 */
export function message(key, subs) {
  return chrome.i18n.getMessage(key, subs);
}

/**
 * The language chrome.i18n actually picked for our UI strings: each messages.json names itself in
 * `uiLang`, so the engine's guidance always matches the popup. (getUILanguage() can differ:
 * Chromium without its Chinese UI pack reports en-US while choosing our zh_CN messages.)
 * Hong Kong and Macau browsers are the exception: chrome.i18n finds no zh_HK/zh_MO folder and falls
 * back to English, but their readers read Traditional Chinese, so they get zh-TW (the pages then
 * load the zh_TW messages themselves, see `translator`).
 */
export function uiLocale() {
  const ui = chrome.i18n.getUILanguage();
  if (langOf(ui) === 'zh-TW') return 'zh-TW';
  return chrome.i18n.getMessage('uiLang') || ui;
}

// --- messages between our pages and the worker ---------------------------------------------------

/**
 * Only our own extension pages (popup, options, popup opened as a tab) may ask for anything.
 * @param {MessageSender} sender
 */
export function isOwnPage(sender) {
  return sender.id === chrome.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(extensionUrl());
}

/**
 * Answers messages from our own pages. `answer` returns the reply's promise, or null for a
 * message it does not take (the channel is then closed at once). Replies are `{ok: true, ...}`
 * or `{ok: false, error}`.
 * @param {(msg: unknown) => Promise<Record<string, unknown>>|null} answer
 */
export function onOwnMessage(answer) {
  chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (!isOwnPage(sender)) return false;
    const reply = answer(msg);
    if (!reply) return false;
    reply.then(
      (r) => sendResponse({ ok: true, ...r }),
      (e) => sendResponse({ ok: false, error: String(e && e.message ? e.message : e) }),
    );
    return true;
  });
}

/**
 * The popup's first questions (its tab, that tab's state from the worker, the OS), already asked
 * by platform-popup-head.js before the modules loaded; null on a page without that script.
 * @returns {{tabId: Promise<number|null>, state: Promise<any>, os: Promise<string>}|null}
 */
export function popupHead() {
  return /** @type {any} */ (globalThis).gdPopupHead ?? null;
}

/**
 * Sends a message to the service worker; resolves with its reply.
 * @param {Record<string, unknown>} msg
 * @returns {Promise<any>}
 */
export function sendMessage(msg) {
  return chrome.runtime.sendMessage(msg);
}

// --- storage -------------------------------------------------------------------------------------

/**
 * The storage areas: `session` (per-tab state while the browser runs), `local` (history, probe
 * settings), `sync` (the options).
 */
export const storage = Object.freeze({
  /** @returns {StorageArea} */
  get session() {
    return chrome.storage.session;
  },
  /** @returns {StorageArea} */
  get local() {
    return chrome.storage.local;
  },
  /** @returns {StorageArea} */
  get sync() {
    return chrome.storage.sync;
  },
});

/**
 * Closes `local` (history, probe settings: where probes are sent) and `sync` (the options) to
 * content scripts, which may read and write them by default: a compromised page renderer could
 * otherwise point the probes elsewhere. Chromium takes this for every area; Firefox only for
 * `session` (already closed), and its rejection is the answer. Resolves with the areas closed.
 * @returns {Promise<string[]>}
 */
export async function restrictStorage() {
  /** @type {string[]} */
  const done = [];
  for (const name of /** @type {const} */ (['local', 'sync'])) {
    const area = chrome.storage[name];
    if (typeof area?.setAccessLevel !== 'function') continue;
    try {
      await area.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' });
      done.push(name);
    } catch {
      // Not supported for this area here.
    }
  }
  return done;
}

export const onStorageChanged = (/** @type {StorageListener} */ fn) => chrome.storage.onChanged.addListener(fn);
export const offStorageChanged = (/** @type {StorageListener} */ fn) => chrome.storage.onChanged.removeListener(fn);

// --- tabs ----------------------------------------------------------------------------------------

/**
 * A tab; rejects when it is gone.
 * @param {number} tabId
 * @returns {Promise<Tab>}
 */
export function getTab(tabId) {
  return chrome.tabs.get(tabId);
}

/** The active tab's id in the current window, or null. */
export async function activeTabId() {
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab?.id ?? null;
}

/**
 * @param {number} tabId
 * @param {boolean} bypassCache
 */
export function reloadTab(tabId, bypassCache) {
  return chrome.tabs.reload(tabId, { bypassCache });
}

/** Every open tab, in every window. */
export function allTabs() {
  return chrome.tabs.query({});
}

export const openTab = (/** @type {chrome.tabs.CreateProperties} */ props) => chrome.tabs.create(props);
export const focusTab = (/** @type {number} */ tabId) => chrome.tabs.update(tabId, { active: true });
export const onTabRemoved = (/** @type {(tabId: number) => void} */ fn) => chrome.tabs.onRemoved.addListener(fn);

/** Opens the browser's own DNS cache page (Chromium; Firefox does not let extensions open about:networking). */
export function openDnsCachePage() {
  return chrome.tabs.create({ url: 'chrome://net-internals/#dns' });
}

/**
 * Runs a self-contained function in one document of a tab (this document only when its id is
 * known, else the tab's top frame) in an isolated world, and returns what it returned.
 * @template {any[]} A
 * @template R
 * @param {{tabId: number, documentId: string|null}} where
 * @param {(...args: A) => R} func
 * @param {A} args
 * @param {boolean} immediately run at once instead of waiting for the document to be parsed
 * @returns {Promise<unknown>}
 */
export async function runInTab(where, func, args, immediately) {
  const target = where.documentId ? { tabId: where.tabId, documentIds: [where.documentId] } : { tabId: where.tabId, frameIds: [0] };
  const [res] = await chrome.scripting.executeScript({ target, func, args, injectImmediately: immediately, world: 'ISOLATED' });
  return res?.result;
}

// --- navigation events ---------------------------------------------------------------------------

export const onNavCommitted = (/** @type {(d: CommitDetails) => void} */ fn) => chrome.webNavigation.onCommitted.addListener((d) => fn(clipped(d)));
export const onNavCompleted = (/** @type {(d: LoadDetails) => void} */ fn) => chrome.webNavigation.onCompleted.addListener((d) => fn(clipped(d)));
export const onNavError = (/** @type {(d: NavErrorDetails) => void} */ fn) => chrome.webNavigation.onErrorOccurred.addListener((d) => fn(clipped(d)));

// --- response headers (webRequest: optional in Chromium, required in Firefox) -------------------

/** The permission that lets us read response headers. */
export const WEB_REQUEST = /** @type {Readonly<Permissions>} */ (Object.freeze({ permissions: ['webRequest'] }));

/** Whether the webRequest API is there (the object can outlive a removed permission). */
export function webRequestApi() {
  return !!chrome.webRequest?.onHeadersReceived;
}

const MAIN_FRAME = /** @type {chrome.webRequest.RequestFilter} */ ({ urls: ['<all_urls>'], types: ['main_frame'] });

/**
 * The browser-facing listeners made for each pair given to listenMainFrameResponses (they clip
 * the address first), so a second call finds them registered.
 * @type {WeakMap<Function, {h: (d: HeadersDetails) => undefined, s: (d: ResponseStartedDetails) => void}>}
 */
const responseListeners = new WeakMap();

/**
 * Listens to top-level responses, once (a second call with the same listener does nothing).
 * @param {(d: HeadersDetails) => undefined} onHeaders
 * @param {(d: ResponseStartedDetails) => void} onStarted
 */
export function listenMainFrameResponses(onHeaders, onStarted) {
  if (!webRequestApi()) return;
  let l = responseListeners.get(onHeaders);
  if (!l) {
    l = { h: (d) => onHeaders(clipped(d)), s: (d) => onStarted(clipped(d)) };
    responseListeners.set(onHeaders, l);
  }
  if (chrome.webRequest.onHeadersReceived.hasListener(l.h)) return;
  chrome.webRequest.onHeadersReceived.addListener(l.h, MAIN_FRAME, ['responseHeaders']);
  chrome.webRequest.onResponseStarted.addListener(l.s, MAIN_FRAME);
}

// --- permissions ---------------------------------------------------------------------------------

export const hasPermission = (/** @type {Permissions} */ p) => chrome.permissions.contains(p);

/**
 * Must run in a user gesture: no await before it.
 * @param {Permissions} p
 */
export function requestPermission(p) {
  return chrome.permissions.request(p);
}

export const removePermission = (/** @type {Permissions} */ p) => chrome.permissions.remove(p);
export const onPermissionAdded = (/** @type {(p: Permissions) => void} */ fn) => chrome.permissions.onAdded.addListener(fn);
export const onPermissionRemoved = (/** @type {(p: Permissions) => void} */ fn) => chrome.permissions.onRemoved.addListener(fn);

// --- badge ---------------------------------------------------------------------------------------

/**
 * Sets a tab's badge and tooltip all at once: the browser applies them in call order, colour
 * before text. The text colour only where the browser has the call.
 * @param {number} tabId
 * @param {{text: string, color: string, title: string}} b
 */
export async function paintBadge(tabId, b) {
  await Promise.all([
    chrome.action.setBadgeBackgroundColor({ tabId, color: b.color }),
    chrome.action.setBadgeTextColor ? chrome.action.setBadgeTextColor({ tabId, color: '#ffffff' }) : undefined,
    chrome.action.setBadgeText({ tabId, text: b.text }),
    chrome.action.setTitle({ tabId, title: b.title }),
  ]);
}

/**
 * Takes a tab's badge off and puts the tooltip back; rejects when the tab is gone.
 * @param {number} tabId
 * @param {string} title
 */
export async function resetBadge(tabId, title) {
  await Promise.all([chrome.action.setBadgeText({ tabId, text: '' }), chrome.action.setTitle({ tabId, title })]);
}

// --- alarms and notifications --------------------------------------------------------------------

/**
 * @param {string} name
 * @param {number} when ms since the epoch
 */
export async function setAlarm(name, when) {
  await chrome.alarms.create(name, { when });
}

/** @param {string} name */
export async function clearAlarm(name) {
  await chrome.alarms.clear(name);
}

export const onAlarm = (/** @type {(name: string) => void} */ fn) => chrome.alarms.onAlarm.addListener((alarm) => fn(alarm.name));

/**
 * @param {string} id
 * @param {{title: string, message: string, icon: string}} n `icon`: a path in the extension
 */
export async function notify(id, n) {
  await chrome.notifications.create(id, { type: 'basic', iconUrl: extensionUrl(n.icon), title: n.title, message: n.message });
}

/** @param {string} id */
export async function clearNotification(id) {
  await chrome.notifications.clear(id);
}

export const onNotificationClicked = (/** @type {(id: string) => void} */ fn) => chrome.notifications.onClicked.addListener(fn);

// --- connectivity --------------------------------------------------------------------------------

/** Whether the browser believes it is online (false only when it knows it is not). */
export function isOnline() {
  return globalThis.navigator?.onLine !== false;
}

/**
 * Calls `fn` when the connection returns (the worker's or page's own `online` event).
 * @param {() => void} fn
 */
export function onOnline(fn) {
  globalThis.addEventListener('online', () => fn());
}

// --- site data -----------------------------------------------------------------------------------

/**
 * The permission behind "clear this site's cache": optional in Chromium and Firefox alike, asked
 * for on the first click of that button (popup/actions.js), so nobody holds it who never clears.
 */
export const BROWSING_DATA = /** @type {Readonly<Permissions>} */ (Object.freeze({ permissions: ['browsingData'] }));

/**
 * Clears one site's cache, cache storage and service workers (its cookies too when asked).
 * Firefox filters by host name and has no separate cacheStorage type.
 * @param {string} origin e.g. https://example.com
 * @param {{cookies: boolean}} opts
 */
export async function clearSiteData(origin, opts) {
  if (!chrome.browsingData) throw new Error('the permission to clear site data was not granted');
  const cookies = opts.cookies ? { cookies: true } : {};
  if (isFirefox()) {
    await chrome.browsingData.remove(/** @type {any} */ ({ hostnames: [new URL(origin).hostname] }), {
      cache: true, serviceWorkers: true, ...cookies,
    });
  } else {
    await chrome.browsingData.remove({ origins: [origin] }, { cache: true, cacheStorage: true, serviceWorkers: true, ...cookies });
  }
}

// --- Item 1: failing API calls -------------------------------------------------------------------

const API_REQUESTS = /** @type {chrome.webRequest.RequestFilter} */ ({ urls: ['<all_urls>'], types: ['xmlhttprequest'] });
/** @type {WeakMap<Function, (d: HeadersDetails) => undefined>} */
const apiListeners = new WeakMap();

/**
 * Listens to the answers of pages' fetch() and XMLHttpRequest calls (webRequest's
 * `xmlhttprequest` covers both), once; only where webRequest is held. No headers asked for: the
 * status is enough, and the listener never blocks.
 * @param {(d: HeadersDetails) => undefined} fn
 */
export function listenApiResponses(fn) {
  if (!webRequestApi()) return;
  let l = apiListeners.get(fn);
  if (!l) {
    l = (d) => fn(clipped(d));
    apiListeners.set(fn, l);
  }
  if (!chrome.webRequest.onHeadersReceived.hasListener(l)) chrome.webRequest.onHeadersReceived.addListener(l, API_REQUESTS);
}

// --- Issue 13 item 2: errors the user can fix, and blocks ---

/**
 * Opens the browser's extensions page, where the user finds the extension that blocked a page
 * (ERR_BLOCKED_BY_CLIENT). Chromium only: a web page cannot link to chrome://extensions, but an
 * extension may open it; Firefox refuses about:addons to extensions, so the popup says it in words.
 */
export function openExtensionsPage() {
  return chrome.tabs.create({ url: 'chrome://extensions/' });
}

// --- Item 4: the user decides where it runs ------------------------------------------------------

/**
 * Calls `fn` when the extension is first installed (runtime.onInstalled with reason "install"):
 * not on an update, a browser start or a worker restart.
 * @param {() => void} fn
 */
export function onFirstInstall(fn) {
  chrome.runtime.onInstalled.addListener((d) => {
    if (d.reason === 'install') fn();
  });
}

/** What the manifest asks for: required and optional permissions, and host permissions. */
export function manifestPermissions() {
  const m = chrome.runtime.getManifest();
  return { permissions: m.permissions ?? [], optional: m.optional_permissions ?? [], hosts: m.host_permissions ?? [] };
}
