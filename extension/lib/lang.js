/**
 * The three languages of the UI and the engine, and which one a browser language tag means.
 * Pure (no browser APIs), shared by the pages, the worker and the Node tests; the engine's
 * `guidance::lang_code` maps tags the same way.
 */

/** @typedef {'en'|'zh-CN'|'zh-TW'} Lang */

/** The values the language option may hold besides 'auto'. */
export const LANGS = /** @type {const} */ (['en', 'zh-CN', 'zh-TW']);

/**
 * The language of a tag: Traditional Chinese for zh-TW, zh-HK, zh-MO and zh-Hant…, Simplified for
 * any other zh…, English otherwise. Accepts `_` as chrome.i18n's '@@ui_locale' writes it.
 * @param {string|undefined|null} tag
 * @returns {Lang}
 */
export function langOf(tag) {
  const parts = String(tag ?? '').trim().toLowerCase().split(/[-_]/);
  if (parts[0] !== 'zh') return 'en';
  const rest = parts.slice(1);
  // A script subtag decides; without one, the region does.
  if (rest.includes('hans')) return 'zh-CN';
  return rest.some((p) => p === 'tw' || p === 'hk' || p === 'mo' || p === 'hant') ? 'zh-TW' : 'zh-CN';
}

/**
 * A stored option value as one of the languages, or 'auto'.
 * @param {unknown} v
 * @returns {'auto'|Lang}
 */
export function langOption(v) {
  return LANGS.includes(/** @type {Lang} */ (v)) ? /** @type {Lang} */ (v) : 'auto';
}

/**
 * The `_locales` folder of a language.
 * @param {Lang} lang
 */
export function localeDir(lang) {
  return lang === 'zh-CN' ? 'zh_CN' : lang === 'zh-TW' ? 'zh_TW' : 'en';
}
