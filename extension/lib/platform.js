/**
 * The browser platform layer: every call into the WebExtension API (`chrome.*`) in the extension
 * goes through this module and its two siblings, as uBlock Origin keeps all of its vAPI in its
 * platform files: platform-worker.js (the worker's event sources and outputs: navigation and
 * response events, badge, alarms, notifications, connectivity, clearing site data) and
 * platform-popup-head.js (the popup's first questions, asked before its modules load). The
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
 * When chrome.i18n answers nothing (seen in Chromium 156: for the rest of a session every
 * getMessage is '' and getUILanguage 'en-US' whatever the browser's language, in pages and the
 * worker alike; tests/e2e/zh-cn.test.mjs diagnosed in English 1 run in 4), the browser's own
 * language list says it: navigator.language, in pages and workers.
 */
export function uiLocale() {
  const ui = chrome.i18n.getUILanguage();
  const preferred = globalThis.navigator?.language ?? '';
  if (langOf(ui) === 'zh-TW') return 'zh-TW';
  const chosen = chrome.i18n.getMessage('uiLang');
  if (chosen) return chosen;
  return langOf(preferred) === 'zh-TW' ? 'zh-TW' : preferred || ui;
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

// --- response headers (webRequest: optional in Chromium, required in Firefox) -------------------

/** The permission that lets us read response headers. */
export const WEB_REQUEST = /** @type {Readonly<Permissions>} */ (Object.freeze({ permissions: ['webRequest'] }));

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

// --- site data -----------------------------------------------------------------------------------

/**
 * The permission behind "clear this site's cache": optional in Chromium and Firefox alike, asked
 * for on the first click of that button (popup/actions.js), so nobody holds it who never clears.
 */
export const BROWSING_DATA = /** @type {Readonly<Permissions>} */ (Object.freeze({ permissions: ['browsingData'] }));

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

/** What the manifest asks for: required and optional permissions, and host permissions. */
export function manifestPermissions() {
  const m = chrome.runtime.getManifest();
  return { permissions: m.permissions ?? [], optional: m.optional_permissions ?? [], hosts: m.host_permissions ?? [] };
}
