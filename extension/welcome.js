/**
 * The first-run page, opened once when the extension is installed (background/main.js): what
 * Gateway Doctor does, what it reads and when, that nothing leaves the browser unasked, and a
 * sentence for each permission this build's manifest asks for (read from the manifest itself, so
 * Firefox's required webRequest and Chromium's optional one are each listed where they are).
 */
import { applyI18n, translator } from './lib/i18n.js';
import { loadSettings } from './lib/settings.js';
import { h } from './lib/dom.js';
import { manifestPermissions } from './lib/platform.js';

/**
 * One line per permission: its sentence, or its bare name for one this page has no words for.
 * @param {import('./lib/i18n.js').Translate} t
 * @param {string} name
 */
function line(t, name) {
  return h('li', { 'data-permission': name }, t(`perm_${name}`) || name);
}

async function main() {
  const { t, lang } = await translator((await loadSettings()).lang);
  document.documentElement.lang = lang;
  applyI18n(document, t);
  const m = manifestPermissions();
  const hosts = m.hosts.length ? [h('li', { 'data-permission': 'hosts' }, t('perm_hosts', m.hosts.join(' ')))] : [];
  /** @type {HTMLElement} */ (document.getElementById('perms-required')).replaceChildren(...m.permissions.map((p) => line(t, p)), ...hosts);
  const optional = /** @type {HTMLElement} */ (document.getElementById('perms-optional'));
  optional.replaceChildren(...m.optional.map((p) => line(t, p)));
  if (!m.optional.length) {
    optional.hidden = true;
    document.getElementById('w-perms-optional')?.setAttribute('hidden', '');
  }
  document.getElementById('welcome')?.setAttribute('aria-busy', 'false');
}

main().catch((e) => {
  document.getElementById('welcome')?.append(h('p', { class: 'error', role: 'alert' }, String(e instanceof Error ? e.message : e)));
});
