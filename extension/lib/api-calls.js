/**
 * Failing API calls behind a page that loaded, as pure functions (no chrome.* here, so tests/js
 * checks them in Node): which answers count as failures, the page-side reader of resource timing
 * (injected once when the popup opens), grouping calls by endpoint (host and path, never the
 * query string: it often carries the user's own tokens), merging what resource timing and
 * webRequest saw, and the API badge.
 */
import { clipUrl, httpUrl } from './url.js';

/**
 * The API badge: its own mark and colour, distinct from a failed page's status code and fault
 * colours (lib/verdict.js FAULT_COLORS), dark enough for white text.
 */
export const API_BADGE = Object.freeze({ text: 'API', color: '#8a1c7c' });

/** Most endpoints kept per tab (a page calling hundreds of failing URLs shows the first ones). */
export const MAX_ENDPOINTS = 40;
/** Most resource timing entries looked at (the browser's buffer holds 250 unless the page asked for more). */
export const MAX_ENTRIES = 2000;
/** Longest endpoint address kept (characters). */
export const MAX_ENDPOINT_CHARS = 2048;

/**
 * @typedef {{url: string, host: string, path: string, status: number, count: number, last: number,
 *   net?: boolean}} Endpoint  `url`: origin and path, no query; `last`: ms since the epoch;
 *   `net`: seen by webRequest as it happened (else read from the page's resource timing)
 * @typedef {{host: string, count: number, calls: {url: string, count: number}[]}} HiddenHost  calls whose
 *   status the browser reports as 0, by host, and by endpoint (at most MAX_ENDPOINTS)
 * @typedef {{name: string, type: string, status: number|null, end: number}} TimingEntry
 * @typedef {{supported: boolean, entries: TimingEntry[]}} TimingRead  `supported`: the browser
 *   reports responseStatus at all (Chromium 109+)
 */

/**
 * A failing API answer: a server error (5xx) or "too many requests" (429).
 * @param {number} status
 */
export function isApiFailure(status) {
  return (status >= 500 && status <= 599) || status === 429;
}

/**
 * Runs in the page (isolated world), so self-contained: the fetch() and XMLHttpRequest entries of
 * its resource timing, with their status where the browser gives one (responseStatus; 0 for a
 * cross-origin answer without CORS). Everything it returns is page-controlled.
 * @param {number} max
 * @returns {TimingRead}
 */
export function readApiTiming(max) {
  /** @type {TimingEntry[]} */
  const entries = [];
  let supported = false;
  try {
    supported = typeof PerformanceResourceTiming !== 'undefined' && 'responseStatus' in PerformanceResourceTiming.prototype;
    const all = performance.getEntriesByType('resource');
    const origin = performance.timeOrigin;
    for (let i = Math.max(0, all.length - max); i < all.length; i++) {
      const e = /** @type {PerformanceResourceTiming & {responseStatus?: number}} */ (all[i]);
      if (e.initiatorType !== 'fetch' && e.initiatorType !== 'xmlhttprequest') continue;
      const has = typeof e.responseStatus === 'number';
      entries.push({ name: String(e.name), type: e.initiatorType, status: has ? Number(e.responseStatus) : null, end: Math.round(origin + (e.responseEnd || e.startTime)) });
    }
  } catch {
    // No resource timing here.
  }
  return { supported, entries };
}

/**
 * Where a call went, as kept: origin and path without query or fragment, clipped.
 * @param {string} url
 * @returns {{url: string, host: string, path: string}|null}
 */
export function endpointOf(url) {
  const u = httpUrl(url);
  if (!u) return null;
  const path = u.pathname.slice(0, MAX_ENDPOINT_CHARS);
  return { url: clipUrl(`${u.origin}${path}`).slice(0, MAX_ENDPOINT_CHARS), host: u.host, path };
}

/**
 * Checks what came back from the page (a hostile world) and groups it: failing calls by endpoint
 * (the latest failing status, how many, when last), and calls whose status the browser hid (0)
 * by host (cross-origin ones only: a same-origin 0 is a call that never got an answer).
 * @param {unknown} raw
 * @param {string} pageUrl the page the calls were made from
 * @returns {{supported: boolean, checked: number, endpoints: Endpoint[], hidden: HiddenHost[]}}
 */
export function groupTiming(raw, pageUrl) {
  const pageOrigin = httpUrl(pageUrl)?.origin ?? '';
  const r = raw && typeof raw === 'object' ? /** @type {Record<string, unknown>} */ (raw) : {};
  const list = Array.isArray(r.entries) ? r.entries.slice(-MAX_ENTRIES) : [];
  /** @type {Map<string, Endpoint>} */
  const failing = new Map();
  /** @type {Map<string, Map<string, number>>} */
  const hidden = new Map();
  let checked = 0;
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const e = /** @type {Record<string, unknown>} */ (item);
    const ep = typeof e.name === 'string' ? endpointOf(e.name) : null;
    if (!ep) continue;
    checked++;
    const status = typeof e.status === 'number' && Number.isInteger(e.status) && e.status >= 0 && e.status < 1000 ? e.status : null;
    const end = typeof e.end === 'number' && Number.isFinite(e.end) ? e.end : 0;
    if (status === 0) {
      if (ep.url.startsWith(`${pageOrigin}/`)) continue;
      const calls = hidden.get(ep.host) ?? new Map();
      if (calls.has(ep.url) || calls.size < MAX_ENDPOINTS) calls.set(ep.url, (calls.get(ep.url) ?? 0) + 1);
      hidden.set(ep.host, calls);
      continue;
    }
    if (status == null || !isApiFailure(status)) continue;
    const seen = failing.get(ep.url);
    if (seen) {
      seen.count++;
      if (end >= seen.last) Object.assign(seen, { last: end, status });
    } else if (failing.size < MAX_ENDPOINTS) {
      failing.set(ep.url, { ...ep, status, count: 1, last: end });
    }
  }
  return {
    supported: r.supported === true,
    checked,
    endpoints: [...failing.values()],
    hidden: [...hidden].map(([host, calls]) => hiddenHost(host, [...calls].map(([url, count]) => ({ url, count })))),
  };
}

/**
 * @param {string} host
 * @param {{url: string, count: number}[]} calls
 * @returns {HiddenHost}
 */
const hiddenHost = (host, calls) => ({ host, count: calls.reduce((n, c) => n + c.count, 0), calls });

/**
 * One failing call seen by webRequest, added to the tab's endpoints.
 * @param {Endpoint[]} endpoints
 * @param {string} url
 * @param {number} status
 * @param {number} at
 * @returns {Endpoint[]}
 */
export function addCall(endpoints, url, status, at) {
  const ep = endpointOf(url);
  if (!ep) return endpoints;
  const seen = endpoints.find((e) => e.url === ep.url);
  if (seen) return endpoints.map((e) => (e === seen ? { ...e, status, count: e.count + 1, last: Math.max(e.last, at), net: true } : e));
  if (endpoints.length >= MAX_ENDPOINTS) return endpoints;
  return [...endpoints, { ...ep, status, count: 1, last: at, net: true }];
}

/**
 * What webRequest saw and what resource timing holds, as one list: an endpoint in both keeps the
 * larger count (resource timing forgets past its buffer; webRequest only counts since it began)
 * and the latest status. A hidden call webRequest saw fail is no longer hidden. (A call the
 * browser stopped for want of CORS never shows webRequest its status either: it stays hidden.)
 * @param {Endpoint[]} net
 * @param {Endpoint[]} timing
 * @param {HiddenHost[]} hidden
 */
export function mergeCalls(net, timing, hidden) {
  /** @type {Map<string, Endpoint>} */
  const out = new Map(net.map((e) => [e.url, e]));
  for (const t of timing) {
    const n = out.get(t.url);
    if (!n) {
      if (out.size < MAX_ENDPOINTS) out.set(t.url, t);
      continue;
    }
    const latest = t.last > n.last ? t : n;
    out.set(t.url, { ...n, count: Math.max(n.count, t.count), last: latest.last, status: latest.status });
  }
  const seen = new Set(net.map((e) => e.url));
  const left = hidden.map((x) => hiddenHost(x.host, (Array.isArray(x.calls) ? x.calls : []).filter((c) => !seen.has(c.url)))).filter((x) => x.count > 0);
  return { endpoints: [...out.values()], hidden: left };
}

/**
 * The failing endpoints by host, the host with the most failing calls first; each host's status is
 * that of its latest failing call.
 * @param {Endpoint[]} endpoints
 * @returns {{host: string, status: number, count: number, endpoints: Endpoint[]}[]}
 */
export function byHost(endpoints) {
  /** @type {Map<string, Endpoint[]>} */
  const groups = new Map();
  for (const e of endpoints) groups.set(e.host, [...(groups.get(e.host) ?? []), e]);
  return [...groups].map(([host, list]) => {
    const latest = list.reduce((a, b) => (b.last > a.last ? b : a));
    return { host, status: latest.status, count: list.reduce((n, e) => n + e.count, 0), endpoints: list };
  }).sort((a, b) => b.count - a.count);
}

/**
 * The popup's headline for a failing host, by the engine's fault: the site's (it's not you), or
 * the client's (429: too many requests from this browser or network).
 * @param {string} fault the engine's fault for that status
 */
export function verdictKey(fault) {
  return fault === 'client' ? 'apiVerdictClient' : 'apiVerdictSite';
}
