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
 * @typedef {{text: string, color: string}} Badge
 */

/**
 * Badge for a diagnosis: the status code, or a short mark for a network error; '' when healthy.
 * @param {{is_error: boolean, status?: number|null, meaning?: string|null, fault: string}|null|undefined} d
 * @returns {Badge}
 */
export function badgeFor(d) {
  if (!d || !d.is_error) return { text: '', color: FAULT_COLORS.none };
  const color = FAULT_COLORS[/** @type {keyof typeof FAULT_COLORS} */ (d.fault)] ?? FAULT_COLORS.unknown;
  if (d.status != null && d.status > 0) return { text: String(d.status), color };
  const mark = (d.meaning && NET_MARKS[/** @type {keyof typeof NET_MARKS} */ (d.meaning)]) || 'ERR';
  return { text: mark, color };
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
