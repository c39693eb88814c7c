/**
 * Failing API calls behind a page that loaded (a single-page app whose shell answered 200 while
 * every call to its API answers 502). Two sources, both kept per tab in storage.session under
 * `api:<tabId>` and cleared by the tab's next top-level navigation:
 * - the page's own resource timing, read once in an isolated world when the popup opens on it
 *   (`api-calls`): nothing runs during healthy browsing;
 * - where webRequest is held (Chromium with "read response headers" on, Firefox always), 5xx/429
 *   answers to the tab's fetch()/XMLHttpRequest calls as they happen, with the API badge.
 * Each failing host gets the engine's diagnosis of its status; "down for everyone" probes one
 * endpoint (api-retry.js watches one).
 */
import { diagnose, engineCall, ready } from './engine.js';
import { runProbe as wasmRunProbe } from '../engine/engine.js';
import * as st from './state.js';
import { headersMode } from './navigation.js';
import { langOf, logError, settingsNow } from './env.js';
import { cancelApiRetry, getApiRetry, startApiRetry } from './api-retry.js';
import { excluded } from './excluded.js';
import { API_BADGE, MAX_ENTRIES, addCall, byHost, groupTiming, isApiFailure, mergeCalls, readApiTiming } from '../lib/api-calls.js';
import { getTab, runInTab, storage } from '../lib/platform.js';
import { listenApiResponses, paintBadge } from '../lib/platform-worker.js';
import { loadProbeSettings, serviceFor } from '../lib/probe-settings.js';
import { translator } from '../lib/i18n.js';
import { isTopLevel } from '../lib/verdict.js';
import { httpUrl, isLocalHost } from '../lib/url.js';

/**
 * @typedef {import('../lib/api-calls.js').Endpoint} Endpoint
 * @typedef {import('../lib/api-calls.js').HiddenHost} HiddenHost
 * @typedef {{net: Endpoint[], timing: {endpoints: Endpoint[], hidden: HiddenHost[], supported: boolean,
 *   checked: number, at: number}|null}} ApiRecord  `net`: seen by webRequest; `timing`: the last read
 */

/** @param {number} tabId */
export const apiKey = (tabId) => `api:${tabId}`;
/** After the last failing answer, how long to wait before writing and painting (a spinner's app calls often). */
const FLUSH_MS = 250;

/**
 * Tabs that may hold an API record, filled from storage once per worker start: a commit in any
 * other tab costs nothing.
 * @type {Set<number>}
 */
const known = new Set();
const loaded = storage.session.get(null).then((all) => {
  for (const k of Object.keys(all)) {
    const m = /^api:(\d+)$/.exec(k);
    if (m) known.add(Number(m[1]));
  }
}, () => {});
/** The last top-level commit per tab: answers stamped before it belong to the page before. @type {Map<number, number>} */
const committedAt = new Map();
/** Per tab: the record being updated, one write chain at a time. @type {Map<number, Promise<unknown>>} */
const chains = new Map();
/** Failing answers not yet written, per tab. @type {Map<number, {url: string, status: number, at: number}[]>} */
const queued = new Map();

/** @param {number} tabId @returns {Promise<ApiRecord|null>} */
export async function getApiRecord(tabId) {
  const k = apiKey(tabId);
  return /** @type {ApiRecord|undefined} */ ((await storage.session.get(k))[k]) ?? null;
}

/** @param {number} tabId @param {ApiRecord} r */
async function setApiRecord(tabId, r) {
  known.add(tabId);
  await storage.session.set({ [apiKey(tabId)]: r });
}

/**
 * Runs `fn` after the tab's earlier updates: read-modify-write of one record never interleaves.
 * @template T
 * @param {number} tabId
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
function serial(tabId, fn) {
  const next = (chains.get(tabId) ?? Promise.resolve()).then(fn, fn);
  chains.set(tabId, next.catch(() => {}));
  return next;
}

/** Registers the webRequest listener, only while webRequest is held (main.js: at start and when granted). */
export function listenApi() {
  if (headersMode()) listenApiResponses(onApiResponse);
}

/** @param {import('../lib/platform.js').HeadersDetails} d */
function onApiResponse(d) {
  // Everything that is no failing answer of a tab's page returns here, before any other work.
  if (!isApiFailure(d.statusCode) || d.tabId < 0 || !headersMode()) return undefined;
  if (d.timeStamp < (committedAt.get(d.tabId) ?? 0)) return undefined;
  const list = queued.get(d.tabId) ?? [];
  if (list.length < 200) list.push({ url: d.url, status: d.statusCode, at: Date.now() });
  if (!queued.has(d.tabId)) {
    queued.set(d.tabId, list);
    setTimeout(() => flush(d.tabId).catch(logError), FLUSH_MS);
  }
  return undefined;
}

/**
 * Writes the tab's queued failing answers and paints the API badge, unless the page itself failed
 * (its own badge says more).
 * @param {number} tabId
 */
function flush(tabId) {
  return serial(tabId, async () => {
    const calls = queued.get(tabId) ?? [];
    queued.delete(tabId);
    if (!calls.length) return;
    // "Never on this site": its failing calls are neither kept nor badged.
    const tab = await getTab(tabId).catch(() => null);
    if (!tab?.url || await excluded(tab.url)) return;
    const rec = (await getApiRecord(tabId)) ?? { net: [], timing: null };
    let net = rec.net;
    for (const c of calls) net = addCall(net, c.url, c.status, c.at);
    await setApiRecord(tabId, { ...rec, net });
    if (await st.mayHaveState(tabId)) {
      const page = await st.getTab(tabId);
      if (page?.diagnosis.is_error) return;
    }
    const hosts = byHost(net);
    const top = hosts[0];
    if (!top) return;
    const { t } = await translator((await settingsNow()).lang);
    const title = t('tooltipJoin', [t('extName'), t('apiBadgeTitle', [top.host, String(top.status), String(top.count)])]);
    await paintBadge(tabId, { ...API_BADGE, title: title.slice(0, 500) }).catch(() => {});
  });
}

/**
 * webNavigation.onCommitted: a new top-level document starts with no failing calls; the old
 * page's record and any watch of its endpoints end (the browser resets the tab's badge itself).
 * @param {import('../lib/platform.js').CommitDetails} d
 */
export function onTopCommit(d) {
  if (!isTopLevel(d)) return;
  committedAt.set(d.tabId, d.timeStamp);
  queued.delete(d.tabId);
  loaded.then(() => {
    if (known.has(d.tabId)) return forgetApi(d.tabId);
    return undefined;
  }).catch(logError);
}

/** The tab closed or navigated: its record and endpoint watch go. @param {number} tabId */
export async function forgetApi(tabId) {
  known.delete(tabId);
  await serial(tabId, () => storage.session.remove(apiKey(tabId)));
  await cancelApiRetry(tabId);
}

/** Forgets a closed tab entirely. @param {number} tabId */
export function forgetApiTab(tabId) {
  committedAt.delete(tabId);
  queued.delete(tabId);
  chains.delete(tabId);
  return forgetApi(tabId);
}

/**
 * The tab's failing endpoints now: what webRequest saw and the last resource timing read merged.
 * @param {ApiRecord|null} rec
 */
function merged(rec) {
  return mergeCalls(rec?.net ?? [], rec?.timing?.endpoints ?? [], rec?.timing?.hidden ?? []);
}

/**
 * One of the tab's failing endpoints, by address; the actions take no other (a message naming an
 * endpoint the tab never called is refused).
 * @param {number} tabId
 * @param {unknown} url
 */
export async function knownEndpoint(tabId, url) {
  const found = merged(await getApiRecord(tabId)).endpoints.find((e) => e.url === url);
  if (!found) throw new Error('not a failing endpoint of this tab');
  return found;
}

/**
 * The popup's question: the tab's failing API calls, each failing host with the engine's
 * diagnosis of its status. With `read` (the popup's first ask) the page's resource timing is read
 * once first.
 * @param {number} tabId
 * @param {boolean} read
 */
export async function apiCalls(tabId, read) {
  const settings = await settingsNow();
  const lang = langOf(settings);
  const rec = await serial(tabId, async () => {
    const now = (await getApiRecord(tabId)) ?? { net: [], timing: null };
    if (!read) return now;
    const tab = await getTab(tabId).catch(() => null);
    // injectImmediately: resource timing is there whatever the page is doing.
    const raw = tab && httpUrl(tab.url) ? await runInTab({ tabId, documentId: null }, readApiTiming, [MAX_ENTRIES], true).catch(() => null) : null;
    if (!raw) return now;
    const next = { ...now, timing: { ...groupTiming(raw, tab?.url ?? ''), at: Date.now() } };
    // A tab with nothing failing and nothing hidden keeps no record.
    if (next.net.length || next.timing.endpoints.length || next.timing.hidden.length) await setApiRecord(tabId, next);
    return next;
  });
  const m = merged(rec);
  const hosts = [];
  for (const h of byHost(m.endpoints)) {
    const first = h.endpoints[0];
    const d = await diagnose({ url: first ? first.url : `http://${h.host}/`, status: h.status, headers: [], lang, now_ms: Date.now() });
    hosts.push({ ...h, fault: d.fault, verdict: d.verdict, meaning_title: d.meaning_title ?? null, fault_label: d.fault_label ?? null });
  }
  return {
    hosts,
    hidden: m.hidden,
    read: !!rec.timing,
    supported: rec.timing?.supported ?? false,
    checked: rec.timing?.checked ?? 0,
    watched: !!headersMode(),
    retry: await getApiRetry(tabId),
  };
}

/**
 * "Down for everyone?" for one endpoint: the engine's check-down of its address (clean GETs, no
 * cookies, no redirect followed), and the public checker when the user turned it on and the host
 * may be named outside (never a local or reserved one). The reply has the probe outcome's shape
 * (probe-handlers.js), so the popup renders it as the page's own check.
 * @param {number} tabId
 * @param {unknown} url
 */
export async function checkEndpoint(tabId, url) {
  const ep = await knownEndpoint(tabId, url);
  const s = await loadProbeSettings();
  const host = httpUrl(ep.url)?.hostname ?? '';
  const timeout_ms = s.timeoutMs;
  /** @param {import('./engine.js').ProbeRequest} req */
  const run = async (req) => {
    try {
      await ready;
      return /** @type {import('./probe-handlers.js').EngineReply} */ (await engineCall.runAsync(() => wasmRunProbe(req)));
    } catch (e) {
      return { ok: false, error: { kind: 'bad-input', detail: String(e instanceof Error ? e.message : e).slice(0, 300) } };
    }
  };
  const leaks = isLocalHost(host) && !isLocalHost(httpUrl(s.checkerEndpoint)?.hostname ?? '');
  const [probe, checker] = await Promise.all([
    run({ kind: 'check-down', url: ep.url, tab_status: ep.status, connectivity_url: s.connectivityUrl, timeout_ms }),
    !s.checkerEnabled ? null : leaks ? { ok: false, error: { kind: 'local-host', detail: host } } : run({ kind: 'public-checker', endpoint: s.checkerEndpoint, host, timeout_ms }),
  ]);
  return {
    kind: 'check-down', probe, checker, host, url: ep.url, timeoutMs: timeout_ms, at: Date.now(), auto: false,
    service: serviceFor('check-down', s), alternative: null,
  };
}

/** @type {Record<string, (tabId: number, msg: Record<string, unknown>) => Promise<Record<string, unknown>>>} */
const handlers = {
  'api-calls': (tabId, msg) => apiCalls(tabId, msg.read === true),
  'api-check-down': async (tabId, msg) => ({ available: true, kind: 'check-down', result: await checkEndpoint(tabId, msg.endpoint) }),
  'api-retry-start': async (tabId, msg) => ({ retry: await startApiRetry(tabId, await knownEndpoint(tabId, msg.endpoint)) }),
  'api-retry-cancel': async (tabId) => {
    await cancelApiRetry(tabId);
    return {};
  },
};

/**
 * The reply to one of the popup's API messages, or null for any other message (main.js asks
 * actions.js first).
 * @param {unknown} msg
 * @returns {Promise<Record<string, unknown>>|null}
 */
export function answerApi(msg) {
  const m = msg && typeof msg === 'object' ? /** @type {Record<string, unknown>} */ (msg) : {};
  const type = m.type;
  const handler = typeof type === 'string' && Object.hasOwn(handlers, type) ? handlers[type] : undefined;
  if (!handler) return null;
  const tabId = m.tabId;
  if (typeof tabId !== 'number' || !Number.isInteger(tabId) || tabId < 0) return Promise.reject(new Error('bad tabId'));
  return handler(tabId, m);
}
