/**
 * Auto-retry, driven by chrome.alarms so it survives the worker sleeping. Each alarm runs one
 * background probe (GET, no cache, no cookies); the tab is reloaded only when the site answers
 * healthy, then "<host> is back" is notified. The decisions live in lib/retry-policy.js.
 */
import * as policy from '../lib/retry-policy.js';
import { loadSettings } from '../lib/settings.js';
import { translator } from '../lib/i18n.js';
import { addSiteAttempt, getRetry, removeRetry, setRetry, siteUsed } from './state.js';
import { retryAfter } from './engine-lists.js';
import { clearAlarm, getTab, notify, reloadTab, setAlarm } from '../lib/platform.js';

export const ALARM_PREFIX = 'retry:';

/**
 * Starts (or restarts) auto-retry for a tab.
 * @param {number} tabId
 * @param {string} url
 * @param {number|null} retryAfter seconds, from the error response
 * @returns {Promise<import('./state.js').RetryRecord>}
 */
export async function startRetry(tabId, url, retryAfter) {
  const settings = await loadSettings();
  const origin = policy.retryableOrigin(url);
  const used = origin ? await siteUsed(origin) : 0;
  const r = policy.start({ tabId, url, retryAfter, cap: settings.retryCap, siteUsed: used, now: Date.now() });
  await clearAlarm(ALARM_PREFIX + tabId);
  if ('stop' in r) {
    const rec = {
      tabId, url, origin: origin ?? '', host: '', attempt: 0, cap: policy.clampCap(settings.retryCap), siteUsed: used,
      retryAfter: null, startedAt: Date.now(), nextAt: 0, lastStatus: null, stopped: r.stop,
    };
    await setRetry(tabId, rec);
    return rec;
  }
  await setRetry(tabId, { ...r.state, stopped: null });
  await setAlarm(ALARM_PREFIX + tabId, r.state.nextAt);
  return { ...r.state, stopped: null };
}

/** @param {number} tabId */
export async function cancelRetry(tabId) {
  await clearAlarm(ALARM_PREFIX + tabId);
  await removeRetry(tabId);
}

/**
 * One background check of the page: GET without cache or cookies, bounded in time.
 * @param {string} url
 * @returns {Promise<{status: number, retryAfter: number|null}>} status 0 on a network failure
 */
export async function probe(url) {
  /** @type {Response} */
  let res;
  try {
    res = await fetch(url, {
      method: 'GET',
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'follow',
      signal: AbortSignal.timeout(policy.PROBE_TIMEOUT_MS),
    });
  } catch {
    return { status: 0, retryAfter: null };
  }
  // The body is not needed; do not download a big page.
  res.body?.cancel().catch(() => {});
  const wait = await retryAfter(res.headers.get('retry-after'), Date.now()).catch(() => null);
  return { status: res.status, retryAfter: wait };
}

/**
 * Handles a retry alarm for one tab.
 * @param {number} tabId
 */
export async function onRetryAlarm(tabId) {
  const s = await getRetry(tabId);
  if (!s || s.stopped) return;
  const tab = await getTab(tabId).catch(() => null);
  const tabUrl = tab ? tab.url || tab.pendingUrl || '' : '';
  if (!tab || (tabUrl && policy.navigatedElsewhere(s, tabUrl))) {
    await cancelRetry(tabId);
    return;
  }
  const result = await probe(s.url);
  // The tab may have closed or moved on while the probe ran.
  const still = await getRetry(tabId);
  if (!still || still.stopped || still.startedAt !== s.startedAt) return;
  const used = await addSiteAttempt(s.origin);
  const d = policy.afterProbe(s, result, { now: Date.now(), siteUsed: used });
  if (d.kind === 'reload') {
    await cancelRetry(tabId);
    await reloadTab(tabId, true);
    await notifyBack(tabId, d.state.host);
    return;
  }
  if (d.kind === 'stop') {
    await clearAlarm(ALARM_PREFIX + tabId);
    await setRetry(tabId, { ...d.state, stopped: 'cap' });
    return;
  }
  await setRetry(tabId, { ...d.state, stopped: null });
  await setAlarm(ALARM_PREFIX + tabId, d.state.nextAt);
}

/**
 * "<host> is back", if the user wants notifications.
 * @param {number} tabId
 * @param {string} host
 */
async function notifyBack(tabId, host) {
  const settings = await loadSettings();
  if (!settings.notifications) return;
  const { t } = await translator(settings.lang);
  await notify(`back:${tabId}:${Date.now()}`, { icon: 'icons/icon-128.png', title: t('notifyBackTitle', host), message: t('notifyBackBody', host) });
}
