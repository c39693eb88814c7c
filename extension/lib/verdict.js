/**
 * Pure helpers that turn what the browser saw and what the engine said into what the user sees:
 * badge text and colour, which navigations are worth a diagnosis, the fault-path hops.
 * No chrome.* here, so tests/js can check them in node.
 */

import { langOf } from './lang.js';

/** Badge background per fault; all dark enough for white text (WCAG AA at badge size). */
export const FAULT_COLORS = Object.freeze({
  origin: '#b3261e',
  cdn: '#a15c00',
  network: '#1a56b8',
  client: '#5b3f99',
  unknown: '#4a4a4a',
  none: '#2e7d32',
});

/** Short badge marks for network errors (a badge shows about four characters). */
const NET_MARKS = Object.freeze({
  'net-dns': 'DNS',
  'net-offline': 'OFF',
  'net-tls': 'TLS',
  'net-timeout': 'TIME',
});

/**
 * Badge colour of a firewall's block: a neutral slate, not the red and amber of an outage (the
 * site is up; it refused this one request), dark enough for white text.
 */
export const BLOCK_COLOR = '#455a64';

/**
 * @typedef {{text: string, color: string}} Badge
 * @typedef {'none'|'outage'|'client-fixable'|'firewall-block'|'blocked-by-client'} Situation
 * @typedef {{is_error: boolean, situation?: string|null}} Situated
 */

const SITUATIONS = new Set(['none', 'outage', 'client-fixable', 'firewall-block', 'blocked-by-client']);

/**
 * The engine's situation of a diagnosis (`Diagnosis.situation`): an outage, an error the user can
 * fix, a firewall's block, a block by the browser itself, or none. A diagnosis stored by an older
 * version has none: its error is an outage.
 * @param {Situated|null|undefined} d
 * @returns {Situation}
 */
export function situationOf(d) {
  if (!d) return 'none';
  const s = d.situation;
  if (typeof s === 'string' && SITUATIONS.has(s)) return /** @type {Situation} */ (s);
  return d.is_error ? 'outage' : 'none';
}

/**
 * Is this a page that failed, for the badge, the popup and the history? An error, or a block
 * (a firewall's block page may not be an "error" in the engine's sense, yet the page failed).
 * @param {Situated|null|undefined} d
 */
export function failed(d) {
  return !!d && (d.is_error || situationOf(d) !== 'none');
}

/**
 * Badge for a diagnosis: the status code, or a short mark for a network error; '' when healthy.
 * A firewall's block reads WAF on the neutral slate whatever its status (blocks come as 403, 405,
 * 406, 429 or even 200); a block by the browser itself reads BLK in the client's colour (the
 * "you" side); an error the user can fix (a cookie too large) its status in the client's colour.
 * @param {{is_error: boolean, situation?: string|null, status?: number|null, meaning?: string|null, fault: string}|null|undefined} d
 * @returns {Badge}
 */
export function badgeFor(d) {
  const situation = situationOf(d);
  if (situation === 'firewall-block') return { text: 'WAF', color: BLOCK_COLOR };
  if (situation === 'blocked-by-client') return { text: 'BLK', color: FAULT_COLORS.client };
  if (!d || !failed(d)) return { text: '', color: FAULT_COLORS.none };
  const color = situation === 'client-fixable' ? FAULT_COLORS.client
    : FAULT_COLORS[/** @type {keyof typeof FAULT_COLORS} */ (d.fault)] ?? FAULT_COLORS.unknown;
  if (d.status != null && d.status > 0) return { text: String(d.status), color };
  const mark = (d.meaning && NET_MARKS[/** @type {keyof typeof NET_MARKS} */ (d.meaning)]) || 'ERR';
  return { text: mark, color };
}

/**
 * An error response Chromium hid behind its own page (status unknown, headers not read) that a
 * clean request to the same address (no cookies, no cache) answered without an error: what
 * failed is what this browser sends, most often the site's cookies grown too large (a body-less
 * 431 from Node.js, say). Framed as an error the user can fix, the clean answer said as the reason.
 * @template {{situation?: string|null, net_error?: string|null, fault: string, fault_label: string, verdict: string}} D
 * @param {D} d
 * @param {number|null|undefined} cleanStatus the clean request's status (learn.js)
 * @param {string} verdict the shell's verdict for it
 * @returns {D}
 */
export function reframeHidden(d, cleanStatus, verdict) {
  if (d.net_error !== 'ERR_HTTP_RESPONSE_CODE_FAILURE' || typeof cleanStatus !== 'number' || cleanStatus >= 400) return d;
  return { ...d, situation: 'client-fixable', fault: 'client', fault_label: '', verdict };
}

/** Actions about an outage: moot when the site is up and refused, or was never asked. */
const OUTAGE_ACTIONS = new Set(['check-down', 'provider-status', 'flush-dns', 'check-dns']);

/**
 * The actions in the order the popup offers them for a situation. Auto-retry only for an outage:
 * a request the site refuses (a block, a cookie too large) or the browser never sends fails the
 * same way every time, and retrying a firewall's block can prolong it. A cookie too large leads
 * with clearing the site's data; a block leads with what is not about an outage.
 * @template {{id: string}} A
 * @param {Situation} situation
 * @param {A[]} actions
 * @returns {A[]}
 */
export function actionsFor(situation, actions) {
  if (situation === 'outage' || situation === 'none') return actions;
  const kept = actions.filter((a) => a.id !== 'auto-retry');
  if (situation === 'client-fixable') {
    return [...kept.filter((a) => a.id === 'clear-site-cache'), ...kept.filter((a) => a.id !== 'clear-site-cache')];
  }
  return [...kept.filter((a) => !OUTAGE_ACTIONS.has(a.id)), ...kept.filter((a) => OUTAGE_ACTIONS.has(a.id))];
}

/**
 * Is a response status worth reading the page and asking the engine? Healthy answers cost nothing:
 * no script, no storage write.
 * @param {number|null|undefined} status
 * @returns {boolean}
 */
export function isCandidateStatus(status) {
  return typeof status === 'number' && status >= 400;
}

/**
 * Does this webRequest/webNavigation event concern the tab's own top-level document (not a
 * sub-frame, not a prerender, not a background fetch)?
 * @param {{tabId?: number, frameId?: number, frameType?: string, documentLifecycle?: string, parentFrameId?: number}} d
 * @returns {boolean}
 */
export function isTopLevel(d) {
  if (d.tabId == null || d.tabId < 0) return false;
  if (d.frameId !== 0) return false;
  if (d.frameType && d.frameType !== 'outermost_frame') return false;
  // Prerenders have their own lifecycle; a navigation request not yet committed may carry none.
  if (d.documentLifecycle === 'prerender') return false;
  return true;
}

/**
 * Is this network error one to diagnose? `ignored` is the engine's list of the errors that are
 * no failure the user sees (they stopped, left the page, or it was blocked on purpose), in every
 * form browsers report them: the wasm's `ignoredNetErrors()`.
 * @param {string|undefined} error
 * @param {ReadonlySet<string>} ignored
 * @returns {boolean}
 */
export function isReportableNetError(error, ignored) {
  return typeof error === 'string' && error.length > 0 && !ignored.has(error);
}

/** The fault path the popup draws, in order. */
export const HOPS = Object.freeze(/** @type {const} */ (['you', 'network', 'cdn', 'host']));

/**
 * State of each hop for a fault: 'fail' for the failing hop, 'ok' for hops shown to work,
 * 'unknown' where we cannot tell, 'absent' for a CDN hop when no CDN was seen.
 * @param {string} fault client|network|cdn|origin|unknown|none
 * @param {boolean} cdnSeen a CDN or proxy answered
 * @returns {Record<'you'|'network'|'cdn'|'host', 'ok'|'fail'|'unknown'|'absent'>}
 */
export function hopStates(fault, cdnSeen) {
  /** @type {Record<string, number>} */
  const failIndex = { client: 0, network: 1, cdn: 2, origin: 3 };
  const cdn = cdnSeen || fault === 'cdn' ? 'ok' : 'absent';
  if (fault === 'none') return { you: 'ok', network: 'ok', cdn, host: 'ok' };
  const i = failIndex[fault];
  if (i === undefined) return { you: 'ok', network: 'unknown', cdn: cdnSeen ? 'unknown' : 'absent', host: 'unknown' };
  /** @type {Record<'you'|'network'|'cdn'|'host', 'ok'|'fail'|'unknown'|'absent'>} */
  const out = { you: 'ok', network: 'ok', cdn, host: 'ok' };
  HOPS.forEach((h, j) => {
    if (j === i) out[h] = 'fail';
    else if (j > i) out[h] = h === 'cdn' && cdn === 'absent' ? 'absent' : 'unknown';
  });
  return out;
}

/**
 * Which OS a flush-dns step is for, from chrome.runtime.getPlatformInfo().os.
 * @param {string} os win|mac|linux|cros|android|openbsd|fuchsia
 * @returns {string} the engine's step `os` value
 */
export function engineOs(os) {
  /** @type {Record<string, string>} */
  const map = { win: 'windows', mac: 'mac', linux: 'linux', cros: 'chromeos', android: 'android', openbsd: 'linux' };
  return map[os] ?? os;
}

/**
 * Steps for this OS and browser: steps without `os`/`browser` always apply.
 * @template {{os?: string, browser?: string}} S
 * @param {S[]} steps
 * @param {string} os engine os value
 * @param {string} browser chrome|firefox|edge|…
 * @returns {S[]}
 */
export function stepsFor(steps, os, browser) {
  return steps.filter((s) => (!s.os || s.os === os) && (!s.browser || s.browser === browser));
}

/**
 * The language to ask the engine for: the option, or the browser's UI language.
 * @param {string|undefined} option 'auto' | 'en' | 'zh-CN' | 'zh-TW'
 * @param {string} uiLanguage the UI locale (chrome.i18n '@@ui_locale', e.g. zh_CN, or getUILanguage())
 * @returns {import('./lang.js').Lang}
 */
export function pickLang(option, uiLanguage) {
  return langOf(!option || option === 'auto' ? uiLanguage : option);
}
