/**
 * From navigation to diagnosis: notices failed top-level navigations (an error response, or a
 * network error), asks the engine, sets the badge after the navigation commits, keeps the tab's
 * state, and does what the options ask for after an error. The event handlers here are registered
 * by main.js, synchronously at the worker's top level; each awaits the engine before diagnosing.
 */
import { diagnose } from './engine.js';
import { ignoredErrors, ignoredErrorsNow } from './engine-lists.js';
import { readTab } from './page.js';
import * as st from './state.js';
import { cancelRetry, startRetry } from './retry.js';
import { onDiagnosedError } from './probe-handlers.js';
import { clearBadge, setBadge } from './badge.js';
import { langOf, logError, settingsNow } from './env.js';
import { openGuidance } from './guidance-tab.js';
import { excluded, excludedNow } from './excluded.js';
import { siteOfUrl } from '../lib/excluded-sites.js';
import { allTabs } from '../lib/platform.js';
import { listenMainFrameResponses, webRequestApi } from '../lib/platform-worker.js';
import { failed, isCandidateStatus, isReportableNetError, isTopLevel as topLevel, situationOf } from '../lib/verdict.js';
import { mayAskToWait, navigatedElsewhere, retryableOrigin } from '../lib/retry-policy.js';
import { httpUrl, sameDocument } from '../lib/url.js';

/** @typedef {import('./engine.js').PageInput} PageInput */
/** @typedef {import('./engine.js').Diagnosis} Diagnosis */
/** @typedef {import('./state.js').Pending} Pending */

/**
 * Last top-level response per tab, kept in memory only: healthy navigations write nothing.
 * Error responses are also mirrored to storage.session (pend:<id>) in case the worker restarts
 * between the response and the commit.
 * @type {Map<number, Pending>}
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
 * Firefox can deliver webNavigation.onCommitted before the webRequest events of the same
 * navigation (seen with firefox-esr 153: the commit about 100 ms ahead of onHeadersReceived,
 * whose own timeStamp is earlier). So a response counts for a commit only if the browser stamped
 * it after the tab's previous commit and no later than this one, and a commit that found no
 * response yet waits here for its late error response (onHeadersReceived picks it up).
 * @typedef {{prev: number, at: number, form?: boolean, reload?: boolean}} CommitTime  webNavigation
 *   timeStamps: previous and this commit; `form`: the commit was a form submission (its
 *   transitionType), `reload`: a reload (of a form's answer it sends the form again).
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

/** The tab's navigation counter now (work started under another value is stale). @param {number} tabId */
export const currentSeq = (tabId) => navSeq.get(tabId);

/** The tab's last top-level response, if still in memory. @param {number} tabId */
export const lastResponseOf = (tabId) => lastResponse.get(tabId);

/** Forgets everything kept in memory for a closed tab. @param {number} tabId */
export function forgetTabMemory(tabId) {
  lastResponse.delete(tabId);
  unread.delete(tabId);
  navSeq.delete(tabId);
  commitAt.delete(tabId);
  awaitingResponse.delete(tabId);
}

// --- response headers (webRequest) ---------------------------------------------------------------

/** Set when the user turns header reading off: the API object can outlive the permission. */
let webRequestRemoved = false;

/**
 * Whether this browser lets us read response headers. Chromium: `webRequest` is an optional
 * permission the user turns on in the options ("read response headers"), because Chromium routes
 * every request of every page through the extension while any extension holds it, listener or not
 * (about 10 ms a page load, tests/e2e/bench-webrequest.mjs). Without it the status comes from the
 * page's own navigation timing, read once the page has loaded. Firefox has no `responseStatus` in
 * navigation timing, so its build keeps `webRequest` as a required permission.
 */
export const headersMode = () => !webRequestRemoved && webRequestApi();

/** Registers the webRequest listeners once, when the permission is there (at start or when granted). */
export function listenWebRequest() {
  if (headersMode()) listenMainFrameResponses(onHeaders, onResponseStarted);
}

/** The user granted "read response headers". */
export function headersGranted() {
  webRequestRemoved = false;
  listenWebRequest();
}

/** The user took "read response headers" back. */
export function headersRevoked() {
  webRequestRemoved = true;
}

/** @param {import('../lib/platform.js').HeadersDetails} d */
function onHeaders(d) {
  // "Never on this site": not even kept in memory (a list still loading: onCommitted decides).
  if (!topLevel(d) || excludedNow(d.url)) return undefined;
  const p = {
    url: d.url, status: d.statusCode, headers: (d.responseHeaders ?? []).map((h) => ({ name: h.name, value: h.value ?? '' })), at: d.timeStamp,
    // A POST answered: reloading it would send the form again.
    ...(d.method === 'POST' ? { post: true } : {}),
  };
  lastResponse.set(d.tabId, p);
  if (isCandidateStatus(d.statusCode)) {
    st.setPending(d.tabId, p).catch(logError);
    // The commit went first (Firefox): diagnose it now that its response is here.
    const w = awaitingResponse.get(d.tabId);
    if (w && navSeq.get(d.tabId) === w.seq && sameDocument(w.url, d.url) && d.timeStamp <= w.when.at) {
      awaitingResponse.delete(d.tabId);
      onCommitted(d.tabId, w.url, w.documentId, w.when).catch(logError);
    }
  }
  return undefined;
}

/** @param {import('../lib/platform.js').ResponseStartedDetails} d */
function onResponseStarted(d) {
  if (!topLevel(d)) return;
  const p = lastResponse.get(d.tabId);
  if (p && p.url === d.url && d.ip) p.ip = d.ip;
}

// --- navigation events ---------------------------------------------------------------------------

/** webNavigation.onCommitted. @param {import('../lib/platform.js').CommitDetails} d */
export function onCommitEvent(d) {
  if (!topLevel(d)) return;
  const when = { prev: commitAt.get(d.tabId) ?? 0, at: d.timeStamp, form: d.transitionType === 'form_submit', reload: d.transitionType === 'reload' };
  commitAt.set(d.tabId, d.timeStamp);
  if (headersMode() || !httpUrl(d.url)) {
    // With headers the response is known by now; a page that is not http(s) has no status to
    // read, and its commit still ends whatever the tab held (error state, auto-retry).
    onCommitted(d.tabId, d.url, d.documentId ?? null, when).catch(logError);
  } else {
    unread.set(d.tabId, { url: d.url, documentId: d.documentId ?? null, when, seq: bump(d.tabId) });
    // A page still loading by then is read anyway (a timer, not one more event per navigation).
    setTimeout(() => readStatus(d.tabId, d.documentId ?? null).catch(logError), STATUS_READ_FALLBACK_MS);
  }
}

/**
 * webNavigation.onCompleted. Without webRequest the committed document's status is read after it
 * has loaded, so a page's own load never waits on us; a page still loading 2 s after its commit is
 * read then.
 * @param {import('../lib/platform.js').LoadDetails} d
 */
export function onCompletedEvent(d) {
  if (!topLevel(d) || headersMode()) return;
  // A worker started since the commit (a page slow enough for the idle one to be stopped) has no
  // record of it: the document that finished loading is the one to read.
  if (!unread.has(d.tabId) && !commitAt.has(d.tabId)) {
    unread.set(d.tabId, { url: d.url, documentId: d.documentId ?? null, when: { prev: 0, at: d.timeStamp }, seq: bump(d.tabId) });
  }
  readStatus(d.tabId, d.documentId ?? null).catch(logError);
}

/** webNavigation.onErrorOccurred. @param {import('../lib/platform.js').NavErrorDetails} d */
export function onErrorEvent(d) {
  if (!topLevel(d)) return;
  const ignored = ignoredErrorsNow();
  if (ignored) {
    if (isReportableNetError(d.error, ignored)) onNavError(d.tabId, d.url, d.error).catch(logError);
    return;
  }
  // A cold worker: the engine's list of errors to ignore comes with the engine. A commit of this
  // tab after the error, while the engine was loading, has the last word, as it would have had.
  ignoredErrors.then((set) => {
    if (!isReportableNetError(d.error, set) || (commitAt.get(d.tabId) ?? 0) > d.timeStamp) return undefined;
    return onNavError(d.tabId, d.url, d.error);
  }).catch(logError);
}

// --- diagnosis -----------------------------------------------------------------------------------

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
  // "Never on this site": a page there is treated as healthy (whatever the tab held is cleared).
  const off = excludedNow(url) ?? await excluded(url);
  const fits = (/** @type {Pending|null|undefined} */ p) =>
    !off && !!p && sameDocument(p.url, url) && p.at > when.prev && p.at <= when.at;
  let resp = lastResponse.get(tabId) ?? null;
  if (!off && !fits(resp)) {
    const stored = await st.getPending(tabId);
    // Read memory again: a late response may have arrived during the await.
    const mem = lastResponse.get(tabId);
    resp = fits(mem) ? mem ?? null : fits(stored) ? stored : null;
  }
  if (!resp && !off && httpUrl(url)) awaitingResponse.set(tabId, { url, documentId, seq, when });
  if (!resp || !isCandidateStatus(resp.status)) {
    await settle(tabId, seq);
    return;
  }
  // A form's answer (or a reload of one, which sent it again) is never reloaded by us unasked.
  const prev = when.reload ? await st.getTab(tabId) : null;
  const form = !!when.form || !!resp.post || (!!prev?.form && sameDocument(prev.url, url));
  // The badge comes first; storage bookkeeping after it.
  const settings = await settingsNow();
  const lang = langOf(settings);
  /** @type {PageInput} */
  const input = { status: resp.status, headers: resp.headers, url, ...(resp.ip ? { ip: resp.ip } : {}) };
  const firstInput = page ? { ...input, title: page.title, text: page.text, html: page.html } : input;
  const first = await diagnose({ ...firstInput, lang, now_ms: Date.now() });
  if (navSeq.get(tabId) !== seq) return;
  await setBadge(tabId, first);
  const [retry] = await Promise.all([
    st.getRetry(tabId),
    st.setTab(tabId, { url, input: firstInput, diagnosis: first, pageRead: !!page, manual: false, form, documentId, at: Date.now(), done: false }),
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
  if (read && sameDocument(read.url, url)) {
    finalInput = { ...input, title: read.title, text: read.text, html: read.html };
    final = await diagnose({ ...finalInput, lang, now_ms: Date.now() });
    if (navSeq.get(tabId) !== seq) return;
    await setBadge(tabId, final);
  }
  await st.setTab(tabId, { url, input: finalInput, diagnosis: final, pageRead: !!page || !!read, manual: false, form, documentId, at: Date.now(), done: true });
  // A firewall's block or an error the user can fix is a failed page too, whatever is_error says.
  if (!failed(final)) {
    await clearBadge(tabId);
    return;
  }
  await afterError(tabId, url, final, settings, retrying, form);
}

/**
 * A healthy page (or one on a site where the extension is off) ends whatever the tab held: its
 * badge, state and auto-retry (elsewhere the retry is moot; the same page, healthy again, the
 * retry is done). Healthy browsing in a tab we hold nothing for costs nothing: no storage, no
 * badge calls (the browser already resets a tab's own badge when it navigates).
 * @param {number} tabId
 * @param {number} seq
 */
async function settle(tabId, seq) {
  if (!(await st.mayHaveState(tabId))) return;
  const retry = await st.getRetry(tabId);
  await Promise.all([clearBadge(tabId), st.clearTab(tabId), retry ? cancelRetry(tabId) : undefined]);
  if (navSeq.get(tabId) === seq) st.forgetTab(tabId);
}

/**
 * Sites just turned off ("never on this site"): their open tabs lose badge, state and auto-retry
 * now, and any read or diagnosis under way for them is dropped (their navigation counter moves on).
 * @param {string[]} hosts keys as lib/excluded-sites.js gives them
 */
export async function dropSites(hosts) {
  if (!hosts.length) return;
  const off = new Set(hosts);
  for (const tab of await allTabs()) {
    const k = tab.id == null ? null : siteOfUrl(tab.url ?? '');
    if (tab.id == null || !k || !off.has(k)) continue;
    const seq = bump(tab.id);
    unread.delete(tab.id);
    awaitingResponse.delete(tab.id);
    lastResponse.delete(tab.id);
    await settle(tab.id, seq);
  }
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
  if (excludedNow(url) ?? await excluded(url)) {
    await settle(tabId, seq);
    return;
  }
  // Without webRequest the status of an empty error response is not known: Chromium's own error
  // page cannot be read. (A remembered response here would be an older page's.)
  const resp = headersMode() ? lastResponse.get(tabId) : undefined;
  const settings = await settingsNow();
  const lang = langOf(settings);
  const known = resp && sameDocument(resp.url, url) && isCandidateStatus(resp.status) && error === 'net::ERR_HTTP_RESPONSE_CODE_FAILURE'
    ? resp : null;
  const form = !!known?.post;
  /** @type {PageInput} */
  const input =
    known
      ? { status: known.status, headers: known.headers, url, ...(known.ip ? { ip: known.ip } : {}) }
      : { headers: [], url, net_error: error };
  const d = await diagnose({ ...input, lang, now_ms: Date.now() });
  if (navSeq.get(tabId) !== seq) return;
  await setBadge(tabId, d);
  await st.setTab(tabId, { url, input, diagnosis: d, pageRead: false, manual: false, form, documentId: null, at: Date.now(), done: true });
  const retry = await st.getRetry(tabId);
  if (retry && navigatedElsewhere(retry, url)) await cancelRetry(tabId);
  if (failed(d)) await afterError(tabId, url, d, settings, !!retry && !navigatedElsewhere(retry, url), form);
}

/**
 * What the options ask for after an error: start auto-retry, open the guidance in a tab.
 * @param {number} tabId
 * @param {string} url
 * @param {Diagnosis} d
 * @param {import('../lib/settings.js').Settings} settings
 * @param {boolean} retrying a retry is already running for this page
 * @param {boolean} form the page is a form's answer: the retry watches the site, never resends
 */
async function afterError(tabId, url, d, settings, retrying, form) {
  // History and the optional automatic check; never let it hold up or break the rest.
  onDiagnosedError(tabId, url, d).catch(logError);
  // Only an outage passes by itself: a block or a cookie too large fails the same way every time.
  const retryAction = situationOf(d) === 'outage' && d.actions.find((a) => a.id === 'auto-retry');
  if (settings.autoRetry && retryAction && !retrying && retryableOrigin(url)) {
    // Without headers the error's Retry-After is unknown: startRetry asks the site once.
    await startRetry(tabId, url, d.retry_after ?? null, form, !headersMode() && mayAskToWait(d.status));
  }
  // One guidance tab per failed tab, reused: a page failing every second opens it once.
  if (settings.openTab && !retrying) await openGuidance(tabId);
}

/**
 * Once, when the extension is installed or updated and when the browser starts: the open http(s)
 * tabs loaded before this worker listened (a failed one would get no badge until reloaded). Each
 * gets the same one-call status read as after a load; discarded tabs are skipped (reading one
 * would load it again).
 */
export async function readOpenTabs() {
  for (const tab of await allTabs()) {
    if (tab.id == null || tab.discarded || !httpUrl(tab.url ?? '')) continue;
    // A tab that committed since this worker started has its own read under way.
    if (commitAt.has(tab.id)) continue;
    unread.set(tab.id, { url: tab.url ?? '', documentId: null, when: { prev: 0, at: Date.now() }, seq: bump(tab.id) });
    await readStatus(tab.id, null).catch(logError);
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
  // "Never on this site": nothing of the page is read, not even its status.
  if (excludedNow(c.url) ?? await excluded(c.url)) return navSeq.get(tabId) === c.seq ? onCommitted(tabId, c.url, c.documentId, c.when) : undefined;
  // One call: the status, and the page itself only when the status is a failure. Null when not
  // scriptable (the browser's own pages, the web store) or gone: nothing to say.
  const read = await readTab(tabId, c.documentId, true);
  // The tab moved on (or failed) while we read: that navigation has its own handling.
  if (navSeq.get(tabId) !== c.seq) return;
  const status = read?.status ?? 0;
  lastResponse.set(tabId, { url: c.url, status, headers: [], at: c.when.at });
  const page = read && isCandidateStatus(status) && sameDocument(read.url, c.url) ? read : null;
  await onCommitted(tabId, c.url, c.documentId, c.when, page);
}
