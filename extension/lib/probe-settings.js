/**
 * Settings of the network probes, kept in chrome.storage.local (they are per machine: a test or
 * a company mirror points them elsewhere): the endpoints each probe contacts, the optional public
 * checker, the automatic check on error, the timeout. Normalisation is pure for tests/js.
 */
import { storage } from './platform.js';
import { httpUrl } from './url.js';

/**
 * @typedef {object} ProbeSettings
 * @property {string}  resolver          DoH JSON endpoint
 * @property {string}  connectivityUrl   a URL that answers when the internet works
 * @property {string}  archiveEndpoint   Wayback Machine availability API
 * @property {boolean} checkerEnabled    ask the public checker too (off by default)
 * @property {string}  checkerEndpoint   its URL ('' until the user sets one)
 * @property {string}  statuspageBase    '' = the provider's own status page; else this base
 * @property {boolean} autoCheck         run check-down by itself when an error is noticed
 * @property {number}  timeoutMs         per request
 */

/** Public DoH JSON resolvers offered in the options. */
export const RESOLVERS = Object.freeze({
  cloudflare: 'https://cloudflare-dns.com/dns-query',
  google: 'https://dns.google/resolve',
});

/** @type {Readonly<ProbeSettings>} */
export const PROBE_DEFAULTS = Object.freeze({
  resolver: RESOLVERS.cloudflare,
  connectivityUrl: 'https://www.gstatic.com/generate_204',
  archiveEndpoint: 'https://archive.org/wayback/available',
  checkerEnabled: false,
  checkerEndpoint: '',
  statuspageBase: '',
  autoCheck: false,
  timeoutMs: 8000,
});

/** Key prefix in chrome.storage.local, so our keys never collide with the history or others'. */
export const PREFIX = 'probe.';

/**
 * An endpoint the user may set: an http(s) URL without credentials or whitespace, at most 2 KB,
 * returned as typed (trimmed); else null.
 * @param {unknown} v
 * @returns {string|null}
 */
export function endpointUrl(v) {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (!s || s.length > 2048 || /\s/.test(s)) return null;
  const u = httpUrl(s);
  return u && !u.username && !u.password ? s : null;
}

/**
 * Settings from whatever is stored (un-prefixed keys); junk falls back to the defaults.
 * @param {Record<string, unknown>|null|undefined} raw
 * @returns {ProbeSettings}
 */
export function normalizeProbeSettings(raw) {
  const r = raw ?? {};
  const url = (/** @type {keyof ProbeSettings} */ k) => endpointUrl(r[k]) ?? /** @type {string} */ (PROBE_DEFAULTS[k]);
  const bool = (/** @type {keyof ProbeSettings} */ k) => (typeof r[k] === 'boolean' ? /** @type {boolean} */ (r[k]) : /** @type {boolean} */ (PROBE_DEFAULTS[k]));
  const checkerEndpoint = endpointUrl(r.checkerEndpoint) ?? '';
  const t = Number(r.timeoutMs);
  return {
    resolver: url('resolver'),
    connectivityUrl: url('connectivityUrl'),
    archiveEndpoint: url('archiveEndpoint'),
    // The checker only runs with an endpoint: "enabled" without one stays off.
    checkerEnabled: bool('checkerEnabled') && checkerEndpoint !== '',
    checkerEndpoint,
    statuspageBase: endpointUrl(r.statuspageBase) ?? '',
    autoCheck: bool('autoCheck'),
    timeoutMs: Number.isFinite(t) ? Math.min(60_000, Math.max(1000, Math.round(t))) : PROBE_DEFAULTS.timeoutMs,
  };
}

/**
 * The hosts a probe kind may contact with these settings (for the note next to its control).
 * `site` stands for the page's own host.
 * @param {string} kind
 * @param {ProbeSettings} s
 * @param {string|null} [statusBase] the provider's status page base (provider-status)
 * @returns {string[]}
 */
export function contactsFor(kind, s, statusBase = null) {
  const host = (/** @type {string} */ u) => httpUrl(u)?.host ?? '';
  switch (kind) {
    case 'check-down':
      return ['site', host(s.connectivityUrl), ...(s.checkerEnabled ? [host(s.checkerEndpoint)] : [])].filter(Boolean);
    case 'check-dns':
      return [host(s.resolver)].filter(Boolean);
    case 'provider-status':
      return [host(s.statuspageBase || statusBase || '')].filter(Boolean);
    case 'archived-copy':
      return [host(s.archiveEndpoint)].filter(Boolean);
    default:
      return [];
  }
}

/** @returns {Promise<ProbeSettings>} */
export async function loadProbeSettings() {
  const keys = Object.keys(PROBE_DEFAULTS).map((k) => PREFIX + k);
  const got = await storage.local.get(keys);
  /** @type {Record<string, unknown>} */
  const raw = {};
  for (const k of Object.keys(PROBE_DEFAULTS)) raw[k] = got[PREFIX + k];
  return normalizeProbeSettings(raw);
}

/**
 * Saves a patch (normalised first) and returns the full settings.
 * @param {Partial<ProbeSettings>} patch
 * @returns {Promise<ProbeSettings>}
 */
export async function saveProbeSettings(patch) {
  const next = normalizeProbeSettings({ ...(await loadProbeSettings()), ...patch });
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [k, v] of Object.entries(next)) out[PREFIX + k] = v;
  await storage.local.set(out);
  return next;
}
