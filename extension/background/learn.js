/**
 * Learning what the browser hid. Chromium replaces an error response with an empty body by its
 * own "HTTP ERROR 502" page and reports only net::ERR_HTTP_RESPONSE_CODE_FAILURE; without
 * webRequest the status and headers are gone. When the popup opens on such a tab, one request to
 * the failed site itself (GET, no cookies, no cache, no redirect followed) learns them, and the
 * tab's diagnosis, badge and history entry then carry the real status and the server's name.
 */
import { diagnose } from './engine.js';
import * as st from './state.js';
import { setBadge } from './badge.js';
import { currentSeq } from './navigation.js';
import { siteOf, updateHistory } from '../lib/history.js';
import { storage } from '../lib/platform.js';
import { failed, isCandidateStatus, reframeHidden } from '../lib/verdict.js';
import { PROBE_TIMEOUT_MS } from '../lib/retry-policy.js';

/** The network error Chromium reports for an error response it replaced with its own page. */
export const HIDDEN_RESPONSE = 'net::ERR_HTTP_RESPONSE_CODE_FAILURE';
/** How close (ms) the history entry of the hidden error is to the tab state's stamp. */
const ENTRY_WINDOW_MS = 10000;

/**
 * One request to the site for its status and headers; null when it did not answer.
 * @param {string} url
 * @returns {Promise<{status: number, headers: {name: string, value: string}[]}|null>}
 */
async function askSite(url) {
  try {
    const res = await fetch(url, { method: 'GET', cache: 'no-store', credentials: 'omit', redirect: 'manual', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    res.body?.cancel().catch(() => {});
    if (res.type === 'opaqueredirect') return null;
    /** @type {{name: string, value: string}[]} */
    const headers = [];
    res.headers.forEach((value, name) => { headers.push({ name, value }); });
    return { status: res.status, headers };
  } catch {
    return null;
  }
}

/**
 * If the tab's error is a response the browser hid, asks the site once and rewrites the tab's
 * diagnosis, badge and history entry with what it answered. Asked once per error (`learned`).
 * @param {number} tabId
 * @param {import('./state.js').TabState} state
 * @param {import('../lib/lang.js').Lang} lang
 * @returns {Promise<import('./state.js').TabState>} the state to show
 */
export async function learnHiddenStatus(tabId, state, lang) {
  if (state.input.net_error !== HIDDEN_RESPONSE || state.learned) return state;
  const seq = currentSeq(tabId);
  const got = await askSite(state.url);
  // The tab moved on while we asked: that navigation has its own state.
  if (currentSeq(tabId) !== seq) return state;
  if (!got || !isCandidateStatus(got.status)) {
    // A clean request answered without an error: the tab's request is what failed (the popup
    // frames it as an error the user can fix; lib/verdict.js reframeHidden).
    const next = { ...state, learned: true, ...(got ? { cleanStatus: got.status } : {}) };
    await st.setTab(tabId, next);
    if (got) await setBadge(tabId, reframeHidden(state.diagnosis, got.status, state.diagnosis.verdict));
    return next;
  }
  /** @type {import('./engine.js').PageInput} */
  const input = { status: got.status, headers: got.headers, url: state.url };
  const diagnosis = await diagnose({ ...input, lang, now_ms: Date.now() });
  if (currentSeq(tabId) !== seq) return state;
  const next = { ...state, input, diagnosis, learned: true };
  await st.setTab(tabId, next);
  if (failed(diagnosis)) await setBadge(tabId, diagnosis);
  await fixHistory(state, diagnosis);
  return next;
}

/**
 * The history entry written for the hidden error (same site, same moment) now says what the
 * site answered; nothing else in the history changes.
 * @param {import('./state.js').TabState} state
 * @param {import('./engine.js').Diagnosis} d
 */
async function fixHistory(state, d) {
  const host = siteOf(state.url);
  // The entry holds the error as the engine named it (without the `net::`).
  const was = state.diagnosis.net_error;
  if (!host || !was) return;
  // The store is a fresh copy read for this change: edited in place.
  await updateHistory(storage.local, (store) => {
    const list = Object.hasOwn(store.sites, host) ? store.sites[host] : undefined;
    const i = list ? list.findLastIndex((e) => e.net_error === was && Math.abs(e.time - state.at) < ENTRY_WINDOW_MS) : -1;
    if (list && i >= 0) list[i] = { ...list[i], status: d.status ?? null, net_error: null, provider: d.provider ?? null, fault: d.fault ?? null };
    return store;
  });
}
