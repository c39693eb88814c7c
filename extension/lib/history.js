/**
 * Per-site error history: the pure logic (record into bounded rings, summaries, timeline buckets,
 * JSON/CSV export, merge and dedupe; import is history-import.js) plus thin load/save helpers that take
 * a storage area (chrome.storage.local in the extension, a fake in tests). Nothing here leaves
 * the browser.
 */
import { httpUrl } from './url.js';
import { failed, situationOf } from './verdict.js';

/**
 * One noticed error. `status` for HTTP errors, `net_error` (e.g. net::ERR_NAME_NOT_RESOLVED) for
 * network errors; `host` is the URL's host (with port when it has one); `situation` only when the
 * failure was no outage (a firewall's block, a cookie too large, a block by the browser), so the
 * entries of outages read as they always did.
 * @typedef {{time: number, host: string, status: number|null, net_error: string|null,
 *   provider: string|null, fault: string|null, situation?: string}} HistoryEntry
 * @typedef {{v: 1, sites: Record<string, HistoryEntry[]>}} HistoryStore  `sites` has no prototype: a
 *   host named `__proto__` or `constructor` (valid URLs) is a key like any other

 * @typedef {{perSite: number, total: number, sites: number}} Limits
 * @typedef {{host: string, total: number, recent: number, last: number, lastStatus: string}} SiteSummary
 */

/** Storage key in chrome.storage.local. */
export const HISTORY_KEY = 'history';

/** Default bounds: a ring of 50 per site, at most 2000 entries over at most 200 sites. */
/** @type {Readonly<Limits>} */
export const LIMITS = Object.freeze({ perSite: 50, total: 2000, sites: 200 });

/** "Recent" window of the popup line and the site list. */
export const DAY_MS = 24 * 60 * 60 * 1000;

const FAULTS = new Set(['client', 'network', 'cdn', 'origin', 'unknown', 'none']);
/** Situations kept in an entry: the ones that are no outage. */
const NOT_OUTAGES = new Set(['client-fixable', 'firewall-block', 'blocked-by-client']);
const HOST_RE = /^[a-z0-9.\-_:[\]]{1,260}$/;
const IDENT_RE = /^[a-z0-9][a-z0-9_.:-]{0,63}$/i;

/** @returns {HistoryStore} */
export function emptyStore() {
  return { v: 1, sites: /** @type {Record<string, HistoryEntry[]>} */ (Object.create(null)) };
}

/**
 * The site key of a URL (host with port), or null for anything that is not an http(s) page.
 * @param {string} url
 * @returns {string|null}
 */
export function siteOf(url) {
  return httpUrl(url)?.host.toLowerCase() || null;
}

/**
 * The history entry for a diagnosis, or null when it is not an error of an http(s) page.
 * @param {string} url
 * @param {{is_error: boolean, situation?: string|null, status?: number|null, net_error?: string|null, provider?: string|null, fault?: string|null}} d
 * @param {number} now
 * @returns {HistoryEntry|null}
 */
export function entryFromDiagnosis(url, d, now) {
  if (!d || !failed(d)) return null;
  const host = siteOf(url);
  if (!host) return null;
  return validEntry({
    time: now,
    host,
    status: d.status ?? null,
    net_error: d.net_error ?? null,
    provider: d.provider ?? null,
    fault: d.fault ?? null,
    situation: situationOf(d),
  });
}

/**
 * A clean copy of an entry, or null when any field is not what we would have written ourselves.
 * Used for every imported entry: hostile files can't smuggle odd values into storage.
 * @param {unknown} raw
 * @returns {HistoryEntry|null}
 */
export function validEntry(raw) {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const r = /** @type {Record<string, unknown>} */ (raw);
  const time = r.time;
  // Between 2000-01-01 and a day into the future: anything else is not a real observation.
  if (typeof time !== 'number' || !Number.isInteger(time) || time < 946684800000 || time > Date.now() + DAY_MS) return null;
  if (typeof r.host !== 'string') return null;
  const host = r.host.toLowerCase();
  if (!HOST_RE.test(host)) return null;
  const status = r.status ?? null;
  if (status !== null && (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 999)) return null;
  const netError = r.net_error ?? null;
  if (netError !== null && (typeof netError !== 'string' || !/^(net::)?ERR_[A-Z0-9_]{1,60}$/.test(netError))) return null;
  if (status === null && netError === null) return null;
  const provider = r.provider ?? null;
  if (provider !== null && (typeof provider !== 'string' || !IDENT_RE.test(provider))) return null;
  const fault = r.fault ?? null;
  if (fault !== null && (typeof fault !== 'string' || !FAULTS.has(fault))) return null;
  const situation = r.situation ?? 'outage';
  if (typeof situation !== 'string' || !(situation === 'outage' || NOT_OUTAGES.has(situation))) return null;
  return { time, host, status, net_error: netError, provider, fault, ...(situation === 'outage' ? {} : { situation }) };
}

/** @param {HistoryEntry} e */
const entryKey = (e) => `${e.host}|${e.time}|${e.status ?? ''}|${e.net_error ?? ''}|${e.provider ?? ''}|${e.fault ?? ''}|${e.situation ?? ''}`;

/**
 * Enforces the bounds in place: each site's ring, then the global entry cap (oldest entries
 * anywhere go first), then the site cap (sites whose newest entry is oldest go first).
 * @param {HistoryStore} store
 * @param {Limits} limits
 * @returns {HistoryStore}
 */
export function bound(store, limits = LIMITS) {
  for (const [host, list] of Object.entries(store.sites)) {
    list.sort((a, b) => a.time - b.time);
    if (list.length > limits.perSite) list.splice(0, list.length - limits.perSite);
    if (!list.length) delete store.sites[host];
  }
  let total = Object.values(store.sites).reduce((n, l) => n + l.length, 0);
  if (total > limits.total) {
    // Every entry with its site, oldest first; drop from the front until within the cap.
    const all = Object.entries(store.sites).flatMap(([host, l]) => l.map((e) => ({ host, time: e.time })));
    all.sort((a, b) => a.time - b.time);
    /** @type {Map<string, number>} */
    const dropCount = new Map();
    for (const x of all.slice(0, total - limits.total)) dropCount.set(x.host, (dropCount.get(x.host) ?? 0) + 1);
    for (const [host, n] of dropCount) {
      const l = /** @type {HistoryEntry[]} */ (store.sites[host]);
      l.splice(0, n);
      if (!l.length) delete store.sites[host];
    }
    total = limits.total;
  }
  const hosts = Object.keys(store.sites);
  if (hosts.length > limits.sites) {
    const newest = (/** @type {string} */ h) => {
      const l = /** @type {HistoryEntry[]} */ (store.sites[h]);
      return l[l.length - 1]?.time ?? 0;
    };
    hosts.sort((a, b) => newest(a) - newest(b));
    for (const h of hosts.slice(0, hosts.length - limits.sites)) delete store.sites[h];
  }
  return store;
}

/**
 * A new store with the entry added (duplicates ignored) and the bounds applied.
 * @param {HistoryStore} store
 * @param {HistoryEntry} entry
 * @param {Limits} [limits]
 * @returns {HistoryStore}
 */
export function addEntry(store, entry, limits = LIMITS) {
  const next = clone(store);
  const list = next.sites[entry.host] ?? (next.sites[entry.host] = []);
  const k = entryKey(entry);
  if (!list.some((e) => entryKey(e) === k)) list.push({ ...entry });
  return bound(next, limits);
}

/**
 * Both stores' entries, deduplicated, bounded.
 * @param {HistoryStore} a
 * @param {HistoryStore} b
 * @param {Limits} [limits]
 * @returns {HistoryStore}
 */
export function merge(a, b, limits = LIMITS) {
  const next = clone(a);
  for (const [host, list] of Object.entries(b.sites)) {
    const mine = next.sites[host] ?? (next.sites[host] = []);
    const seen = new Set(mine.map(entryKey));
    for (const e of list) {
      const k = entryKey(e);
      if (!seen.has(k)) {
        seen.add(k);
        mine.push({ ...e });
      }
    }
  }
  return bound(next, limits);
}

/** @param {HistoryStore} s @returns {HistoryStore} */
function clone(s) {
  /** @type {HistoryStore} */
  const out = emptyStore();
  for (const [h, l] of Object.entries(s.sites)) out.sites[h] = l.map((e) => ({ ...e }));
  return out;
}

/**
 * A store from whatever storage holds (junk → empty; bad entries dropped).
 * @param {unknown} raw
 * @returns {HistoryStore}
 */
export function normalizeStore(raw) {
  const r = /** @type {any} */ (raw);
  const out = emptyStore();
  if (!r || typeof r !== 'object' || !r.sites || typeof r.sites !== 'object' || Array.isArray(r.sites)) return out;
  for (const [host, list] of Object.entries(r.sites)) {
    if (!Array.isArray(list)) continue;
    for (const e of list) {
      const v = validEntry(e);
      if (v && v.host === host.toLowerCase()) (out.sites[v.host] ??= []).push(v);
    }
  }
  return bound(out);
}

/**
 * "Failed N times in the last 24 h, last at …" for one site.
 * @param {HistoryStore} store
 * @param {string} host
 * @param {number} now
 * @returns {{recent: number, total: number, last: HistoryEntry|null}}
 */
export function siteSummary(store, host, now) {
  const list = store.sites[host.toLowerCase()] ?? [];
  const recent = list.filter((e) => e.time > now - DAY_MS && e.time <= now + DAY_MS).length;
  return { recent, total: list.length, last: list[list.length - 1] ?? null };
}

/**
 * Short label of what failed: the status code or the network error without its prefix.
 * @param {HistoryEntry} e
 */
export function whatFailed(e) {
  return e.status != null ? String(e.status) : (e.net_error ?? '').replace(/^net::/, '');
}

/**
 * Every site, most recent failure first.
 * @param {HistoryStore} store
 * @param {number} now
 * @returns {SiteSummary[]}
 */
export function siteList(store, now) {
  return Object.keys(store.sites)
    .map((host) => {
      const s = siteSummary(store, host, now);
      const last = /** @type {HistoryEntry} */ (s.last);
      return { host, total: s.total, recent: s.recent, last: last.time, lastStatus: whatFailed(last) };
    })
    .sort((a, b) => b.last - a.last || a.host.localeCompare(b.host));
}

/**
 * Failures per bucket over the last `days` days (oldest bucket first), for the timeline chart.
 * @param {HistoryEntry[]} entries
 * @param {number} now
 * @param {number} [days]
 * @param {number} [buckets]
 * @returns {{start: number, end: number, count: number}[]}
 */
export function timeline(entries, now, days = 7, buckets = 28) {
  const span = days * DAY_MS;
  const width = span / buckets;
  const start = now - span;
  const out = Array.from({ length: buckets }, (_, i) => ({ start: start + i * width, end: start + (i + 1) * width, count: 0 }));
  for (const e of entries) {
    if (e.time <= start || e.time > now) continue;
    const i = Math.min(buckets - 1, Math.floor((e.time - start) / width));
    /** @type {{count: number}} */ (out[i]).count += 1;
  }
  return out;
}

/**
 * All entries, oldest first.
 * @param {HistoryStore} store
 * @returns {HistoryEntry[]}
 */
export function allEntries(store) {
  return Object.values(store.sites).flat().sort((a, b) => a.time - b.time || a.host.localeCompare(b.host));
}

/**
 * The export file: versioned JSON.
 * @param {HistoryStore} store
 * @param {number} now
 */
export function toJSON(store, now) {
  return JSON.stringify({ format: 'gateway-doctor-history', v: 1, exported_at: new Date(now).toISOString(), entries: allEntries(store) }, null, 2);
}

/**
 * One CSV cell: quoted when needed, and a leading = + - @ (or tab/CR) neutralised with a ' so
 * a spreadsheet never runs it as a formula.
 * @param {unknown} v
 */
export function csvCell(v) {
  let s = v == null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV header columns, in order. */
export const CSV_COLUMNS = Object.freeze(['time', 'time_iso', 'host', 'status', 'net_error', 'provider', 'fault', 'situation']);

/**
 * The CSV export (one row per entry, oldest first).
 * @param {HistoryStore} store
 */
export function toCSV(store) {
  const rows = [CSV_COLUMNS.join(',')];
  for (const e of allEntries(store)) {
    rows.push([e.time, new Date(e.time).toISOString(), e.host, e.status, e.net_error, e.provider, e.fault, e.situation ?? 'outage'].map(csvCell).join(','));
  }
  return rows.join('\r\n') + '\r\n';
}

// --- storage (area = chrome.storage.local, or a fake with the same get/set/remove) ---------------

/**
 * @typedef {{get: (k: string) => Promise<Record<string, unknown>>, set: (o: Record<string, unknown>) => Promise<void>,
 *   remove: (k: string) => Promise<void>}} Area
 */

/**
 * @param {Area} area
 * @returns {Promise<HistoryStore>}
 */
export async function loadHistory(area) {
  const got = await area.get(HISTORY_KEY);
  return normalizeStore(got[HISTORY_KEY]);
}

/**
 * Writes are serialised per module instance so two quick errors never overwrite each other.
 * @type {Promise<unknown>}
 */
let chain = Promise.resolve();

/**
 * Runs a read-modify-write of the history after any pending one.
 * @param {Area} area
 * @param {(s: HistoryStore) => HistoryStore} change
 * @returns {Promise<HistoryStore>}
 */
export function updateHistory(area, change) {
  const run = chain.then(async () => {
    const next = change(await loadHistory(area));
    await area.set({ [HISTORY_KEY]: next });
    return next;
  });
  chain = run.catch(() => undefined);
  return run;
}

/**
 * Records one error (no-op for a null entry).
 * @param {Area} area
 * @param {HistoryEntry|null} entry
 * @param {Limits} [limits]
 */
export async function record(area, entry, limits = LIMITS) {
  if (!entry) return null;
  return updateHistory(area, (s) => addEntry(s, entry, limits));
}

/** @param {Area} area */
export async function clearHistory(area) {
  await chain;
  await area.remove(HISTORY_KEY);
}
