/**
 * Options page: auto-retry default and cap, notifications, language, "open guidance in a tab"
 * (saved to chrome.storage.sync on every change), and "read response headers", which is the
 * optional webRequest permission itself rather than a stored setting.
 */
import { applyI18n, translator } from './lib/i18n.js';
import { langOption } from './lib/lang.js';
import { loadSettings, saveSettings } from './lib/settings.js';
import {
  WEB_REQUEST, hasPermission, onPermissionAdded, onPermissionRemoved, removePermission, requestPermission, requiredPermissions,
} from './lib/platform.js';

const form = /** @type {HTMLFormElement} */ (document.getElementById('options'));
const saved = /** @type {HTMLElement} */ (document.getElementById('saved'));

/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
const langSelect = /** @type {HTMLSelectElement} */ (document.getElementById('lang'));

/** @param {'auto'|import('./lib/lang.js').Lang} lang */
async function localize(lang) {
  const { t, lang: l } = await translator(lang);
  document.documentElement.lang = l;
  applyI18n(document, t);
  return t;
}

async function main() {
  const s = await loadSettings();
  let t = await localize(s.lang);
  input('autoRetry').checked = s.autoRetry;
  input('retryCap').value = String(s.retryCap);
  input('notifications').checked = s.notifications;
  input('openTab').checked = s.openTab;
  langSelect.value = s.lang;
  form.addEventListener('change', async (e) => {
    // That box is a permission, not a setting (headersOption below).
    if (e.target === input('readHeaders')) return;
    const lang = langOption(langSelect.value);
    const next = await saveSettings({
      autoRetry: input('autoRetry').checked,
      retryCap: Number(input('retryCap').value),
      notifications: input('notifications').checked,
      lang,
      openTab: input('openTab').checked,
    });
    input('retryCap').value = String(next.retryCap);
    t = await localize(next.lang);
    saved.textContent = t('optSaved');
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  await headersOption(() => t);
}

/**
 * The "read response headers" box shows whether the browser holds webRequest, and asks for it or
 * gives it back. Where the manifest requires it (Firefox) the box is on and fixed.
 * @param {() => import('./lib/i18n.js').Translate} tr the current translator
 */
async function headersOption(tr) {
  const box = input('readHeaders');
  const status = /** @type {HTMLElement} */ (document.getElementById('readHeaders-status'));
  const required = requiredPermissions().includes('webRequest');
  const show = async () => {
    box.checked = await hasPermission(WEB_REQUEST);
  };
  await show();
  if (required) {
    box.disabled = true;
    status.textContent = tr()('optReadHeadersFixed');
    return;
  }
  box.addEventListener('change', async () => {
    status.textContent = '';
    try {
      // request() must run in the click's user gesture: no await before it.
      const ok = box.checked ? await requestPermission(WEB_REQUEST) : await removePermission(WEB_REQUEST);
      if (!ok && box.checked) status.textContent = tr()('optReadHeadersDenied');
    } catch (e) {
      status.textContent = String(e instanceof Error ? e.message : e);
    }
    await show();
  });
  onPermissionAdded(show);
  onPermissionRemoved(show);
}

main().catch((e) => {
  saved.textContent = String(e instanceof Error ? e.message : e);
});
