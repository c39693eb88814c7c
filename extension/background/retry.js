/**
 * Auto-retry, driven by chrome.alarms so it survives the worker sleeping. Each alarm runs one
 * background probe (GET, no cache, no cookies); the tab is reloaded only when the site answers
 * healthy, then "<host> is back" is notified. A page that answered a form submission is never
 * reloaded: reloading it would send the form again (an order placed twice). There the probe
 * watches the site's origin, and once it answers the retry stops and says the form was not sent
 * again; resending is the user's own click. The decisions live in lib/retry-policy.js.
 */
import * as policy from '../lib/retry-policy.js';
import { loadSettings } from '../lib/settings.js';
import { translator } from '../lib/i18n.js';
import { addSiteAttempt, allRetries, getRetry, removeRetry, setRetry, siteUsed } from './state.js';
import { retryAfter } from './engine-lists.js';
import { getTab, reloadTab } from '../lib/platform.js';
import { clearAlarm, isOnline, notify, setAlarm } from '../lib/platform-worker.js';

export const ALARM_PREFIX = 'retry:';
/**
 * While the browser is offline a due check is not made (and not counted) but put off by this
 * long; the `online` event resumes paused retries at once when the worker is awake for it.
 */
export const OFFLINE_RECHECK_MS = 30000;

/**
 * Starts (or restarts) auto-retry for a tab.
 * @param {number} tabId
 * @param {string} url
 * @param {number|null} retryAfter seconds, from the error response
 * @param {boolean} [form] the page answered a form submission: watch the site, never reload it
 * @param {boolean} [learn] the error's headers were not read (no webRequest) and its status may
 *   carry a Retry-After: ask the site once, so the first check already waits as long as it asked
 * @returns {Promise<import('./state.js').RetryRecord>}
 */
export async function startRetry(tabId, url, retryAfter, form = false, learn = false) {
  const settings = await loadSettings();
  const origin = policy.retryableOrigin(url);
  if (retryAfter == null && learn && origin) retryAfter = (await probe(form ? `${origin}/` : url)).retryAfter;
  const used = origin ? await siteUsed(origin) : 0;
  const r = policy.start({ tabId, url, retryAfter, cap: settings.retryCap, siteUsed: used, now: Date.now() });
  await clearAlarm(ALARM_PREFIX + tabId);
  if ('stop' in r) {
    const rec = {
      tabId, url, origin: origin ?? '', host: '', attempt: 0, cap: policy.clampCap(settings.retryCap), siteUsed: used,
      retryAfter: null, startedAt: Date.now(), nextAt: 0, lastStatus: null, form, stopped: r.stop,
    };
    await setRetry(tabId, rec);
    return rec;
  }
  const rec = { ...r.state, form, stopped: null };
  await setRetry(tabId, rec);
  await setAlarm(ALARM_PREFIX + tabId, r.state.nextAt);
  return rec;
}

/** @param {number} tabId */
export async function cancelRetry(tabId) {
  await clearAlarm(ALARM_PREFIX + tabId);
  await removeRetry(tabId);
}

/**
 * One background check of the page: GET without cache or cookies, bounded in time. A redirect is
 * never followed (the site could send it to any host, the user's LAN included, or to a 2xx that
 * fakes "back"): it counts as answered 3xx, policy.REDIRECTED.
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
      redirect: 'manual',
      signal: AbortSignal.timeout(policy.PROBE_TIMEOUT_MS),
    });
  } catch {
    return { status: 0, retryAfter: null };
  }
  // An opaque redirect has status 0 and no headers to read.
  if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) return { status: policy.REDIRECTED, retryAfter: null };
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
  // A form's answer is watched through its site's front page: a GET of the form's own URL may
  // mean something else to the site, and the page itself is never fetched again.
  if (!isOnline()) {
    // Offline: a check now would only fail and spend an attempt of the site's cap.
    await setRetry(tabId, { ...s, offline: true, nextAt: Date.now() + OFFLINE_RECHECK_MS });
    await setAlarm(ALARM_PREFIX + tabId, Date.now() + OFFLINE_RECHECK_MS);
    return;
  }
  const result = await probe(s.form ? `${s.origin}/` : s.url);
  // The tab may have closed or moved on while the probe ran.
  const still = await getRetry(tabId);
  if (!still || still.stopped || still.startedAt !== s.startedAt) return;
  const used = await addSiteAttempt(s.origin);
  const d = policy.afterProbe(s, result, { now: Date.now(), siteUsed: used });
  if (d.kind === 'reload' && s.form) {
    await clearAlarm(ALARM_PREFIX + tabId);
    await setRetry(tabId, { ...d.state, form: true, stopped: 'back' });
    await notifyBack(tabId, d.state.host, true);
    return;
  }
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
  await setRetry(tabId, { ...d.state, offline: false, stopped: null });
  await setAlarm(ALARM_PREFIX + tabId, d.state.nextAt);
}

/** The connection is back: paused retries check now (in a second) instead of at their next recheck. */
export async function resumeOffline() {
  for (const r of await allRetries()) {
    if (!r.offline || r.stopped) continue;
    const at = Date.now() + 1000;
    await setRetry(r.tabId, { ...r, offline: false, nextAt: at });
    await setAlarm(ALARM_PREFIX + r.tabId, at);
  }
}

/**
 * "<host> is back", if the user wants notifications; for a form's page, that the form was not sent.
 * @param {number} tabId
 * @param {string} host
 * @param {boolean} [form]
 */
async function notifyBack(tabId, host, form = false) {
  const settings = await loadSettings();
  if (!settings.notifications) return;
  const { t } = await translator(settings.lang);
  const message = t(form ? 'notifyBackFormBody' : 'notifyBackBody', host);
  await notify(`back:${tabId}:${Date.now()}`, { icon: 'icons/icon-128.png', title: t('notifyBackTitle', host), message });
}
