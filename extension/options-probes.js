/**
 * Options page section for the network checks (loaded by options.html beside options.js): the
 * automatic check on error (off by default), the region whose services the checks use (auto from
 * the time zone, mainland China or global), the DoH resolver, connectivity URL, the
 * down-for-everyone page, the archive the popup leads with and the three archives' addresses,
 * the optional public checker, a status page override and the timeout, saved to
 * chrome.storage.local on every change; plus a link to the error history page.
 */
import { applyI18n, translator } from './lib/i18n.js';
import { loadSettings } from './lib/settings.js';
import { h } from './lib/dom.js';
import { ARCHIVES, RESOLVERS, archiveId, currentTimeZone, detectRegion, endpointUrl, loadProbeSettings, saveProbeSettings } from './lib/probe-settings.js';

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
        h('label', { for: 'region', 'data-i18n': 'opt_region' }), ' ',
        h('select', { id: 'region', name: 'region', 'aria-describedby': 'region-help' },
          h('option', { value: 'auto', id: 'region-auto' }),
          h('option', { value: 'cn', 'data-i18n': 'opt_region_cn' }),
          h('option', { value: 'global', 'data-i18n': 'opt_region_global' }))),
      h('p', { class: 'help', id: 'region-help', 'data-i18n': 'opt_region_help' }),
      h('p', null,
        h('label', { for: 'resolverChoice', 'data-i18n': 'opt_resolver' }), ' ',
        h('select', { id: 'resolverChoice', name: 'resolverChoice' },
          h('option', { value: 'cloudflare', 'data-i18n': 'opt_resolver_cloudflare' }),
          h('option', { value: 'google', 'data-i18n': 'opt_resolver_google' }),
          h('option', { value: 'alidns', 'data-i18n': 'opt_resolver_alidns' }),
          h('option', { value: 'custom', 'data-i18n': 'opt_resolver_custom' }))),
      urlField('resolverUrl', 'opt_resolver_url'),
      urlField('connectivityUrl', 'opt_connectivity'),
      urlField('downLink', 'opt_down_link'),
      h('p', null,
        h('label', { for: 'defaultArchive', 'data-i18n': 'opt_archive_default' }), ' ',
        h('select', { id: 'defaultArchive', name: 'defaultArchive' },
          ARCHIVES.map((a) => h('option', { value: a, 'data-i18n': `archive_name_${a.replace('-', '_')}` })))),
      urlField('archiveEndpoint', 'opt_archive'),
      urlField('archiveTodayEndpoint', 'opt_archive_today'),
      urlField('mementoEndpoint', 'opt_archive_memento'),
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
  /** @type {HTMLSelectElement} */ (document.getElementById('region')).value = s.region;
  const preset = /** @type {(keyof typeof RESOLVERS)|undefined} */ (Object.keys(RESOLVERS).find((k) => RESOLVERS[/** @type {keyof typeof RESOLVERS} */ (k)] === s.resolver));
  const choice = chosen ?? preset ?? 'custom';
  /** @type {HTMLSelectElement} */ (document.getElementById('resolverChoice')).value = choice;
  el('resolverUrl').value = s.resolver;
  el('resolverUrl').disabled = choice !== 'custom';
  el('connectivityUrl').value = s.connectivityUrl;
  el('downLink').value = s.downLink;
  el('archiveEndpoint').value = s.archiveEndpoint;
  el('archiveTodayEndpoint').value = s.archiveTodayEndpoint;
  el('mementoEndpoint').value = s.mementoEndpoint;
  /** @type {HTMLSelectElement} */ (document.getElementById('defaultArchive')).value = s.defaultArchive;
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
  // "Automatic" says what it stands for here, so the user sees why they got these services.
  const auto = /** @type {HTMLElement} */ (document.getElementById('region-auto'));
  auto.textContent = t('opt_region_auto', t(detectRegion(currentTimeZone()) === 'cn' ? 'opt_region_cn' : 'opt_region_global'));
  const saved = /** @type {HTMLElement} */ (document.getElementById('probe-saved'));
  fill(await loadProbeSettings());
  form.addEventListener('submit', (e) => e.preventDefault());
  form.addEventListener('change', async (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    if (target.id === 'region') {
      // Only the region: the fields still show the old region's defaults, which must not be
      // saved as if typed (endpoints left at their default follow the new region).
      const region = /** @type {import('./lib/probe-settings.js').Region} */ (/** @type {HTMLSelectElement} */ (target).value);
      fill(await saveProbeSettings({ region }));
      saved.textContent = t('opt_probe_saved');
      return;
    }
    const choice = /** @type {HTMLSelectElement} */ (document.getElementById('resolverChoice')).value;
    if (target.id === 'resolverChoice' && choice !== 'custom') el('resolverUrl').value = RESOLVERS[/** @type {keyof typeof RESOLVERS} */ (choice)];
    el('resolverUrl').disabled = choice !== 'custom';
    // Say which field is wrong instead of silently falling back to a default. An emptied
    // region endpoint is fine: it goes back to the region's default.
    const followsRegion = ['resolverUrl', 'connectivityUrl', 'downLink'];
    for (const id of ['resolverUrl', 'connectivityUrl', 'downLink', 'archiveEndpoint', 'archiveTodayEndpoint', 'mementoEndpoint', 'checkerEndpoint', 'statuspageBase']) {
      const v = el(id).value.trim();
      const optional = id === 'checkerEndpoint' || id === 'statuspageBase' || followsRegion.includes(id);
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
      downLink: el('downLink').value.trim(),
      archiveEndpoint: el('archiveEndpoint').value.trim(),
      archiveTodayEndpoint: el('archiveTodayEndpoint').value.trim(),
      mementoEndpoint: el('mementoEndpoint').value.trim(),
      defaultArchive: archiveId(/** @type {HTMLSelectElement} */ (document.getElementById('defaultArchive')).value) ?? undefined,
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
