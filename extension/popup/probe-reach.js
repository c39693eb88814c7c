/**
 * Popup words for a check whose own service could not be reached (the resolver, the
 * connectivity URL, the archive): "could not reach <service> from your network", never a
 * verdict about the site, with the alternative to try (the other region's service, one click)
 * or, for the archive, links to other archives. Mainland China blocks several of the default
 * services (docs/probes.md, "Region defaults"), so this is an everyday answer there.
 */
import { h } from '../lib/dom.js';
import { httpUrl } from '../lib/url.js';

/**
 * @typedef {import('../lib/i18n.js').Translate} Translate
 * @typedef {import('../background/probe-handlers.js').Outcome} Outcome
 */

/** Error kinds that mean the service did not answer us (or refused to): not a parse failure. */
const UNREACHED = Object.freeze(['timeout', 'network', 'http']);

/**
 * Did the check fail because its service could not be reached?
 * @param {{kind?: string}|undefined} e the probe's error
 */
export function couldNotReach(e) {
  return UNREACHED.includes(e?.kind ?? '');
}

/** @param {string|null|undefined} u */
const hostOf = (u) => httpUrl(u)?.host ?? '';

/**
 * The paragraph saying the service could not be reached, and that this is not about the site.
 * @param {string|null} service the endpoint URL
 * @param {{kind?: string, detail?: string}|undefined} e
 * @param {number} timeoutMs
 * @param {Translate} t
 * @returns {HTMLElement[]}
 */
export function unreachedLines(service, e, timeoutMs, t) {
  const why = e?.kind === 'timeout' ? t('pv_reach_timeout', String(Math.ceil(timeoutMs / 1000))) : (e?.detail ?? e?.kind ?? '');
  return [
    h('p', { class: 'probe-failed probe-unreached', 'data-service': hostOf(service) }, t('pv_reach_failed', [hostOf(service) || '?', why])),
    h('p', { class: 'help' }, t('pv_reach_not_site')),
  ];
}

/**
 * A button running the check once with the alternative service (null when there is none).
 * @param {Outcome} out
 * @param {Translate} t
 * @param {(() => void)|undefined} runAlt
 * @returns {HTMLElement|null}
 */
export function alternativeButton(out, t, runAlt) {
  const alt = hostOf(out.alternative);
  if (!alt || !runAlt) return null;
  return h('p', null, h('button', { type: 'button', class: 'probe-alt', 'data-alt': alt, onclick: () => runAlt() }, t('pv_reach_try', alt)));
}

/**
 * Now as the archives' `YYYYMMDDhhmmss` (Memento asks for the copy nearest a moment).
 * @param {Date} d
 */
function stamp(d) {
  return d.toISOString().replace(/\D/g, '').slice(0, 14);
}

/**
 * Links to archives other than the one that could not be reached: Memento Time Travel (which
 * asks many archives at once; API at timetravel.mementoweb.org/guide/api/) and archive.today.
 * Plain links: nothing is fetched until the user opens one.
 * @param {string} pageUrl the page, without its query (as sent to the archive)
 * @param {Translate} t
 * @param {Date} [now]
 * @returns {HTMLElement}
 */
export function otherArchives(pageUrl, t, now = new Date()) {
  const links = [
    { id: 'archive-memento', href: `http://timetravel.mementoweb.org/memento/${stamp(now)}/${pageUrl}`, name: 'Memento Time Travel' },
    { id: 'archive-today', href: `https://archive.ph/newest/${pageUrl}`, name: 'archive.today' },
  ].filter((l) => httpUrl(l.href));
  return h('div', { class: 'other-archives' },
    h('p', null, t('pv_reach_archives')),
    h('ul', null, links.map((l) => h('li', null,
      h('a', { href: /** @type {URL} */ (httpUrl(l.href)).href, target: '_blank', rel: 'noopener noreferrer', id: l.id }, l.name)))));
}
