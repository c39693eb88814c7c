/**
 * UI text through _locales. With the language option on "follow the browser" this is
 * chrome.i18n.getMessage; with an explicit language it reads that locale's messages.json (the
 * same file chrome.i18n uses) so the option works without restarting the browser.
 */
import { langOf, langOption, localeDir } from './lang.js';
import { extensionUrl, message, uiLocale } from './platform.js';

/**
 * @typedef {(key: string, subs?: string|string[]) => string} Translate
 * @typedef {Record<string, {message: string, placeholders?: Record<string, {content: string}>}>} Messages
 */

/**
 * Fills a messages.json entry the way chrome.i18n does: named placeholders ($name$, whose content
 * holds $1…$9), $1…$9, and $$ for a dollar sign. One pass over the template: text put in (page
 * titles, hosts) is never scanned again, so a `$1` inside it stays as written instead of pulling
 * in another argument or growing with each pass.
 * @param {Messages} messages
 * @param {string} key
 * @param {string[]} subs
 * @returns {string}
 */
export function format(messages, key, subs) {
  const entry = messages[key];
  if (!entry) return '';
  const ph = entry.placeholders ?? {};
  /**
   * @param {string} template
   * @param {boolean} named whether $name$ counts here (not inside a placeholder's own content)
   * @returns {string}
   */
  const fill = (template, named) =>
    template.replace(/\$\$|\$(\d)|\$([A-Za-z0-9_@]+)\$/g, (m, d, name) => {
      if (m === '$$') return '$';
      if (d !== undefined) return subs[Number(d) - 1] ?? '';
      const p = named && Object.hasOwn(ph, String(name).toLowerCase()) ? ph[String(name).toLowerCase()] : undefined;
      return p ? fill(p.content, false) : m;
    });
  return fill(entry.message, true);
}

/**
 * Each locale's messages.json, read once per page or worker (the worker translates every badge's
 * tooltip); a failed read is tried again next time.
 * @type {Map<string, Promise<Messages>>}
 */
const readMessages = new Map();

/** @param {import('./lang.js').Lang} lang @returns {Promise<Messages>} */
function messagesOf(lang) {
  const dir = localeDir(lang);
  let p = readMessages.get(dir);
  if (!p) {
    p = fetch(extensionUrl(`_locales/${dir}/messages.json`)).then((res) => res.json());
    p.catch(() => readMessages.delete(dir));
    readMessages.set(dir, p);
  }
  return p;
}

/**
 * A translate function for the option value ('auto' follows the browser).
 * @param {string} option
 * @returns {Promise<{t: Translate, lang: import('./lang.js').Lang}>}
 */
export async function translator(option) {
  let lang = langOption(option);
  if (lang === 'auto') {
    const ui = langOf(uiLocale());
    // Each messages.json names its own language in `uiLang`: the one chrome.i18n really chose.
    const chosen = message('uiLang');
    if (chosen && ui === langOf(chosen)) return { t: (key, subs) => message(key, subs), lang: ui };
    // chrome.i18n chose another folder (zh-HK: none of its own, so English), or answered nothing
    // at all (seen in Chromium 156: every key '' in pages opened after the extension's first-run
    // tab was closed, tests/e2e/no-harm.test.mjs): read ours.
    lang = ui;
  }
  const messages = await messagesOf(lang);
  return {
    t: (key, subs) => format(messages, key, subs === undefined ? [] : Array.isArray(subs) ? subs : [subs]),
    lang,
  };
}

/**
 * Fills every element marked data-i18n (text) or data-i18n-attr ("attr:key;attr:key").
 * @param {ParentNode} root
 * @param {Translate} t
 */
export function applyI18n(root, t) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.getAttribute('data-i18n') ?? '');
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of (el.getAttribute('data-i18n-attr') ?? '').split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}
