/**
 * What our own pages (the popup, the popup opened as a tab, the options) ask the service worker
 * for, one handler per message `type`: the tab's state, "diagnose this page anyway", reloads,
 * clearing one site's cache, auto-retry, the probes, the browser's DNS page. main.js answers
 * messages with `answer`, after platform.js has checked that they come from our own pages.
 */
import { diagnose } from './engine.js';
import { readTab } from './page.js';
import * as st from './state.js';
import { cancelRetry, startRetry } from './retry.js';
import { runProbe, PROBE_KINDS } from './probes.js';
import { setBadge } from './badge.js';
import { learnHiddenStatus } from './learn.js';
import { currentSeq, dropSites, headersMode, lastResponseOf } from './navigation.js';
import { excluded, turnOff, turnOn } from './excluded.js';
import { siteOfUrl } from '../lib/excluded-sites.js';
import { langOf } from './env.js';
import { getTab, openDnsCachePage, reloadTab } from '../lib/platform.js';
import { clearSiteData } from '../lib/platform-worker.js';
import { loadSettings } from '../lib/settings.js';
import { failed } from '../lib/verdict.js';
import { mayAskToWait, retryableOrigin } from '../lib/retry-policy.js';
import { httpUrl, sameDocument } from '../lib/url.js';

/** @typedef {import('./engine.js').PageInput} PageInput */

/** @param {Record<string, unknown>} msg */
function tabIdOf(msg) {
  const id = msg.tabId;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new Error('bad tabId');
  return id;
}

/**
 * Refuses to reload a form's answer unless the popup says the user confirmed resending it: the
 * warning is the popup's, this is the guard behind it.
 * @param {number} tabId
 * @param {Record<string, unknown>} msg
 */
async function mayResend(tabId, msg) {
  if (msg.resend === true) return;
  const state = await st.getTab(tabId);
  if (state?.form) throw new Error('this page answered a form: reloading sends the form again');
}

/** @type {Record<string, (msg: Record<string, unknown>) => Promise<Record<string, unknown>>>} */
const handlers = {
  /** Everything the popup shows for one tab; re-runs the engine if the language changed. */
  async 'get-state'(msg) {
    const tabId = tabIdOf(msg);
    const [tab, stateRead, retry, settings] = await Promise.all([
      getTab(tabId).catch(() => null),
      st.getTab(tabId),
      st.getRetry(tabId),
      loadSettings(),
    ]);
    const lang = langOf(settings);
    // "Never on this site": the popup says so and offers to turn it back on; nothing else.
    const site = siteOfUrl(tab?.url ?? '');
    if (site && await excluded(tab?.url ?? '')) {
      return { tab: { id: tabId, url: tab?.url ?? '', title: tab?.title ?? '' }, state: null, diagnosis: null, retry: null, settings, lang, site, excluded: true };
    }
    // An empty error response the browser replaced with its own page: ask the site once.
    const state = stateRead ? await learnHiddenStatus(tabId, stateRead, lang) : null;
    let diagnosis = state?.diagnosis ?? null;
    if (state && diagnosis && diagnosis.lang !== lang) {
      diagnosis = await diagnose({ ...state.input, lang, now_ms: Date.now() });
      await st.setTab(tabId, { ...state, diagnosis });
    }
    return {
      tab: tab ? { id: tab.id, url: tab.url ?? state?.url ?? '', title: tab.title ?? '' } : null,
      state: state ? { url: state.url, pageRead: state.pageRead, manual: state.manual, form: !!state.form, at: state.at, cleanStatus: state.cleanStatus ?? null } : null,
      diagnosis,
      retry,
      settings,
      lang,
      // Whether diagnoses here can use response headers (the popup says so when they cannot).
      headers: headersMode(),
      // A lost write of any tab's state (storage.session full): said, not hidden.
      storageError: st.storageFailure()?.message ?? null,
      site,
      excluded: false,
    };
  },

  /** "Never on this site" for the tab's host: stored, and its tabs cleared at once. */
  async 'never-site'(msg) {
    const tab = await getTab(tabIdOf(msg));
    const site = siteOfUrl(tab.url ?? '');
    if (!site) throw new Error('not a web page');
    await turnOff(site);
    await dropSites([site]);
    return { site };
  },

  /** Turns it back on for a host (the popup's undo). */
  async 'allow-site'(msg) {
    const site = siteOfUrl(`https://${String(msg.site ?? '')}/`);
    if (!site) throw new Error('not a host name');
    await turnOn(site);
    return { site };
  },

  /** "Diagnose this page anyway": read the current page and run the engine on it. */
  async 'diagnose-now'(msg) {
    const tabId = tabIdOf(msg);
    const seq = currentSeq(tabId);
    const tab = await getTab(tabId);
    if (await excluded(tab.url ?? '')) throw new Error('turned off on this site');
    const read = await readTab(tabId, null);
    if (!read) throw new Error('cannot read this page');
    const resp = lastResponseOf(tabId);
    const settings = await loadSettings();
    const lang = langOf(settings);
    const known = resp && sameDocument(resp.url, read.url) ? resp : null;
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
    if (currentSeq(tabId) !== seq) throw new Error('the tab navigated');
    await st.setTab(tabId, { url: read.url, input, diagnosis: d, pageRead: true, manual: true, documentId: null, at: Date.now(), done: true });
    if (failed(d)) await setBadge(tabId, d);
    return { diagnosis: d };
  },

  /** Reloads; a form's answer only when the user confirmed sending the form again (`resend`). */
  async reload(msg) {
    const tabId = tabIdOf(msg);
    await mayResend(tabId, msg);
    await reloadTab(tabId, false);
    return {};
  },

  async 'hard-reload'(msg) {
    const tabId = tabIdOf(msg);
    await mayResend(tabId, msg);
    await reloadTab(tabId, true);
    return {};
  },

  /** Clears this one site's cache, cache storage and service workers (cookies only if asked), then reloads. */
  async 'clear-site-cache'(msg) {
    const tabId = tabIdOf(msg);
    const tab = await getTab(tabId);
    const state = await st.getTab(tabId);
    const origin = retryableOrigin(state?.url ?? tab.url ?? '');
    if (!origin) throw new Error('not a web page');
    const cookies = msg.cookies === true;
    await clearSiteData(origin, { cookies });
    // A form's answer is not reloaded: that would send the form again.
    if (!state?.form) await reloadTab(tabId, false);
    return { origin, cookies, reloaded: !state?.form };
  },

  async 'retry-start'(msg) {
    const tabId = tabIdOf(msg);
    const state = await st.getTab(tabId);
    if (!state) throw new Error('no error on this tab');
    // Only the server's Retry-After is a floor; the engine's default `delay` advice (30 s) would
    // otherwise replace the schedule's first, shorter step.
    // Headers not read (no webRequest): the site is asked once for its Retry-After.
    const learn = !state.input.headers?.length && mayAskToWait(state.diagnosis.status);
    const retry = await startRetry(tabId, state.url, state.diagnosis.retry_after ?? null, !!state.form, learn);
    return { retry };
  },

  async 'retry-cancel'(msg) {
    await cancelRetry(tabIdOf(msg));
    return {};
  },

  /** The probes: check-down, check-dns, provider-status, archived-copy. */
  async probe(msg) {
    const tabId = tabIdOf(msg);
    const kind = String(msg.kind ?? '');
    if (!PROBE_KINDS.includes(kind)) throw new Error('unknown probe');
    const state = await st.getTab(tabId);
    const action = state?.diagnosis.actions.find((a) => a.id === kind) ?? null;
    const url = state?.url ?? '';
    return runProbe(kind, { tabId, url, host: httpUrl(url)?.hostname ?? null, action, alt: msg.alt === true, ...(typeof msg.archive === 'string' ? { archive: msg.archive } : {}) });
  },

  /** Opens the browser's own DNS cache page (Chromium only; Firefox does not let extensions open about:networking). */
  async 'open-dns-page'() {
    await openDnsCachePage();
    return {};
  },
};

/**
 * The reply to a message from one of our pages, or null when no handler takes its `type`.
 * @param {unknown} msg
 * @returns {Promise<Record<string, unknown>>|null}
 */
export function answer(msg) {
  const type = msg && typeof msg === 'object' ? /** @type {{type?: unknown}} */ (msg).type : undefined;
  const handler = typeof type === 'string' && Object.hasOwn(handlers, type) ? handlers[type] : undefined;
  return handler ? handler(/** @type {Record<string, unknown>} */ (msg)) : null;
}
