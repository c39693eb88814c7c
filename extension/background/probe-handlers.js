/**
 * The network probes behind the popup's check-down, check-dns, provider-status and
 * archived-copy controls, and the per-site error history. Registers one handler per probe with
 * `registerProbe` (probes.js); each asks the engine's `runProbe` (Rust over the host's `fetch`: no
 * cookies, no cache, a timeout) with the endpoints from the probe settings. One probe per tab and kind runs
 * at a time: a second request while one is in flight joins it. Nothing here contacts anyone
 * unless the user clicked, or turned the automatic check on (then only check-down runs, once per
 * noticed error).
 */
import { engineCall, ready } from './engine.js';
import { runProbe as wasmRunProbe } from '../engine/engine.js';
import { registerProbe } from './probes.js';
import * as st from './state.js';
import { alternativeFor, archiveEndpointFor, archiveId, loadProbeSettings, serviceFor, withAlternative } from '../lib/probe-settings.js';
import { entryFromDiagnosis, record } from '../lib/history.js';
import { situationOf } from '../lib/verdict.js';
import { storage } from '../lib/platform.js';
import { httpUrl, isLocalHost, withoutQuery } from '../lib/url.js';

/**
 * @typedef {{kind: string, detail: string}} ProbeError
 * @typedef {{ok: boolean, result?: any, error?: ProbeError}} EngineReply
 * @typedef {{kind: string, probe: EngineReply, checker: EngineReply|null, host: string|null, url: string,
 *   timeoutMs: number, at: number, auto: boolean, service: string|null, alternative: string|null,
 *   archive?: import('../lib/probe-settings.js').Archive}} Outcome
 *   `archive`: for archived-copy, the archive asked. `service` is the third-party endpoint the probe contacted (resolver, connectivity URL,
 *   archive); `alternative` the one to offer when it could not be reached (null after a run
 *   that already used it).
 * @typedef {import('./probes.js').ProbeContext} ProbeContext
 */

/** Last outcomes per tab in chrome.storage.session, so a reopened popup shows them. */
export const resultsKey = (/** @type {number} */ tabId) => `probe:${tabId}`;

/**
 * Probes in flight, by `<tabId>:<kind>`: concurrent clicks share one run.
 * @type {Map<string, Promise<Outcome>>}
 */
const inFlight = new Map();

/**
 * Runs `fn` unless the same tab+kind is already running, in which case that run's promise is
 * returned. Exported for tests of the joining behaviour.
 * @param {string} key
 * @param {() => Promise<Outcome>} fn
 * @returns {Promise<Outcome>}
 */
export function joinOrStart(key, fn) {
  const running = inFlight.get(key);
  if (running) return running;
  const p = fn().finally(() => inFlight.delete(key));
  inFlight.set(key, p);
  return p;
}

/**
 * The engine's probe, with a malformed request or a missing engine turned into an error reply.
 * @param {import('./engine.js').ProbeRequest} req
 * @returns {Promise<EngineReply>}
 */
async function engineProbe(req) {
  try {
    await ready;
    return /** @type {EngineReply} */ (await engineCall.runAsync(() => wasmRunProbe(req)));
  } catch (e) {
    return { ok: false, error: { kind: 'bad-input', detail: String(e instanceof Error ? e.message : e).slice(0, 300) } };
  }
}

/** @param {string} detail @returns {EngineReply} */
const badInput = (detail) => ({ ok: false, error: { kind: 'bad-input', detail } });

/** @param {string} host */
function isIpLiteral(host) {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':') || host.startsWith('[');
}

/**
 * Runs one probe kind for a tab's page (no joining; see `probe`).
 * @param {string} kind
 * @param {ProbeContext} ctx
 * @param {boolean} auto started by the automatic check, not a click
 * @returns {Promise<Outcome>}
 */
async function runKind(kind, ctx, auto) {
  const saved = await loadProbeSettings();
  // The user asked to try the alternative service once (the popup offers it after a failure).
  const s = ctx.alt ? withAlternative(kind, saved) : saved;
  const state = await st.getTab(ctx.tabId);
  const url = ctx.url || state?.url || '';
  const host = ctx.host ?? null;
  const timeout_ms = s.timeoutMs;
  // archived-copy: the archive clicked, else the one the settings lead with.
  const archive = kind === 'archived-copy' ? archiveId(ctx.archive) ?? s.defaultArchive : null;
  /** @type {EngineReply} */
  let probe;
  /** @type {EngineReply|null} */
  let checker = null;
  // A local or reserved host is never named to an outside service (an endpoint the user set on
  // their own network may still be asked).
  const leaks = (/** @type {string} */ endpoint) => !!host && isLocalHost(host) && !isLocalHost(httpUrl(endpoint)?.hostname ?? '');
  const kept = () => /** @type {EngineReply} */ ({ ok: false, error: { kind: 'local-host', detail: host ?? '' } });
  if (!httpUrl(url) || !host) {
    probe = badInput('not a web page');
  } else if ((kind === 'check-dns' && !isIpLiteral(host) && leaks(s.resolver)) || (archive && leaks(archiveEndpointFor(archive, s)))) {
    probe = kept();
  } else {
    switch (kind) {
      case 'check-down': {
        const tabStatus = state?.diagnosis?.status ?? state?.input?.status ?? null;
        const [p, c] = await Promise.all([
          engineProbe({
            kind: 'check-down',
            url,
            ...(tabStatus ? { tab_status: tabStatus } : {}),
            connectivity_url: s.connectivityUrl,
            timeout_ms,
          }),
          !s.checkerEnabled ? null : leaks(s.checkerEndpoint) ? kept() : engineProbe({ kind: 'public-checker', endpoint: s.checkerEndpoint, host, timeout_ms }),
        ]);
        probe = p;
        checker = c;
        break;
      }
      case 'check-dns': {
        if (isIpLiteral(host)) {
          probe = { ok: false, error: { kind: 'ip-literal', detail: host } };
          break;
        }
        const ip = state?.input?.ip;
        probe = await engineProbe({ kind: 'check-dns', resolver: s.resolver, host, ...(ip ? { browser_ip: ip } : {}), timeout_ms });
        break;
      }
      case 'provider-status': {
        const base = s.statuspageBase || ctx.action?.api || state?.diagnosis?.actions.find((a) => a.id === 'provider-status')?.api || '';
        probe = base ? await engineProbe({ kind: 'provider-status', base, timeout_ms }) : { ok: false, error: { kind: 'no-status-page', detail: '' } };
        break;
      }
      case 'archived-copy':
        // Without the query: the popup says so next to the button (withoutQuery says why).
        probe = await engineProbe({ kind: 'archived-copy', archive, endpoint: archiveEndpointFor(/** @type {import('../lib/probe-settings.js').Archive} */ (archive), s), url: withoutQuery(url), timeout_ms });
        break;
      default:
        probe = badInput(`unknown probe ${kind}`);
    }
  }
  /** @type {Outcome} */
  const out = {
    kind, probe, checker, host, url, timeoutMs: timeout_ms, at: Date.now(), auto,
    service: serviceFor(kind, s, archive),
    alternative: ctx.alt ? null : alternativeFor(kind, saved),
    ...(archive ? { archive } : {}),
  };
  await remember(ctx.tabId, out).catch(() => {});
  return out;
}

/**
 * Where an outcome is kept among a tab's results: its kind, and for archived-copy the archive
 * too (each archive's answer is shown beside its own button).
 * @param {string} kind
 * @param {string|null|undefined} [archive]
 */
export const resultSlot = (kind, archive) => (kind === 'archived-copy' && archive ? `${kind}:${archive}` : kind);

/**
 * Keeps the newest outcome per kind (and archive) for the tab's current URL.
 * @param {number} tabId
 * @param {Outcome} out
 */
async function remember(tabId, out) {
  const k = resultsKey(tabId);
  const got = /** @type {{url?: string, results?: Record<string, Outcome>}|undefined} */ ((await storage.session.get(k))[k]);
  const results = got && got.url === out.url ? { ...got.results } : {};
  results[resultSlot(out.kind, out.archive)] = out;
  await storage.session.set({ [k]: { url: out.url, results } });
}

/**
 * A probe for a tab, joining one already running for the same tab and kind.
 * @param {string} kind
 * @param {ProbeContext} ctx
 * @param {boolean} [auto]
 */
export function probe(kind, ctx, auto = false) {
  return joinOrStart(`${ctx.tabId}:${resultSlot(kind, ctx.archive)}${ctx.alt ? ':alt' : ''}`, () => runKind(kind, ctx, auto));
}

for (const kind of ['check-down', 'check-dns', 'provider-status', 'archived-copy']) {
  registerProbe(kind, async (ctx) => /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (await probe(kind, ctx))));
}

/** A closed tab's results go with it (main.js calls this from its tabs.onRemoved listener). @param {number} tabId */
export function forgetProbeResults(tabId) {
  return storage.session.remove(resultsKey(tabId));
}

/**
 * Called by the background whenever it has diagnosed an error on a tab: records it in the
 * history, and runs check-down when the user turned the automatic check on.
 * @param {number} tabId
 * @param {string} url
 * @param {import('./engine.js').Diagnosis} d
 */
export async function onDiagnosedError(tabId, url, d) {
  const entry = entryFromDiagnosis(url, d, Date.now());
  if (!entry) return;
  await record(storage.local, entry);
  const s = await loadProbeSettings();
  const web = httpUrl(url);
  // The automatic check is for outages: a block or a cookie too large says nothing about being down.
  if (s.autoCheck && web && situationOf(d) === 'outage') {
    // Not awaited: the check takes seconds and must not hold up the badge or the retry.
    probe('check-down', { tabId, url, host: web.hostname, action: null }, true).catch(() => {});
  }
}
