/**
 * The worker's copy of the "never on this site" list (lib/excluded-sites.js says what it means
 * and why it lives in storage.local): an in-memory Set, so the check on every navigation is a
 * lookup, loaded once per worker start (an MV3 worker is stopped and started again at any time:
 * every decision first awaits the load) and kept in step with storage.onChanged.
 */
import { NEVER_KEY, addExcluded, addedSites, isExcluded, loadExcluded, normalizeList, removeExcluded } from '../lib/excluded-sites.js';
import { storage } from '../lib/platform.js';

/** @type {Set<string>} */
let sites = new Set();
let isLoaded = false;

/** The list, read once when the worker starts. */
const loaded = loadExcluded(storage.local).then(
  (list) => {
    sites = new Set(list);
    isLoaded = true;
  },
  () => {
    // No storage: an empty list (nothing turned off) rather than a worker that never decides.
    isLoaded = true;
  },
);

/**
 * Whether the extension is off for this address; null while the list is still loading (then use
 * `excluded`).
 * @param {string} url
 * @returns {boolean|null}
 */
export function excludedNow(url) {
  return isLoaded ? isExcluded(sites, url) : null;
}

/**
 * Whether the extension is off for this address, once the list is loaded.
 * @param {string} url
 */
export async function excluded(url) {
  if (!isLoaded) await loaded;
  return isExcluded(sites, url);
}

/**
 * storage.onChanged for `local`: takes the new list; returns the hosts newly turned off (their
 * open tabs are to be cleared), or [] when the list did not change here.
 * @param {Record<string, import('../lib/platform.js').StorageChange>} changes
 * @returns {string[]}
 */
export function takeChange(changes) {
  const c = changes[NEVER_KEY];
  if (!c) return [];
  sites = new Set(normalizeList(c.newValue));
  isLoaded = true;
  return addedSites(c.oldValue, c.newValue);
}

/**
 * Turns the extension off for a host (the popup's "never on this site"); the Set is updated at
 * once, so the next navigation is decided by it even before onChanged arrives.
 * @param {string} host
 */
export async function turnOff(host) {
  await loaded;
  const k = await addExcluded(storage.local, host);
  if (k) sites.add(k);
  return k;
}

/**
 * Turns it back on for a host.
 * @param {string} host
 */
export async function turnOn(host) {
  await loaded;
  await removeExcluded(storage.local, host);
  sites = new Set(await loadExcluded(storage.local));
}
