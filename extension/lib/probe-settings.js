/**
 * Settings of the network probes, kept in chrome.storage.local (they are per machine: a test or
 * a company mirror points them elsewhere): the endpoints each probe contacts, the optional public
 * checker, the automatic check on error, the timeout. Normalisation is pure for tests/js.
 *
 * The resolver, the connectivity URL and the down-for-everyone link have per-region defaults
 * (`REGION_DEFAULTS`): services a user in mainland China can reach, or the global ones. The
 * region is a setting (`auto | cn | global`); `auto` means mainland China when the time zone is
 * one of `CN_TIME_ZONES` (the UI language alone does not decide: zh-CN readers abroad, Hong
 * Kong, Macau and Taiwan reach the global services). An endpoint stored empty follows the
 * region; one the user typed stays as typed. Sources: docs/probes.md.
 */
import { storage } from './platform.js';
import { httpUrl } from './url.js';

/**
 * @typedef {'auto'|'cn'|'global'} Region
 * @typedef {'wayback'|'archive-today'|'memento'} Archive
 * @typedef {object} ProbeSettings
 * @property {Region}  region            the setting (auto: from the time zone)
 * @property {'cn'|'global'} effectiveRegion the region whose defaults apply
 * @property {string}  resolver          DoH JSON endpoint
 * @property {string}  connectivityUrl   a URL that answers when the internet works
 * @property {string}  downLink          down-for-everyone page; `{host}` stands for the host (appended when absent)
 * @property {string}  archiveEndpoint   Wayback Machine availability API
 * @property {string}  archiveTodayEndpoint archive.today's Memento TimeMap base (the page URL is appended)
 * @property {string}  mementoEndpoint   Memento TimeTravel JSON API base (`<stamp>/<page URL>` appended)
 * @property {Archive} defaultArchive    the archive the popup leads with (the others one click away)
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
  alidns: 'https://dns.alidns.com/resolve',
});

/** The archives `archived-copy` can ask (ids shared with the engine's `archived-copy` request). */
export const ARCHIVES = Object.freeze(/** @type {Archive[]} */ (['wayback', 'archive-today', 'memento']));

/**
 * The archive each region leads with. Both keep the Wayback Machine, as before there were three:
 * no archive could be established as reachable from mainland China (docs/probes.md, "Region
 * defaults"); there the popup says archive.org could not be reached and the other two are one
 * click away.
 * @type {Readonly<Record<'cn'|'global', Archive>>}
 */
export const DEFAULT_ARCHIVE = Object.freeze({ global: 'wayback', cn: 'wayback' });

/** Which setting holds each archive's endpoint. */
const ARCHIVE_KEY = Object.freeze(/** @type {Record<Archive, 'archiveEndpoint'|'archiveTodayEndpoint'|'mementoEndpoint'>} */ ({
  wayback: 'archiveEndpoint',
  'archive-today': 'archiveTodayEndpoint',
  memento: 'mementoEndpoint',
}));

/**
 * The endpoint asked for an archive with these settings.
 * @param {Archive} archive
 * @param {ProbeSettings} s
 */
export function archiveEndpointFor(archive, s) {
  return s[ARCHIVE_KEY[archive] ?? 'archiveEndpoint'];
}

/**
 * The archive named, when it is one of ours; else null.
 * @param {unknown} v
 * @returns {Archive|null}
 */
export function archiveId(v) {
  return ARCHIVES.includes(/** @type {Archive} */ (v)) ? /** @type {Archive} */ (v) : null;
}

/** The region settings offered. */
export const REGIONS = Object.freeze(/** @type {Region[]} */ (['auto', 'cn', 'global']));

/**
 * IANA time zones of mainland China, link names included (engines report them as given):
 * tzdb zone1970.tab CN rows and their `backward` links.
 */
export const CN_TIME_ZONES = Object.freeze(['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Chongqing', 'Asia/Chungking', 'Asia/Harbin', 'Asia/Kashgar', 'PRC']);

/** The endpoints whose defaults depend on the region. */
export const REGION_KEYS = Object.freeze(/** @type {const} */ (['resolver', 'connectivityUrl', 'downLink']));

/**
 * Per-region defaults (each endpoint's source is in docs/probes.md).
 * @type {Readonly<Record<'cn'|'global', Readonly<{resolver: string, connectivityUrl: string, downLink: string}>>>}
 */
export const REGION_DEFAULTS = Object.freeze({
  global: Object.freeze({
    resolver: RESOLVERS.cloudflare,
    connectivityUrl: 'https://www.gstatic.com/generate_204',
    downLink: 'https://downforeveryoneorjustme.com/{host}',
  }),
  cn: Object.freeze({
    resolver: RESOLVERS.alidns,
    connectivityUrl: 'http://www.msftconnecttest.com/connecttest.txt',
    downLink: 'https://www.itdog.cn/http/{host}',
  }),
});

/**
 * The region `auto` stands for in this time zone.
 * @param {string|null|undefined} timeZone
 * @returns {'cn'|'global'}
 */
export function detectRegion(timeZone) {
  return typeof timeZone === 'string' && CN_TIME_ZONES.includes(timeZone) ? 'cn' : 'global';
}

/** This runtime's time zone ('' when Intl cannot tell). */
export function currentTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
  } catch {
    return '';
  }
}

/**
 * The region whose defaults apply.
 * @param {unknown} region the setting
 * @param {string|null|undefined} timeZone
 * @returns {'cn'|'global'}
 */
export function effectiveRegion(region, timeZone) {
  return region === 'cn' || region === 'global' ? region : detectRegion(timeZone);
}

/**
 * The down-for-everyone page for a host: `{host}` replaced (percent-encoded), or the host
 * appended; null when the result is not an http(s) link.
 * @param {string} template
 * @param {string} host
 * @returns {string|null}
 */
export function downLinkFor(template, host) {
  const h = encodeURIComponent(host);
  const u = template.includes('{host}') ? template.split('{host}').join(h) : template + h;
  return httpUrl(u)?.href ?? null;
}

/** Which setting names the third-party service each probe kind depends on. */
const SERVICE_KEY = Object.freeze(/** @type {Record<string, 'resolver'|'connectivityUrl'|'archiveEndpoint'>} */ ({
  'check-down': 'connectivityUrl',
  'check-dns': 'resolver',
  'archived-copy': 'archiveEndpoint',
}));

/**
 * The third-party endpoint a probe kind contacts with these settings (null: none).
 * @param {string} kind
 * @param {ProbeSettings} s
 * @param {Archive|null} [archive] for archived-copy: which archive (default: the setting's)
 * @returns {string|null}
 */
export function serviceFor(kind, s, archive = null) {
  if (kind === 'archived-copy') return archiveEndpointFor(archive ?? s.defaultArchive, s);
  const k = SERVICE_KEY[kind];
  return k ? s[k] : null;
}

/**
 * The endpoint to offer when a probe's service cannot be reached: the other region's default,
 * else this region's (when the user set another one); null when there is none (the archive:
 * the popup links other archives instead).
 * @param {string} kind
 * @param {ProbeSettings} s
 * @returns {string|null}
 */
export function alternativeFor(kind, s) {
  const k = SERVICE_KEY[kind];
  if (k !== 'resolver' && k !== 'connectivityUrl') return null;
  const other = s.effectiveRegion === 'cn' ? 'global' : 'cn';
  return [REGION_DEFAULTS[other][k], REGION_DEFAULTS[s.effectiveRegion][k]].find((c) => c !== s[k]) ?? null;
}

/**
 * The settings with a probe kind's service replaced by its alternative (for one run the user
 * asked for; nothing is saved).
 * @param {string} kind
 * @param {ProbeSettings} s
 * @returns {ProbeSettings}
 */
export function withAlternative(kind, s) {
  const alt = alternativeFor(kind, s);
  const k = SERVICE_KEY[kind];
  return alt && k ? { ...s, [k]: alt } : s;
}

/** Settings with the global region's endpoints (what `normalizeProbeSettings` gives outside China). */
/** @type {Readonly<ProbeSettings>} */
export const PROBE_DEFAULTS = Object.freeze({
  region: 'auto',
  effectiveRegion: 'global',
  ...REGION_DEFAULTS.global,
  archiveEndpoint: 'https://archive.org/wayback/available',
  archiveTodayEndpoint: 'https://archive.ph/timemap/',
  mementoEndpoint: 'http://timetravel.mementoweb.org/api/json/',
  defaultArchive: DEFAULT_ARCHIVE.global,
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
 * Settings from whatever is stored (un-prefixed keys); junk falls back to the defaults, and an
 * empty region endpoint to the region's default.
 * @param {Record<string, unknown>|null|undefined} raw
 * @param {string} [timeZone] for region `auto`
 * @returns {ProbeSettings}
 */
export function normalizeProbeSettings(raw, timeZone = currentTimeZone()) {
  const r = raw ?? {};
  const region = REGIONS.includes(/** @type {Region} */ (r.region)) ? /** @type {Region} */ (r.region) : 'auto';
  const eff = effectiveRegion(region, timeZone);
  /** @type {Record<string, unknown>} */
  const defaults = { ...PROBE_DEFAULTS, ...REGION_DEFAULTS[eff] };
  // Before regions, every options save stored the global defaults as if typed; without a stored
  // region such a value is the old default, and follows the region like an empty one.
  const legacy = (/** @type {keyof ProbeSettings} */ k) => r.region === undefined && REGION_KEYS.includes(/** @type {any} */ (k))
    && r[k] === REGION_DEFAULTS.global[/** @type {'resolver'|'connectivityUrl'|'downLink'} */ (k)];
  const url = (/** @type {keyof ProbeSettings} */ k) => (legacy(k) ? null : endpointUrl(r[k])) ?? /** @type {string} */ (defaults[k]);
  const bool = (/** @type {keyof ProbeSettings} */ k) => (typeof r[k] === 'boolean' ? /** @type {boolean} */ (r[k]) : /** @type {boolean} */ (PROBE_DEFAULTS[k]));
  const checkerEndpoint = endpointUrl(r.checkerEndpoint) ?? '';
  const t = Number(r.timeoutMs);
  return {
    region,
    effectiveRegion: eff,
    resolver: url('resolver'),
    connectivityUrl: url('connectivityUrl'),
    downLink: url('downLink'),
    archiveEndpoint: url('archiveEndpoint'),
    archiveTodayEndpoint: url('archiveTodayEndpoint'),
    mementoEndpoint: url('mementoEndpoint'),
    // Stored empty (or junk): the region's archive.
    defaultArchive: archiveId(r.defaultArchive) ?? DEFAULT_ARCHIVE[eff],
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
      return [host(archiveEndpointFor(s.defaultArchive, s))].filter(Boolean);
    default:
      return [];
  }
}

/**
 * What to store for these settings: a region endpoint equal to its region's default is stored
 * empty, so it follows the region when the region (or the time zone) changes.
 * @param {ProbeSettings} s
 * @returns {Record<string, unknown>} un-prefixed keys
 */
export function storedForm(s) {
  /** @type {Record<string, unknown>} */
  const out = { ...s };
  delete out.effectiveRegion;
  for (const k of REGION_KEYS) if (s[k] === REGION_DEFAULTS[s.effectiveRegion][k]) out[k] = '';
  if (s.defaultArchive === DEFAULT_ARCHIVE[s.effectiveRegion]) out.defaultArchive = '';
  return out;
}

/** The stored settings as they are (un-prefixed keys, not normalised). */
async function loadRaw() {
  const keys = Object.keys(PROBE_DEFAULTS).map((k) => PREFIX + k);
  const got = await storage.local.get(keys);
  /** @type {Record<string, unknown>} */
  const raw = {};
  for (const k of Object.keys(PROBE_DEFAULTS)) raw[k] = got[PREFIX + k];
  return raw;
}

/** @returns {Promise<ProbeSettings>} */
export async function loadProbeSettings() {
  return normalizeProbeSettings(await loadRaw());
}

/**
 * Saves a patch (normalised first) and returns the full settings. A patch with only `region`
 * moves the endpoints that follow the region and keeps the typed ones.
 * @param {Partial<ProbeSettings>} patch
 * @returns {Promise<ProbeSettings>}
 */
export async function saveProbeSettings(patch) {
  const next = normalizeProbeSettings({ ...(await loadRaw()), ...patch });
  // Endpoints at the (new) region's default are stored empty: typed ones stay as typed.
  const stored = storedForm(next);
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [k, v] of Object.entries(stored)) out[PREFIX + k] = v;
  await storage.local.set(out);
  return next;
}
