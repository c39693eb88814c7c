/**
 * Auto-retry for one failing API endpoint of a tab (the page itself loaded): chrome.alarms drive
 * background checks of the endpoint (GET, no cookies, no cache, no redirect followed, the same
 * backoff, Retry-After floor and per-site cap as the page's auto-retry, lib/retry-policy.js).
 * When it answers, the watch stops and says so (a notification if the user wants them); the page
 * is never reloaded by us: its app may hold unsaved work, so reloading is the user's click.
 * Kept in storage.session under `apiretry:<tabId>`; ended by the tab's next navigation.
 */
import * as policy from '../lib/retry-policy.js';
import { loadSettings } from '../lib/settings.js';
import { translator } from '../lib/i18n.js';
import { addSiteAttempt, siteUsed } from './state.js';
import { probe } from './retry.js';
import { getTab, storage } from '../lib/platform.js';
import { clearAlarm, isOnline, notify, setAlarm } from '../lib/platform-worker.js';

export const API_ALARM_PREFIX = 'apiretry:';
/** While offline a due check is put off by this long and not counted (as retry.js does). */
const OFFLINE_RECHECK_MS = 30000;

/**
 * @typedef {policy.RetryState & {endpoint: string, failedWith: number, stopped: 'cap'|'bad-url'|'back'|null, offline?: boolean}} ApiRetry
 *   `url` is the endpoint too (the policy's "page"); `failedWith`: the status it failed with
 */

/** @param {number} tabId */
const key = (tabId) => `${API_ALARM_PREFIX}${tabId}`;

/** @param {number} tabId @returns {Promise<ApiRetry|null>} */
export async function getApiRetry(tabId) {
  const k = key(tabId);
  return /** @type {ApiRetry|undefined} */ ((await storage.session.get(k))[k]) ?? null;
}

/** @param {number} tabId @param {ApiRetry} r */
const setApiRetry = (tabId, r) => storage.session.set({ [key(tabId)]: r });

/**
 * Starts watching one endpoint of a tab (a tab watches one at a time: starting another replaces it).
 * @param {number} tabId
 * @param {{url: string, status: number}} ep
 * @returns {Promise<ApiRetry>}
 */
export async function startApiRetry(tabId, ep) {
  const settings = await loadSettings();
  const origin = policy.retryableOrigin(ep.url);
  const used = origin ? await siteUsed(origin) : 0;
  const r = policy.start({ tabId, url: ep.url, retryAfter: null, cap: settings.retryCap, siteUsed: used, now: Date.now() });
  await clearAlarm(key(tabId));
  if ('stop' in r) {
    const host = policy.retryableOrigin(ep.url) ? new URL(ep.url).host : '';
    /** @type {ApiRetry} */
    const rec = {
      tabId, url: ep.url, endpoint: ep.url, failedWith: ep.status, origin: origin ?? '', host, attempt: 0, cap: policy.clampCap(settings.retryCap),
      siteUsed: used, retryAfter: null, startedAt: Date.now(), nextAt: 0, lastStatus: null, stopped: r.stop,
    };
    await setApiRetry(tabId, rec);
    return rec;
  }
  /** @type {ApiRetry} */
  const rec = { ...r.state, endpoint: ep.url, failedWith: ep.status, stopped: null };
  await setApiRetry(tabId, rec);
  await setAlarm(key(tabId), r.state.nextAt);
  return rec;
}

/** @param {number} tabId */
export async function cancelApiRetry(tabId) {
  await clearAlarm(key(tabId));
  await storage.session.remove(key(tabId));
}

/**
 * One check of the watched endpoint, on its alarm.
 * @param {number} tabId
 */
export async function onApiRetryAlarm(tabId) {
  const s = await getApiRetry(tabId);
  if (!s || s.stopped) return;
  if (!(await getTab(tabId).catch(() => null))) {
    await cancelApiRetry(tabId);
    return;
  }
  if (!isOnline()) {
    await setApiRetry(tabId, { ...s, offline: true, nextAt: Date.now() + OFFLINE_RECHECK_MS });
    await setAlarm(key(tabId), Date.now() + OFFLINE_RECHECK_MS);
    return;
  }
  const result = await probe(s.endpoint);
  const still = await getApiRetry(tabId);
  if (!still || still.stopped || still.startedAt !== s.startedAt) return;
  const used = await addSiteAttempt(s.origin);
  const d = policy.afterProbe(s, result, { now: Date.now(), siteUsed: used });
  if (d.kind === 'reload') {
    // It answers: say so and stop. The page is not reloaded unasked.
    await clearAlarm(key(tabId));
    await setApiRetry(tabId, { ...s, ...d.state, offline: false, stopped: 'back' });
    await notifyBack(tabId, d.state.host);
    return;
  }
  if (d.kind === 'stop') {
    await clearAlarm(key(tabId));
    await setApiRetry(tabId, { ...s, ...d.state, stopped: 'cap' });
    return;
  }
  await setApiRetry(tabId, { ...s, ...d.state, offline: false, stopped: null });
  await setAlarm(key(tabId), d.state.nextAt);
}

/**
 * "The API on <host> answers again", if the user wants notifications (a click brings the tab to
 * the front: main.js handles ids starting with back:<tabId>:).
 * @param {number} tabId
 * @param {string} host
 */
async function notifyBack(tabId, host) {
  const settings = await loadSettings();
  if (!settings.notifications) return;
  const { t } = await translator(settings.lang);
  await notify(`back:${tabId}:api:${Date.now()}`, { icon: 'icons/icon-128.png', title: t('apiBackTitle', host), message: t('apiBackBody', host) });
}
