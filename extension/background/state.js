/**
 * Per-tab state in chrome.storage.session, so it survives the service worker being stopped.
 * Keys: `tab:<id>` (the diagnosis and the input it came from), `retry:<id>` (auto-retry),
 * `pend:<id>` (an error response seen before its navigation committed), `site:<origin>` (retry
 * attempts used on a site this session).
 */
import { storage } from '../lib/platform.js';

/**
 * @typedef {import('./engine.js').PageInput} PageInput
 * @typedef {import('./engine.js').Diagnosis} Diagnosis
 * @typedef {{url: string, input: PageInput, diagnosis: Diagnosis, pageRead: boolean, manual: boolean,
 *   form?: boolean, learned?: boolean, cleanStatus?: number, documentId: string|null, at: number, done?: boolean}} TabState
 *   `done` is false while the first, headers-only diagnosis waits for the page to be read; `form`:
 *   the page is the answer to a form submission, so a reload would send the form again; `learned`:
 *   the site was asked once for the status the browser hid (learn.js); `cleanStatus`: what it
 *   answered when that was no error (the tab's own request is what failed).
 * @typedef {{url: string, status: number, headers: {name: string, value: string}[], ip?: string, at: number,
 *   post?: boolean}} Pending  `post`: the answer to a POST (read where webRequest is held)
 * @typedef {import('../lib/retry-policy.js').RetryState & {form?: boolean, offline?: boolean, stopped?: 'cap'|'bad-url'|'back'|null}} RetryRecord
 *   `form`: the retry watches the site's origin and never reloads the tab; `stopped: 'back'`: it
 *   saw the site back and left the resending to the user; `offline`: paused, the browser is offline.
 */

const area = () => storage.session;

/**
 * The last write to storage.session that failed (quota, most likely), kept so the popup can say
 * so: a lost write means a tab shows less than it should, and that must not be silent.
 * @type {{message: string, at: number}|null}
 */
let writeFailure = null;

/** The last failed write of this worker, or null. */
export const storageFailure = () => writeFailure;

/**
 * storage.session.set, with a failure logged and remembered before it is passed on.
 * @param {Record<string, unknown>} items
 */
async function write(items) {
  try {
    await area().set(items);
  } catch (e) {
    writeFailure = { message: String(e instanceof Error ? e.message : e).slice(0, 300), at: Date.now() };
    console.warn('gateway-doctor: storage.session write failed:', writeFailure.message, Object.keys(items));
    throw e;
  }
}

/**
 * Tabs that may hold state here. A healthy navigation in any other tab (nearly all browsing)
 * then costs no storage access and no badge call. Filled from storage once per worker start, so
 * a restarted worker still knows its tabs; every write below adds to it first.
 * @type {Set<number>}
 */
const stateful = new Set();
const loaded = area()
  .get(null)
  .then(
    (all) => {
      for (const k of Object.keys(all)) {
        const m = /^(?:tab|retry|pend):(\d+)$/.exec(k);
        if (m) stateful.add(Number(m[1]));
      }
    },
    () => {
      // No storage: nothing to restore; writes still fill the set.
    },
  );

/** May this tab have a diagnosis, a pending response or a retry stored? @param {number} tabId */
export async function mayHaveState(tabId) {
  await loaded;
  return stateful.has(tabId);
}

/** The tab's state is all gone (cleared or the tab closed). @param {number} tabId */
export function forgetTab(tabId) {
  stateful.delete(tabId);
}

/** @param {number} tabId */
export const tabKey = (tabId) => `tab:${tabId}`;
/** @param {number} tabId */
export const retryKey = (tabId) => `retry:${tabId}`;
/** @param {number} tabId */
export const pendKey = (tabId) => `pend:${tabId}`;
/** @param {string} origin */
export const siteKey = (origin) => `site:${origin}`;

/**
 * @param {number} tabId
 * @returns {Promise<TabState|null>}
 */
export async function getTab(tabId) {
  const k = tabKey(tabId);
  const got = await area().get(k);
  const stored = /** @type {TabState|undefined} */ (got[k]);
  // Stored once (see setTab): the input's address is the state's.
  return stored ? { ...stored, input: { ...stored.input, url: stored.input.url ?? stored.url } } : null;
}

/**
 * @param {number} tabId
 * @param {TabState} s
 */
export async function setTab(tabId, s) {
  stateful.add(tabId);
  // The address once, not twice: the input's is the state's whenever they agree.
  const { url: inputUrl, ...rest } = s.input;
  const input = inputUrl === s.url ? rest : s.input;
  await write({ [tabKey(tabId)]: { ...s, input } });
}

/**
 * @param {number} tabId
 * @returns {Promise<RetryRecord|null>}
 */
export async function getRetry(tabId) {
  const k = retryKey(tabId);
  const got = await area().get(k);
  return /** @type {RetryRecord|undefined} */ (got[k]) ?? null;
}

/**
 * @param {number} tabId
 * @param {RetryRecord} r
 */
export async function setRetry(tabId, r) {
  stateful.add(tabId);
  await write({ [retryKey(tabId)]: r });
}

/**
 * Every tab's retry record (to resume those paused while offline).
 * @returns {Promise<RetryRecord[]>}
 */
export async function allRetries() {
  const all = await area().get(null);
  return Object.keys(all).filter((k) => /^retry:\d+$/.test(k)).map((k) => /** @type {RetryRecord} */ (all[k]));
}

/** @param {number} tabId */
export async function removeRetry(tabId) {
  await area().remove(retryKey(tabId));
}

/**
 * @param {number} tabId
 * @returns {Promise<Pending|null>}
 */
export async function getPending(tabId) {
  const k = pendKey(tabId);
  const got = await area().get(k);
  return /** @type {Pending|undefined} */ (got[k]) ?? null;
}

/**
 * @param {number} tabId
 * @param {Pending} p
 */
export async function setPending(tabId, p) {
  stateful.add(tabId);
  await write({ [pendKey(tabId)]: p });
}

/** @param {number} tabId */
export async function clearPending(tabId) {
  await area().remove(pendKey(tabId));
}

/** Forgets the tab's diagnosis and pending response (not its retry). @param {number} tabId */
export async function clearTab(tabId) {
  await area().remove([tabKey(tabId), pendKey(tabId)]);
}

/**
 * Attempts used on a site this session.
 * @param {string} origin
 * @returns {Promise<number>}
 */
export async function siteUsed(origin) {
  const k = siteKey(origin);
  const got = await area().get(k);
  const v = got[k];
  return typeof v === 'number' ? v : 0;
}

/**
 * Counts one more attempt on a site; returns the new total.
 * @param {string} origin
 * @returns {Promise<number>}
 */
export async function addSiteAttempt(origin) {
  const n = (await siteUsed(origin)) + 1;
  await write({ [siteKey(origin)]: n });
  return n;
}
