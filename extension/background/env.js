/**
 * What the parts of the service worker share: the settings (read once and kept until they
 * change: a storage read per error would delay the badge), the language to diagnose in, and where
 * errors go.
 */
import { uiLocale } from '../lib/platform.js';
import { loadSettings } from '../lib/settings.js';
import { pickLang } from '../lib/verdict.js';

/** @typedef {import('../lib/settings.js').Settings} Settings */

/** @type {Promise<Settings>|null} */
let settingsCache = null;

/** The settings, from memory after the first read. */
export function settingsNow() {
  return (settingsCache ??= loadSettings().catch((e) => {
    settingsCache = null;
    throw e;
  }));
}

/** The settings changed: read them again next time. */
export function forgetSettings() {
  settingsCache = null;
}

/**
 * The language to ask the engine for: the option, or the one the browser chose for our UI.
 * @param {Settings} settings
 */
export function langOf(settings) {
  return pickLang(settings.lang, uiLocale());
}

/** @param {unknown} e */
export function logError(e) {
  console.warn('gateway-doctor:', e);
}
