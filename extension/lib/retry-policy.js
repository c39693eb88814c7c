/**
 * Auto-retry policy as pure functions (no chrome.* here), so tests/js can check the backoff
 * schedule, the Retry-After floor, the per-site cap and the stop rules without a browser.
 * The background worker stores the returned state in chrome.storage.session and arms a
 * chrome.alarms alarm at `nextAt`. The Retry-After header itself is read by the engine (its
 * `retryAfterSeconds`); what to make of it (at most an hour) is policy and stays here.
 */
import { httpUrl } from './url.js';

/** Base delays in seconds for attempts 1..5; after that every STEADY_S. */
export const SCHEDULE_S = Object.freeze([10, 30, 60, 120, 300]);
export const STEADY_S = 600;
/** ±20 % jitter, so many users behind one outage do not retry in lockstep. */
export const JITTER = 0.2;
/** A Retry-After beyond an hour is treated as an hour: a hostile header must not park a tab for ever. */
export const RETRY_AFTER_MAX_S = 3600;
export const CAP_DEFAULT = 10;
export const CAP_MIN = 1;
/** Hard ceiling on attempts per site whatever the option says. */
export const CAP_MAX = 30;
/**
 * The status a probe reports for a redirect it did not follow: the browser hides the real code
 * (an opaque redirect), so any 3xx is recorded as 300, "answered 3xx".
 */
export const REDIRECTED = 300;
/** A probe that takes longer than this counts as a failure. */
export const PROBE_TIMEOUT_MS = 15000;

/**
 * @typedef {object} RetryState
 * @property {number} tabId
 * @property {string} url        the page being retried
 * @property {string} origin     the site the cap applies to
 * @property {string} host
 * @property {number} attempt    probes done so far for this tab
 * @property {number} cap        attempts allowed for this site
 * @property {number} siteUsed   attempts already used on this site (all tabs) when this state was made
 * @property {number|null} retryAfter seconds the server asked for (floor for the next delay)
 * @property {number} startedAt  ms since epoch
 * @property {number} nextAt     ms since epoch of the next probe
 * @property {number|null} lastStatus status of the last probe (0 = network failure)
 */

/**
 * Clamps the cap option to [CAP_MIN, CAP_MAX]; junk becomes the default.
 * @param {unknown} n
 * @returns {number}
 */
export function clampCap(n) {
  const v = typeof n === 'number' ? n : Number.parseInt(String(n), 10);
  if (!Number.isFinite(v)) return CAP_DEFAULT;
  return Math.min(CAP_MAX, Math.max(CAP_MIN, Math.trunc(v)));
}

/**
 * Base delay (seconds) before probe number `attempt + 1` (attempt is 0-based: probes already done).
 * @param {number} attempt
 * @returns {number}
 */
export function baseDelayS(attempt) {
  return attempt < SCHEDULE_S.length ? SCHEDULE_S[Math.max(0, attempt)] : STEADY_S;
}

/**
 * Delay in ms before the next probe: the schedule with jitter, never below Retry-After.
 * @param {number} attempt probes already done
 * @param {{retryAfter?: number|null, rand?: () => number}} [opts] rand in [0,1)
 * @returns {number}
 */
export function delayMs(attempt, opts = {}) {
  const rand = opts.rand ?? Math.random;
  const base = baseDelayS(attempt);
  const jittered = base * (1 + JITTER * (2 * rand() - 1));
  const floor = opts.retryAfter != null && opts.retryAfter > 0 ? Math.min(opts.retryAfter, RETRY_AFTER_MAX_S) : 0;
  return Math.round(Math.max(jittered, floor) * 1000);
}

/**
 * Does a probe answer mean the site is back? Any answer below 500 except 429 (rate limited), 408
 * (request timeout) and a redirect: a 404 still proves the server is up, but a redirect (not
 * followed) says nothing about the page, and the site could answer probes with one to fake "back".
 * @param {number} status 0 for a network failure
 * @returns {boolean}
 */
export function isHealthy(status) {
  return status >= 200 && status < 500 && status !== 429 && status !== 408 && !(status >= 300 && status < 400);
}

/**
 * Whether an error with this status may carry a Retry-After worth learning before the first
 * check when its headers were not read: 503 (unavailable) and 429 (too many requests).
 * @param {number|null|undefined} status
 */
export function mayAskToWait(status) {
  return status === 503 || status === 429;
}

/**
 * Origin of a URL, or null for URLs we cannot retry (not http/https).
 * @param {string} url
 * @returns {string|null}
 */
export function retryableOrigin(url) {
  return httpUrl(url)?.origin ?? null;
}

/**
 * Starts retrying a tab. Returns the state, or a stop reason when the site's cap is already spent
 * or the URL cannot be retried.
 * @param {{tabId: number, url: string, retryAfter?: number|null, cap?: unknown, siteUsed?: number, now: number, rand?: () => number}} p
 * @returns {{state: RetryState} | {stop: 'cap'|'bad-url'}}
 */
export function start(p) {
  const u = httpUrl(p.url);
  if (!u) return { stop: 'bad-url' };
  const cap = clampCap(p.cap ?? CAP_DEFAULT);
  const siteUsed = Math.max(0, p.siteUsed ?? 0);
  if (siteUsed >= cap) return { stop: 'cap' };
  const retryAfter = p.retryAfter != null && p.retryAfter > 0 ? Math.min(p.retryAfter, RETRY_AFTER_MAX_S) : null;
  const opts = { retryAfter, ...(p.rand ? { rand: p.rand } : {}) };
  return {
    state: {
      tabId: p.tabId,
      url: p.url,
      origin: u.origin,
      host: u.host,
      attempt: 0,
      cap,
      siteUsed,
      retryAfter,
      startedAt: p.now,
      nextAt: p.now + delayMs(0, opts),
      lastStatus: null,
    },
  };
}

/**
 * What to do after a probe: reload the tab (the site answers healthy), wait for the next probe,
 * or stop because the site's cap is spent. `siteUsed` counts this probe already.
 * @param {RetryState} s
 * @param {{status: number, retryAfter?: number|null}} probe
 * @param {{now: number, siteUsed: number, rand?: () => number}} ctx
 * @returns {{kind: 'reload', state: RetryState} | {kind: 'wait', state: RetryState} | {kind: 'stop', reason: 'cap', state: RetryState}}
 */
export function afterProbe(s, probe, ctx) {
  const attempt = s.attempt + 1;
  const retryAfter = probe.retryAfter != null && probe.retryAfter > 0 ? Math.min(probe.retryAfter, RETRY_AFTER_MAX_S) : null;
  const next = { ...s, attempt, siteUsed: ctx.siteUsed, lastStatus: probe.status, retryAfter };
  if (isHealthy(probe.status)) return { kind: 'reload', state: next };
  if (ctx.siteUsed >= s.cap) return { kind: 'stop', reason: 'cap', state: next };
  const opts = { retryAfter, ...(ctx.rand ? { rand: ctx.rand } : {}) };
  return { kind: 'wait', state: { ...next, nextAt: ctx.now + delayMs(attempt, opts) } };
}

/**
 * URL without its fragment, for "is this still the same page" comparisons.
 * @param {string} url
 * @returns {string}
 */
export function pageKey(url) {
  try {
    const u = new URL(url);
    u.hash = '';
    return u.href;
  } catch {
    return url;
  }
}

/**
 * Should a running retry be cancelled because the tab committed a navigation to `url`?
 * Yes when it went elsewhere; a reload of the same page keeps (or completes) the retry.
 * @param {RetryState} s
 * @param {string} url
 * @returns {boolean}
 */
export function navigatedElsewhere(s, url) {
  return pageKey(s.url) !== pageKey(url);
}
