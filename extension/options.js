/**
 * Options page: auto-retry default and cap, notifications, language, "open guidance in a tab".
 * Saved to chrome.storage.sync on every change.
 */
import { applyI18n, translator } from './lib/i18n.js';
import { loadSettings, saveSettings } from './lib/settings.js';

const form = /** @type {HTMLFormElement} */ (document.getElementById('options'));
const saved = /** @type {HTMLElement} */ (document.getElementById('saved'));

/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
const langSelect = /** @type {HTMLSelectElement} */ (document.getElementById('lang'));

/** @param {'auto'|'en'|'zh-CN'} lang */
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
  form.addEventListener('change', async () => {
    const lang = langSelect.value === 'en' || langSelect.value === 'zh-CN' ? langSelect.value : 'auto';
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
}

main().catch((e) => {
  saved.textContent = String(e instanceof Error ? e.message : e);
});
