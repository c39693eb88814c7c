/**
 * Options page section for "never on this site" (loaded by options.html beside options.js): the
 * sites where the user turned Gateway Doctor off from the popup, each with a Remove button, or a
 * line saying there are none. Host names come from storage and are shown as text only.
 */
import { applyI18n, translator } from './lib/i18n.js';
import { loadSettings } from './lib/settings.js';
import { h } from './lib/dom.js';
import { NEVER_KEY, loadExcluded, removeExcluded } from './lib/excluded-sites.js';
import { onStorageChanged, storage } from './lib/platform.js';

const list = /** @type {HTMLUListElement} */ (document.getElementById('never-list'));
const empty = /** @type {HTMLElement} */ (document.getElementById('never-empty'));
const status = /** @type {HTMLElement} */ (document.getElementById('never-status'));

/**
 * @param {string[]} sites
 * @param {import('./lib/i18n.js').Translate} t
 */
function show(sites, t) {
  list.replaceChildren(...sites.map((site) => {
    const remove = h('button', { type: 'button', class: 'never-remove', 'data-site': site, 'aria-label': t('never_remove_label', site) }, t('never_remove'));
    remove.addEventListener('click', async () => {
      remove.disabled = true;
      try {
        await removeExcluded(storage.local, site);
        status.textContent = t('never_removed', site);
        show(await loadExcluded(storage.local), t);
        /** @type {HTMLElement|null} */ (list.querySelector('button') ?? document.getElementById('never-h'))?.focus();
      } catch (e) {
        remove.disabled = false;
        status.textContent = String(e instanceof Error ? e.message : e);
      }
    });
    return h('li', { 'data-site': site }, h('span', { class: 'never-host' }, site), ' ', remove);
  }));
  list.hidden = sites.length === 0;
  empty.hidden = sites.length > 0;
  list.closest('fieldset')?.setAttribute('data-ready', 'true');
}

async function main() {
  const { t } = await translator((await loadSettings()).lang);
  const section = /** @type {HTMLElement} */ (document.getElementById('never-sites'));
  applyI18n(section, t);
  show(await loadExcluded(storage.local), t);
  // Turned off from a popup while this page is open: the list follows.
  onStorageChanged((changes, area) => {
    if (area === 'local' && NEVER_KEY in changes) loadExcluded(storage.local).then((s) => show(s, t)).catch(() => {});
  });
}

main().catch((e) => {
  status.textContent = String(e instanceof Error ? e.message : e);
});
