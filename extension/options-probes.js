/**
 * Options page section for the network checks (loaded by options.html beside options.js): the
 * automatic check on error (off by default), the DoH resolver, connectivity URL, archive API,
 * the optional public checker, a status page override and the timeout, saved to
 * chrome.storage.local on every change; plus a link to the error history page.
 */
import { applyI18n, translator } from './lib/i18n.js';
import { loadSettings } from './lib/settings.js';
import { h } from './lib/dom.js';
import { RESOLVERS, endpointUrl, loadProbeSettings, saveProbeSettings } from './lib/probe-settings.js';

/** @typedef {import('./lib/probe-settings.js').ProbeSettings} ProbeSettings */

/**
 * A labelled URL field.
 * @param {string} id
 * @param {string} key i18n key of the label
 */
function urlField(id, key) {
  return h('p', null,
    h('label', { for: id, 'data-i18n': key }),
    h('br'),
    h('input', { type: 'url', id, name: id, size: 48, spellcheck: 'false', autocomplete: 'off' }));
}

function build() {
  const form = h('form', { id: 'probe-options', novalidate: true },
    h('fieldset', null,
      h('legend', { 'data-i18n': 'opt_probe_legend' }),
      h('p', { class: 'help', 'data-i18n': 'opt_probe_intro' }),
      h('p', { class: 'check' },
        h('input', { type: 'checkbox', id: 'autoCheck', name: 'autoCheck' }), ' ',
        h('label', { for: 'autoCheck', 'data-i18n': 'opt_auto_check' })),
      h('p', null,
        h('label', { for: 'resolverChoice', 'data-i18n': 'opt_resolver' }), ' ',
        h('select', { id: 'resolverChoice', name: 'resolverChoice' },
          h('option', { value: 'cloudflare', 'data-i18n': 'opt_resolver_cloudflare' }),
          h('option', { value: 'google', 'data-i18n': 'opt_resolver_google' }),
          h('option', { value: 'custom', 'data-i18n': 'opt_resolver_custom' }))),
      urlField('resolverUrl', 'opt_resolver_url'),
      urlField('connectivityUrl', 'opt_connectivity'),
      urlField('archiveEndpoint', 'opt_archive'),
      h('p', { class: 'check' },
        h('input', { type: 'checkbox', id: 'checkerEnabled', name: 'checkerEnabled' }), ' ',
        h('label', { for: 'checkerEnabled', 'data-i18n': 'opt_checker_enabled' })),
      urlField('checkerEndpoint', 'opt_checker_endpoint'),
      urlField('statuspageBase', 'opt_statuspage'),
      h('p', null,
        h('label', { for: 'timeoutS', 'data-i18n': 'opt_timeout' }), ' ',
        h('input', { type: 'number', id: 'timeoutS', name: 'timeoutS', min: 1, max: 60, step: 1 }))),
    h('p', { id: 'probe-saved', role: 'status', class: 'status-line' }),
    h('p', null, h('a', { href: 'history.html', target: '_blank', id: 'open-history', 'data-i18n': 'opt_history_link' })));
  const anchor = document.getElementById('saved') ?? document.querySelector('main')?.lastElementChild ?? null;
  const main = document.querySelector('main') ?? document.body;
  main.insertBefore(form, anchor ? anchor.nextSibling : null);
  return form;
}

/** @param {string} id */
const el = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/**
 * @param {ProbeSettings} s
 * @param {string} [chosen] the resolver option the user picked (kept even if its URL equals a preset)
 */
function fill(s, chosen) {
  el('autoCheck').checked = s.autoCheck;
  const choice = chosen ?? (s.resolver === RESOLVERS.cloudflare ? 'cloudflare' : s.resolver === RESOLVERS.google ? 'google' : 'custom');
  /** @type {HTMLSelectElement} */ (document.getElementById('resolverChoice')).value = choice;
  el('resolverUrl').value = s.resolver;
  el('resolverUrl').disabled = choice !== 'custom';
  el('connectivityUrl').value = s.connectivityUrl;
  el('archiveEndpoint').value = s.archiveEndpoint;
  el('checkerEnabled').checked = s.checkerEnabled;
  el('checkerEndpoint').value = s.checkerEndpoint;
  el('statuspageBase').value = s.statuspageBase;
  el('timeoutS').value = String(Math.round(s.timeoutMs / 1000));
}

async function main() {
  const form = build();
  const settings = await loadSettings();
  const { t } = await translator(settings.lang);
  applyI18n(form, t);
  const saved = /** @type {HTMLElement} */ (document.getElementById('probe-saved'));
  fill(await loadProbeSettings());
  form.addEventListener('submit', (e) => e.preventDefault());
  form.addEventListener('change', async (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    const choice = /** @type {HTMLSelectElement} */ (document.getElementById('resolverChoice')).value;
    if (target.id === 'resolverChoice' && choice !== 'custom') el('resolverUrl').value = RESOLVERS[/** @type {'cloudflare'|'google'} */ (choice)];
    el('resolverUrl').disabled = choice !== 'custom';
    // Say which field is wrong instead of silently falling back to a default.
    for (const id of ['resolverUrl', 'connectivityUrl', 'archiveEndpoint', 'checkerEndpoint', 'statuspageBase']) {
      const v = el(id).value.trim();
      const optional = id === 'checkerEndpoint' || id === 'statuspageBase';
      if ((v || !optional) && !endpointUrl(v)) {
        saved.textContent = t('opt_probe_invalid', v);
        el(id).setAttribute('aria-invalid', 'true');
        return;
      }
      el(id).removeAttribute('aria-invalid');
    }
    const next = await saveProbeSettings({
      autoCheck: el('autoCheck').checked,
      resolver: el('resolverUrl').value.trim(),
      connectivityUrl: el('connectivityUrl').value.trim(),
      archiveEndpoint: el('archiveEndpoint').value.trim(),
      checkerEnabled: el('checkerEnabled').checked,
      checkerEndpoint: el('checkerEndpoint').value.trim(),
      statuspageBase: el('statuspageBase').value.trim(),
      timeoutMs: Number(el('timeoutS').value) * 1000,
    });
    fill(next, choice);
    saved.textContent = t('opt_probe_saved');
  });
  form.setAttribute('data-ready', 'true');
}

main().catch((e) => {
  const p = document.getElementById('probe-saved');
  if (p) p.textContent = String(e instanceof Error ? e.message : e);
});
