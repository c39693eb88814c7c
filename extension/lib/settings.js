/**
 * User settings (chrome.storage.sync): defaults and normalisation are pure so tests/js can check
 * them; load/save touch chrome.storage only when called.
 */
import { langOption } from './lang.js';
import { storage } from './platform.js';
import { CAP_DEFAULT, clampCap } from './retry-policy.js';

/**
 * @typedef {object} Settings
 * @property {boolean} autoRetry      start auto-retry by itself on a retryable error
 * @property {number}  retryCap       attempts per site
 * @property {boolean} notifications  "<host> is back" notifications
 * @property {'auto'|import('./lang.js').Lang} lang
 * @property {boolean} openTab        open the guidance in a tab when an error page loads
 */

/** @type {Readonly<Settings>} */
export const DEFAULTS = Object.freeze({
  autoRetry: false,
  retryCap: CAP_DEFAULT,
  notifications: true,
  lang: 'auto',
  openTab: false,
});

/**
 * Settings from whatever is stored (missing or junk values fall back to the defaults).
 * @param {Record<string, unknown>|undefined|null} raw
 * @returns {Settings}
 */
export function normalizeSettings(raw) {
  const r = raw ?? {};
  const lang = langOption(r.lang);
  return {
    autoRetry: typeof r.autoRetry === 'boolean' ? r.autoRetry : DEFAULTS.autoRetry,
    retryCap: r.retryCap === undefined ? DEFAULTS.retryCap : clampCap(r.retryCap),
    notifications: typeof r.notifications === 'boolean' ? r.notifications : DEFAULTS.notifications,
    lang,
    openTab: typeof r.openTab === 'boolean' ? r.openTab : DEFAULTS.openTab,
  };
}

/** @returns {Promise<Settings>} */
export async function loadSettings() {
  const raw = await storage.sync.get(Object.keys(DEFAULTS));
  return normalizeSettings(raw);
}

/**
 * @param {Partial<Settings>} patch
 * @returns {Promise<Settings>}
 */
export async function saveSettings(patch) {
  const next = normalizeSettings({ ...(await loadSettings()), ...patch });
  await storage.sync.set(next);
  return next;
}
