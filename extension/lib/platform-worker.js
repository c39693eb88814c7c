/**
 * The platform layer's worker half (see platform.js, the rest of the layer): the service worker's
 * event sources and outputs — navigation and response events, the API-call listener, the badge,
 * alarms and notifications, connectivity, clearing a site's data, install events. Every event's
 * address is clipped on arrival, so nothing past this module holds a page's megabyte-long URL.
 */

/**
 * @typedef {import('./platform.js').CommitDetails} CommitDetails
 * @typedef {import('./platform.js').LoadDetails} LoadDetails
 * @typedef {import('./platform.js').NavErrorDetails} NavErrorDetails
 * @typedef {import('./platform.js').HeadersDetails} HeadersDetails
 * @typedef {import('./platform.js').ResponseStartedDetails} ResponseStartedDetails
 */

import { extensionUrl, isFirefox } from './platform.js';
import { MAX_URL_CHARS, clipUrl } from './url.js';

/**
 * Event details with their address cut to MAX_URL_CHARS on arrival (url.js says why).
 * @template {{url: string}} D
 * @param {D} d
 * @returns {D}
 */
const clipped = (d) => (d.url.length > MAX_URL_CHARS ? { ...d, url: clipUrl(d.url) } : d);

// --- install events --------------------------------------------------------------------------------

/**
 * Calls `fn` when the extension is installed or updated, and when the browser starts with it.
 * @param {() => void} fn
 */
export function onInstalledOrStartup(fn) {
  chrome.runtime.onInstalled.addListener(() => fn());
  chrome.runtime.onStartup.addListener(() => fn());
}

// --- navigation events ---------------------------------------------------------------------------

export const onNavCommitted = (/** @type {(d: CommitDetails) => void} */ fn) => chrome.webNavigation.onCommitted.addListener((d) => fn(clipped(d)));
export const onNavCompleted = (/** @type {(d: LoadDetails) => void} */ fn) => chrome.webNavigation.onCompleted.addListener((d) => fn(clipped(d)));
export const onNavError = (/** @type {(d: NavErrorDetails) => void} */ fn) => chrome.webNavigation.onErrorOccurred.addListener((d) => fn(clipped(d)));

// --- response headers (webRequest: optional in Chromium, required in Firefox) -------------------

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

// --- first run -----------------------------------------------------------------------------------

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
