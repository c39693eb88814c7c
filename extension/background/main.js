/**
 * Background service worker: notices failed top-level navigations, asks the engine, sets the
 * badge after the navigation commits, keeps per-tab state in chrome.storage.session, runs the
 * actions the popup asks for. Every listener is registered synchronously below, so events that
 * wake the worker are not lost; each awaits the engine's ready promise before diagnosing.
 */
import { ready, diagnose } from './engine.js';
import { MAX_HTML, MAX_TEXT, MAX_TITLE, readPage, sanitizeRead } from './page.js';
import * as st from './state.js';
import { ALARM_PREFIX, cancelRetry, onRetryAlarm, startRetry } from './retry.js';
import { runProbe, PROBE_KINDS } from './probes.js';
// Registers the probe handlers and their listeners (probes issue) synchronously with ours.
import { onDiagnosedError } from './probe-handlers.js';
import { badgeFor, isCandidateStatus, isReportableNetError, isTopLevel as topLevel, pickLang } from '../lib/verdict.js';
import { loadSettings } from '../lib/settings.js';
import { navigatedElsewhere, retryableOrigin } from '../lib/retry-policy.js';

/** @typedef {import('./engine.js').PageInput} PageInput */
/** @typedef {import('./engine.js').Diagnosis} Diagnosis */

/**
 * Last top-level response per tab, kept in memory only: healthy navigations write nothing.
 * Error responses are also mirrored to storage.session (pend:<id>) in case the worker restarts
 * between the response and the commit.
 * @type {Map<number, import('./state.js').Pending>}
 */
const lastResponse = new Map();

/**
 * A counter per tab bumped on every top-level commit or failure, so slow work (reading the page)
 * started for one navigation never writes over the next one.
 * @type {Map<number, number>}
 */
const navSeq = new Map();

/** @param {number} tabId */
const bump = (tabId) => {
  const n = (navSeq.get(tabId) ?? 0) + 1;
  navSeq.set(tabId, n);
  return n;
};

/**
 * Settings, read once and kept until they change (a storage read per error would delay the badge).
 * @type {Promise<import('../lib/settings.js').Settings>|null}
 */
let settingsCache = null;
const settingsNow = () => (settingsCache ??= loadSettings().catch((e) => {
  settingsCache = null;
  throw e;
}));

/**
 * Firefox can deliver webNavigation.onCommitted before the webRequest events of the same
 * navigation (seen with firefox-esr 153: the commit about 100 ms ahead of onHeadersReceived,
 * whose own timeStamp is earlier). So a response counts for a commit only if the browser stamped
 * it after the tab's previous commit and no later than this one, and a commit that found no
 * response yet waits here for its late error response (onHeadersReceived picks it up).
 * @typedef {{prev: number, at: number}} CommitTime  webNavigation timeStamps: previous and this commit
 * @type {Map<number, number>} last top-level commit time per tab
 */
const commitAt = new Map();
/** @type {Map<number, {url: string, documentId: string|null, seq: number, when: CommitTime}>} */
const awaitingResponse = new Map();

/**
 * Without webRequest: the top-level document each tab committed whose status we have not read
 * yet. Taken (deleted) by the first read, so the load event and the fallback timer read it once.
 * @type {Map<number, {url: string, documentId: string|null, when: CommitTime, seq: number}>}
 */
const unread = new Map();
const STATUS_READ_FALLBACK_MS = 2000;

/** @param {string} a @param {string} b */
function sameDocUrl(a, b) {
  return a.split('#')[0] === b.split('#')[0];
}

// --- listeners: all registered synchronously at the top level ---------------------------------

const IS_FIREFOX = chrome.runtime.getURL('').startsWith('moz-extension:');

const MAIN_FRAME = /** @type {chrome.webRequest.RequestFilter} */ ({ urls: ['<all_urls>'], types: ['main_frame'] });

/**
 * Whether this browser lets us read response headers. Chromium: `webRequest` is an optional
 * permission the user turns on in the options ("read response headers"), because Chromium routes
 * every request of every page through the extension while any extension holds it, listener or not
 * (about 10 ms a page load, tests/e2e/bench-webrequest.mjs). Without it the status comes from the
 * page's own navigation timing, read once the page has loaded. Firefox has no `responseStatus` in
 * navigation timing, so its build keeps `webRequest` as a required permission.
 */
const headersMode = () => !webRequestRemoved && !!chrome.webRequest?.onHeadersReceived;
/** Set when the user turns header reading off: the API object can outlive the permission. */
let webRequestRemoved = false;

/** Registers the webRequest listeners once, when the permission is there (at start or when granted). */
function listenWebRequest() {
  if (!headersMode() || chrome.webRequest.onHeadersReceived.hasListener(onHeaders)) return;
  chrome.webRequest.onHeadersReceived.addListener(onHeaders, MAIN_FRAME, ['responseHeaders']);
  chrome.webRequest.onResponseStarted.addListener(onResponseStarted, MAIN_FRAME);
}

/** @param {chrome.webRequest.OnHeadersReceivedDetails} d */
function onHeaders(d) {
  if (!topLevel(d)) return undefined;
  const p = { url: d.url, status: d.statusCode, headers: (d.responseHeaders ?? []).map((h) => ({ name: h.name, value: h.value ?? '' })), at: d.timeStamp };
  lastResponse.set(d.tabId, p);
  if (isCandidateStatus(d.statusCode)) {
    st.setPending(d.tabId, p).catch(logError);
    // The commit went first (Firefox): diagnose it now that its response is here.
    const w = awaitingResponse.get(d.tabId);
    if (w && navSeq.get(d.tabId) === w.seq && sameDocUrl(w.url, d.url) && d.timeStamp <= w.when.at) {
      awaitingResponse.delete(d.tabId);
      onCommitted(d.tabId, w.url, w.documentId, w.when).catch(logError);
    }
  }
  return undefined;
}

/** @param {chrome.webRequest.OnResponseStartedDetails} d */
function onResponseStarted(d) {
  if (!topLevel(d)) return;
  const p = lastResponse.get(d.tabId);
  if (p && p.url === d.url && d.ip) p.ip = d.ip;
}

listenWebRequest();
chrome.permissions.onAdded.addListener((p) => {
  if (!p.permissions?.includes('webRequest')) return;
  webRequestRemoved = false;
  listenWebRequest();
});
chrome.permissions.onRemoved.addListener((p) => {
  if (p.permissions?.includes('webRequest')) webRequestRemoved = true;
});

chrome.webNavigation.onCommitted.addListener((d) => {
  if (!topLevel(d)) return;
  const when = { prev: commitAt.get(d.tabId) ?? 0, at: d.timeStamp };
  commitAt.set(d.tabId, d.timeStamp);
  if (headersMode() || !/^https?:/.test(d.url)) {
    // With headers the response is known by now; a page that is not http(s) has no status to
    // read, and its commit still ends whatever the tab held (error state, auto-retry).
    onCommitted(d.tabId, d.url, d.documentId ?? null, when).catch(logError);
  } else {
    unread.set(d.tabId, { url: d.url, documentId: d.documentId ?? null, when, seq: bump(d.tabId) });
    // A page still loading by then is read anyway (a timer, not one more event per navigation).
    setTimeout(() => readStatus(d.tabId, d.documentId ?? null).catch(logError), STATUS_READ_FALLBACK_MS);
  }
});

// Without webRequest: the committed document's status is read after it has loaded, so a page's
// own load never waits on us; a page still loading 2 s after its commit is read then.
chrome.webNavigation.onCompleted.addListener((d) => {
  if (!topLevel(d) || headersMode()) return;
  // A worker started since the commit (a page slow enough for the idle one to be stopped) has no
  // record of it: the document that finished loading is the one to read.
  if (!unread.has(d.tabId) && !commitAt.has(d.tabId)) {
    unread.set(d.tabId, { url: d.url, documentId: d.documentId ?? null, when: { prev: 0, at: d.timeStamp }, seq: bump(d.tabId) });
  }
  readStatus(d.tabId, d.documentId ?? null).catch(logError);
});

chrome.webNavigation.onErrorOccurred.addListener((d) => {
  if (!topLevel(d) || !isReportableNetError(d.error)) return;
  onNavError(d.tabId, d.url, d.error).catch(logError);
});

chrome.tabs.onRemoved.addListener((tabId) => {
  lastResponse.delete(tabId);
  unread.delete(tabId);
  navSeq.delete(tabId);
  commitAt.delete(tabId);
  awaitingResponse.delete(tabId);
  Promise.all([st.clearTab(tabId), cancelRetry(tabId)])
    .then(() => st.forgetTab(tabId))
    .catch(logError);
});

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name.startsWith(ALARM_PREFIX)) {
    const tabId = Number(alarm.name.slice(ALARM_PREFIX.length));
    if (Number.isInteger(tabId)) onRetryAlarm(tabId).catch(logError);
  }
});

chrome.storage.onChanged.addListener((_changes, area) => {
  if (area === 'sync') settingsCache = null;
});

chrome.notifications.onClicked.addListener((id) => {
  const m = /^back:(\d+):/.exec(id);
  if (m) chrome.tabs.update(Number(m[1]), { active: true }).catch(() => {});
  chrome.notifications.clear(id).catch(() => {});
});

chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (!fromOwnPage(sender)) return false;
  const type = msg && typeof msg === 'object' ? /** @type {{type?: unknown}} */ (msg).type : undefined;
  const handler = typeof type === 'string' && Object.hasOwn(handlers, type) ? handlers[type] : undefined;
  if (!handler) return false;
  handler(/** @type {Record<string, unknown>} */ (msg)).then(
    (r) => sendResponse({ ok: true, ...r }),
    (e) => sendResponse({ ok: false, error: String(e && e.message ? e.message : e) }),
  );
  return true;
});

ready.catch(logError);

// --- navigation handling ---------------------------------------------------------------------

/**
 * A top-level document committed. An error response gets a diagnosis from its status and
 * headers at once (badge now), then a second one with the page's text (badge and state refined);
 * without webRequest the page comes read with its status (`page`), and the first is the whole one.
 * A healthy one clears whatever the tab showed before.
 * @param {number} tabId
 * @param {string} url
 * @param {string|null} documentId
 * @param {CommitTime} when
 * @param {import('./page.js').PageRead|null} [page]
 */
async function onCommitted(tabId, url, documentId, when, page = null) {
  const seq = bump(tabId);
  awaitingResponse.delete(tabId);
  const fits = (/** @type {import('./state.js').Pending|null|undefined} */ p) =>
    !!p && sameDocUrl(p.url, url) && p.at > when.prev && p.at <= when.at;
  let resp = lastResponse.get(tabId) ?? null;
  if (!fits(resp)) {
    const stored = await st.getPending(tabId);
    // Read memory again: a late response may have arrived during the await.
    const mem = lastResponse.get(tabId);
    resp = fits(mem) ? mem ?? null : fits(stored) ? stored : null;
  }
  if (!resp && /^https?:/.test(url)) awaitingResponse.set(tabId, { url, documentId, seq, when });
  if (!resp || !isCandidateStatus(resp.status)) {
    // Healthy browsing in a tab we hold nothing for costs nothing: no storage, no badge calls
    // (the browser already resets a tab's own badge when it navigates).
    if (!(await st.mayHaveState(tabId))) return;
    const retry = await st.getRetry(tabId);
    // Elsewhere: the retry is moot. The same page, healthy again: the retry is done.
    await Promise.all([clearBadge(tabId), st.clearTab(tabId), retry ? cancelRetry(tabId) : undefined]);
    if (navSeq.get(tabId) === seq) st.forgetTab(tabId);
    return;
  }
  // The badge comes first; storage bookkeeping after it.
  const settings = await settingsNow();
  const lang = pickLang(settings.lang, uiLocale());
  /** @type {PageInput} */
  const input = { status: resp.status, headers: resp.headers, url, ...(resp.ip ? { ip: resp.ip } : {}) };
  const firstInput = page ? { ...input, title: page.title, text: page.text, html: page.html } : input;
  const first = await diagnose({ ...firstInput, lang, now_ms: Date.now() });
  if (navSeq.get(tabId) !== seq) return;
  await setBadge(tabId, first);
  const [retry] = await Promise.all([
    st.getRetry(tabId),
    st.setTab(tabId, { url, input: firstInput, diagnosis: first, pageRead: !!page, manual: false, documentId, at: Date.now(), done: false }),
    st.clearPending(tabId),
  ]);
  const retrying = !!retry && !navigatedElsewhere(retry, url);
  if (retry && !retrying) await cancelRetry(tabId);

  // Read the failed page (unless it came with its status): this tab, this document only
  // (documentIds), after it has parsed.
  const read = page ? null : await readTab(tabId, documentId);
  if (navSeq.get(tabId) !== seq) return;
  let final = first;
  let finalInput = firstInput;
  if (read && sameDocUrl(read.url, url)) {
    finalInput = { ...input, title: read.title, text: read.text, html: read.html };
    final = await diagnose({ ...finalInput, lang, now_ms: Date.now() });
    if (navSeq.get(tabId) !== seq) return;
    await setBadge(tabId, final);
  }
  await st.setTab(tabId, { url, input: finalInput, diagnosis: final, pageRead: !!page || !!read, manual: false, documentId, at: Date.now(), done: true });
  if (!final.is_error) {
    await clearBadge(tabId);
    return;
  }
  await afterError(tabId, url, final, settings, retrying);
}

/**
 * A top-level navigation failed without a usable response (DNS, refused, timeout, …), or Chrome
 * replaced an empty error response with its own page.
 * @param {number} tabId
 * @param {string} url
 * @param {string} error e.g. net::ERR_NAME_NOT_RESOLVED
 */
async function onNavError(tabId, url, error) {
  const seq = bump(tabId);
  unread.delete(tabId);
  // Without webRequest the status of an empty error response is not known: Chromium's own error
  // page cannot be read. (A remembered response here would be an older page's.)
  const resp = headersMode() ? lastResponse.get(tabId) : undefined;
  const settings = await settingsNow();
  const lang = pickLang(settings.lang, uiLocale());
  /** @type {PageInput} */
  const input =
    resp && sameDocUrl(resp.url, url) && isCandidateStatus(resp.status) && error === 'net::ERR_HTTP_RESPONSE_CODE_FAILURE'
      ? { status: resp.status, headers: resp.headers, url, ...(resp.ip ? { ip: resp.ip } : {}) }
      : { headers: [], url, net_error: error };
  const d = await diagnose({ ...input, lang, now_ms: Date.now() });
  if (navSeq.get(tabId) !== seq) return;
  await setBadge(tabId, d);
  await st.setTab(tabId, { url, input, diagnosis: d, pageRead: false, manual: false, documentId: null, at: Date.now(), done: true });
  const retry = await st.getRetry(tabId);
  if (retry && navigatedElsewhere(retry, url)) await cancelRetry(tabId);
  if (d.is_error) await afterError(tabId, url, d, settings, !!retry && !navigatedElsewhere(retry, url));
}

/**
 * What the options ask for after an error: start auto-retry, open the guidance in a tab.
 * @param {number} tabId
 * @param {string} url
 * @param {Diagnosis} d
 * @param {import('../lib/settings.js').Settings} settings
 * @param {boolean} retrying a retry is already running for this page
 */
async function afterError(tabId, url, d, settings, retrying) {
  // History and the optional automatic check; never let it hold up or break the rest.
  onDiagnosedError(tabId, url, d).catch(logError);
  const retryAction = d.actions.find((a) => a.id === 'auto-retry');
  if (settings.autoRetry && retryAction && !retrying && retryableOrigin(url)) {
    await startRetry(tabId, url, d.retry_after ?? null);
  }
  if (settings.openTab && !retrying) {
    const tab = await chrome.tabs.get(tabId).catch(() => null);
    await chrome.tabs.create({
      url: chrome.runtime.getURL(`popup.html?tab=${tabId}`),
      active: false,
      ...(tab ? { index: tab.index + 1, windowId: tab.windowId, openerTabId: tabId } : {}),
    });
  }
}

/**
 * Without webRequest: reads the committed document's HTTP status from its navigation timing, and
 * carries on as if webRequest had reported it (no headers, no server IP).
 * @param {number} tabId
 * @param {string|null} documentId
 */
async function readStatus(tabId, documentId) {
  const c = unread.get(tabId);
  if (!c || (documentId && c.documentId && c.documentId !== documentId)) return;
  unread.delete(tabId);
  if (navSeq.get(tabId) !== c.seq) return;
  // One call: the status, and the page itself only when the status is a failure. Null when not
  // scriptable (the browser's own pages, the web store) or gone: nothing to say.
  const read = await readTab(tabId, c.documentId, true);
  // The tab moved on (or failed) while we read: that navigation has its own handling.
  if (navSeq.get(tabId) !== c.seq) return;
  const status = read?.status ?? 0;
  lastResponse.set(tabId, { url: c.url, status, headers: [], at: c.when.at });
  const page = read && isCandidateStatus(status) && sameDocUrl(read.url, c.url) ? read : null;
  await onCommitted(tabId, c.url, c.documentId, c.when, page);
}

/**
 * Reads the page in one tab; null when the document is gone or cannot be scripted. With
 * `failedOnly`, only the status unless it is 4xx/5xx (see readPage).
 * @param {number} tabId
 * @param {string|null} documentId
 * @param {boolean} [failedOnly]
 */
async function readTab(tabId, documentId, failedOnly = false) {
  try {
    const target = documentId ? { tabId, documentIds: [documentId] } : { tabId, frameIds: [0] };
    const [res] = await chrome.scripting.executeScript({
      target,
      func: readPage,
      args: [MAX_TEXT, MAX_HTML, MAX_TITLE, failedOnly],
      // A status read runs after load (or the fallback timer) and must not wait for idle; a
      // page read at commit waits for the document to be parsed.
      injectImmediately: failedOnly,
      world: 'ISOLATED',
    });
    return sanitizeRead(res?.result);
  } catch {
    return null;
  }
}

// --- badge -----------------------------------------------------------------------------------

/**
 * @param {number} tabId
 * @param {Diagnosis} d
 */
async function setBadge(tabId, d) {
  const b = badgeFor(d);
  if (!b.text) return clearBadge(tabId);
  // All at once: the browser applies them in call order, colour before text.
  await Promise.all([
    chrome.action.setBadgeBackgroundColor({ tabId, color: b.color }),
    chrome.action.setBadgeTextColor ? chrome.action.setBadgeTextColor({ tabId, color: '#ffffff' }) : undefined,
    chrome.action.setBadgeText({ tabId, text: b.text }),
    chrome.action.setTitle({ tabId, title: `${chrome.i18n.getMessage('extName')}: ${d.verdict}`.slice(0, 500) }),
  ]);
}

/** @param {number} tabId */
async function clearBadge(tabId) {
  try {
    await Promise.all([
      chrome.action.setBadgeText({ tabId, text: '' }),
      chrome.action.setTitle({ tabId, title: chrome.i18n.getMessage('extName') }),
    ]);
  } catch {
    // The tab is gone.
  }
}

// --- messages from our own pages -------------------------------------------------------------

/**
 * Only our own extension pages (popup, options, popup opened as a tab) may ask for anything.
 * @param {chrome.runtime.MessageSender} sender
 */
function fromOwnPage(sender) {
  const base = chrome.runtime.getURL('');
  return sender.id === chrome.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(base);
}

/** @param {Record<string, unknown>} msg */
function tabIdOf(msg) {
  const id = msg.tabId;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new Error('bad tabId');
  return id;
}

/** @type {Record<string, (msg: Record<string, unknown>) => Promise<Record<string, unknown>>>} */
const handlers = {
  /** Everything the popup shows for one tab; re-runs the engine if the language changed. */
  async 'get-state'(msg) {
    const tabId = tabIdOf(msg);
    const [tab, state, retry, settings] = await Promise.all([
      chrome.tabs.get(tabId).catch(() => null),
      st.getTab(tabId),
      st.getRetry(tabId),
      loadSettings(),
    ]);
    const lang = pickLang(settings.lang, uiLocale());
    let diagnosis = state?.diagnosis ?? null;
    if (state && diagnosis && diagnosis.lang !== lang) {
      diagnosis = await diagnose({ ...state.input, lang, now_ms: Date.now() });
      await st.setTab(tabId, { ...state, diagnosis });
    }
    return {
      tab: tab ? { id: tab.id, url: tab.url ?? state?.url ?? '', title: tab.title ?? '' } : null,
      state: state ? { url: state.url, pageRead: state.pageRead, manual: state.manual } : null,
      diagnosis,
      retry,
      settings,
      lang,
      // Whether diagnoses here can use response headers (the popup says so when they cannot).
      headers: headersMode(),
    };
  },

  /** "Diagnose this page anyway": read the current page and run the engine on it. */
  async 'diagnose-now'(msg) {
    const tabId = tabIdOf(msg);
    const seq = navSeq.get(tabId);
    const read = await readTab(tabId, null);
    if (!read) throw new Error('cannot read this page');
    const resp = lastResponse.get(tabId);
    const settings = await loadSettings();
    const lang = pickLang(settings.lang, uiLocale());
    const known = resp && sameDocUrl(resp.url, read.url) ? resp : null;
    /** @type {PageInput} */
    const input = {
      headers: known ? known.headers : [],
      url: read.url,
      title: read.title,
      text: read.text,
      html: read.html,
      ...(known ? { status: known.status } : read.status ? { status: read.status } : {}),
      ...(known?.ip ? { ip: known.ip } : {}),
    };
    const d = await diagnose({ ...input, lang, now_ms: Date.now() });
    if (navSeq.get(tabId) !== seq) throw new Error('the tab navigated');
    await st.setTab(tabId, { url: read.url, input, diagnosis: d, pageRead: true, manual: true, documentId: null, at: Date.now(), done: true });
    if (d.is_error) await setBadge(tabId, d);
    return { diagnosis: d };
  },

  async reload(msg) {
    await chrome.tabs.reload(tabIdOf(msg), { bypassCache: false });
    return {};
  },

  async 'hard-reload'(msg) {
    await chrome.tabs.reload(tabIdOf(msg), { bypassCache: true });
    return {};
  },

  /** Clears this one site's cache, cache storage and service workers (cookies only if asked), then reloads. */
  async 'clear-site-cache'(msg) {
    const tabId = tabIdOf(msg);
    const tab = await chrome.tabs.get(tabId);
    const state = await st.getTab(tabId);
    const origin = retryableOrigin(state?.url ?? tab.url ?? '');
    if (!origin) throw new Error('not a web page');
    const cookies = msg.cookies === true;
    /** @type {chrome.browsingData.DataTypeSet} */
    const types = { cache: true, cacheStorage: true, serviceWorkers: true, ...(cookies ? { cookies: true } : {}) };
    if (IS_FIREFOX) {
      // Firefox filters by host name, and has no separate cacheStorage type.
      await chrome.browsingData.remove(/** @type {any} */ ({ hostnames: [new URL(origin).hostname] }), {
        cache: true, serviceWorkers: true, ...(cookies ? { cookies: true } : {}),
      });
    } else {
      await chrome.browsingData.remove({ origins: [origin] }, types);
    }
    await chrome.tabs.reload(tabId, { bypassCache: false });
    return { origin, cookies };
  },

  async 'retry-start'(msg) {
    const tabId = tabIdOf(msg);
    const state = await st.getTab(tabId);
    if (!state) throw new Error('no error on this tab');
    // Only the server's Retry-After is a floor; the engine's default `delay` advice (30 s) would
    // otherwise replace the schedule's first, shorter step.
    const retry = await startRetry(tabId, state.url, state.diagnosis.retry_after ?? null);
    return { retry };
  },

  async 'retry-cancel'(msg) {
    await cancelRetry(tabIdOf(msg));
    return {};
  },

  /** Hook for the probes issue: check-down, check-dns, provider-status, archived-copy. */
  async probe(msg) {
    const tabId = tabIdOf(msg);
    const kind = String(msg.kind ?? '');
    if (!PROBE_KINDS.includes(kind)) throw new Error('unknown probe');
    const state = await st.getTab(tabId);
    const action = state?.diagnosis.actions.find((a) => a.id === kind) ?? null;
    const url = state?.url ?? '';
    let host = null;
    try {
      host = new URL(url).hostname;
    } catch {
      host = null;
    }
    return runProbe(kind, { tabId, url, host, action });
  },

  /** Opens the browser's own DNS cache page (Chromium only; Firefox does not let extensions open about:networking). */
  async 'open-dns-page'() {
    await chrome.tabs.create({ url: 'chrome://net-internals/#dns' });
    return {};
  },
};

/**
 * The language chrome.i18n actually picked for our UI strings: each messages.json names itself in
 * `uiLang`, so the engine's guidance always matches the popup. (getUILanguage() can differ:
 * Chromium without its Chinese UI pack reports en-US while choosing our zh_CN messages.)
 */
function uiLocale() {
  return chrome.i18n.getMessage('uiLang') || chrome.i18n.getUILanguage();
}

/** @param {unknown} e */
function logError(e) {
  console.warn('gateway-doctor:', e);
}
