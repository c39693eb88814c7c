/**
 * "Never on this site": the hosts where the user turned Gateway Doctor off. On them the worker
 * sets no badge, reads nothing of the page (not even its status), writes no history, starts no
 * auto-retry and opens no guidance tab.
 *
 * Stored in chrome.storage.local under NEVER_KEY as a list of host names, not in `sync`: the list
 * names sites the user visits, and `sync` would copy it to the browser vendor's servers and every
 * signed-in device, while the first-run page promises that nothing leaves this browser unasked;
 * `local` is also closed to content scripts (platform.restrictStorage) and has no 8 KB item cap.
 *
 * Matching is by exact host name, case-insensitive, port ignored, with one leading `www.` folded
 * (www.example.com and example.com are one site to a reader): example.com does not cover
 * api.example.com. A parent domain may hold many unrelated sites (github.io, a company's
 * intranet), and a list that shows exactly what it switches off is one the user can trust.
 * Pure functions, plus load/save helpers that take a storage area (a fake in tests/js).
 */
import { httpUrl } from './url.js';

/** Storage key in chrome.storage.local. */
export const NEVER_KEY = 'neverSites';
/** At most this many hosts are kept (a bound on what every navigation's check holds in memory). */
export const MAX_SITES = 2000;
/**
 * The storage area the list lives in (chrome.storage.local; an in-memory fake in tests/js).
 * @typedef {{get: (k: string) => Promise<Record<string, unknown>>, set: (o: Record<string, unknown>) => Promise<void>}} Area
 */
/** A host name as URL parsing leaves it (IDN already in punycode, IPv6 in brackets). */
const HOST_RE = /^[a-z0-9.\-_[\]:]{1,253}$/;

/**
 * The list's key for a host name: lower case, no trailing dot, one leading `www.` folded. Null for
 * anything that is not a plausible host name.
 * @param {unknown} host
 * @returns {string|null}
 */
export function siteKey(host) {
  if (typeof host !== 'string') return null;
  let h = host.trim().toLowerCase().replace(/\.$/, '');
  if (h.startsWith('www.') && h.length > 4) h = h.slice(4);
  return HOST_RE.test(h) && !h.startsWith('.') ? h : null;
}

/**
 * The list's key for a page's address (its host name, without the port), or null when it is not
 * an http(s) page.
 * @param {string} url
 * @returns {string|null}
 */
export function siteOfUrl(url) {
  const u = httpUrl(url);
  return u ? siteKey(u.hostname) : null;
}

/**
 * A clean list from whatever is stored: strings only, normalised, deduplicated, bounded.
 * @param {unknown} raw
 * @returns {string[]}
 */
export function normalizeList(raw) {
  if (!Array.isArray(raw)) return [];
  /** @type {Set<string>} */
  const out = new Set();
  for (const v of raw) {
    const k = siteKey(v);
    if (k) out.add(k);
    if (out.size >= MAX_SITES) break;
  }
  return [...out];
}

/**
 * Is this address on the list?
 * @param {ReadonlySet<string>} set keys as siteKey gives them
 * @param {string} url
 */
export function isExcluded(set, url) {
  if (set.size === 0) return false;
  const k = siteOfUrl(url);
  return k !== null && set.has(k);
}

/**
 * The hosts in `next` that were not in `prev` (newly turned off).
 * @param {unknown} prev
 * @param {unknown} next
 */
export function addedSites(prev, next) {
  const before = new Set(normalizeList(prev));
  return normalizeList(next).filter((h) => !before.has(h));
}

/**
 * @param {Area} area
 * @returns {Promise<string[]>}
 */
export async function loadExcluded(area) {
  const got = await area.get(NEVER_KEY);
  return normalizeList(got[NEVER_KEY]);
}

/**
 * Adds a host (kept sorted, so the options list reads alphabetically). Resolves with the key
 * added, or null when the host is not one.
 * @param {Area} area
 * @param {string} host
 * @returns {Promise<string|null>}
 */
export async function addExcluded(area, host) {
  const k = siteKey(host);
  if (!k) return null;
  const list = await loadExcluded(area);
  if (!list.includes(k)) {
    if (list.length >= MAX_SITES) throw new Error(`at most ${MAX_SITES} sites`);
    list.push(k);
    list.sort();
    await area.set({ [NEVER_KEY]: list });
  }
  return k;
}

/**
 * @param {Area} area
 * @param {string} host
 */
export async function removeExcluded(area, host) {
  const k = siteKey(host);
  const list = await loadExcluded(area);
  const next = list.filter((h) => h !== k);
  if (next.length !== list.length) await area.set({ [NEVER_KEY]: next });
}
