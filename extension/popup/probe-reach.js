/**
 * Popup words for a check whose own service could not be reached (the resolver, the
 * connectivity URL, the archive): "could not reach <service> from your network", never a
 * verdict about the site, with the alternative to try (the other region's service, one click;
 * for the archives, the other archives' buttons beside it); and the words for any other
 * failure. Mainland China blocks several of the default services (docs/probes.md, "Region defaults"), so this is an everyday answer there.
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
 * A short, translated sentence for a failed check.
 * @param {{kind?: string, detail?: string}|undefined} e
 * @param {number} timeoutMs
 * @param {Translate} t
 */
export function failedText(e, timeoutMs, t) {
  const kind = e?.kind ?? 'other';
  const detail = e?.detail ?? '';
  switch (kind) {
    case 'timeout':
      return t('pv_failed_timeout', String(Math.ceil(timeoutMs / 1000)));
    case 'network':
      return t('pv_failed_network', detail);
    case 'http':
      return t('pv_failed_http', detail);
    case 'malformed':
      return t('pv_failed_malformed', detail);
    case 'too-large':
      return t('pv_failed_too_large');
    case 'local-host':
      return t('pv_local_host', detail);
    default:
      return t('pv_failed_other', detail || kind);
  }
}
