/**
 * Popup side of the probes and the history: the control for each probe action (button, what it
 * contacts, its result; archived-copy's is archive-views.js), `renderProbe` turning a probe reply into plain words, and the "this site
 * failed N times in the last 24 h" line. Everything remote-derived goes in as text nodes.
 */
import { h, append, clear } from '../lib/dom.js';
import { contactsFor, downLinkFor, loadProbeSettings } from '../lib/probe-settings.js';
import { loadHistory, siteOf, siteSummary, whatFailed } from '../lib/history.js';
import { httpUrl, isLocalHost } from '../lib/url.js';
import { alternativeButton, couldNotReach, failedText, unreachedLines } from './probe-reach.js';
import { archiveControl } from './archive-views.js';
import { message, platformOs, sendMessage, storage } from '../lib/platform.js';
import { followResults } from './stored-results.js';

/**
 * @typedef {import('../lib/i18n.js').Translate} Translate
 * @typedef {import('../background/probe-handlers.js').Outcome} Outcome
 * @typedef {import('../background/probe-handlers.js').EngineReply} EngineReply
 * @typedef {import('../background/engine.js').Action} Action
 * @typedef {import('../background/engine.js').Diagnosis} Diagnosis
 * @typedef {{ok?: boolean, available?: boolean, kind?: string, result?: Outcome, error?: string}} ProbeMessageReply
 */

/** Default translate: the browser's language. */
/** @type {Translate} */
const browserT = (key, subs) => message(key, subs);

/** Per-OS commands to flush the system's DNS cache (shown with the "different IP" verdict). */
const FLUSH = Object.freeze({
  win: ['ipconfig /flushdns'],
  mac: ['sudo dscacheutil -flushcache; sudo killall -HUP mDNSResponder'],
  linux: ['resolvectl flush-caches'],
  cros: [],
});

/** @typedef {import('../background/probe-handlers.js').ProbeError} ProbeError */

/**
 * Renders one probe reply (the background's answer to `{type: 'probe'}`) in plain words.
 * The returned element carries `data-probe` (kind) and `data-verdict` (the verdict kind, or
 * `failed:<error kind>`) so tests and styles can tell the states apart.
 * @param {string} kind
 * @param {ProbeMessageReply} reply
 * @param {Translate} [t]
 * @param {{os?: string, runAlt?: () => void}} [env] `runAlt` runs the check again with the
 *   alternative service (offered when the usual one could not be reached)
 * @returns {HTMLElement}
 */
export function renderProbe(kind, reply, t = browserT, env = {}) {
  const box = h('div', { class: 'probe-result', 'data-probe': kind, role: 'status', 'data-at': String(reply?.result?.at ?? '') });
  if (!reply || reply.ok === false) {
    box.setAttribute('data-verdict', 'failed:message');
    append(box, [h('p', { class: 'probe-failed' }, t('pv_failed_other', String(reply?.error ?? '')))]);
    return box;
  }
  if (reply.available === false || !reply.result) {
    box.setAttribute('data-verdict', 'unavailable');
    append(box, [h('p', null, t('probeUnavailable'))]);
    return box;
  }
  const out = reply.result;
  const p = out.probe;
  if (!p || !p.ok) {
    const ek = p?.error?.kind ?? 'other';
    box.setAttribute('data-verdict', `failed:${ek}`);
    if (ek === 'ip-literal') {
      append(box, [h('p', null, t('pv_dns_ip_literal'))]);
    } else if (ek === 'no-status-page') {
      append(box, [h('p', null, t('pv_no_status_page'))]);
    } else if (ek === 'local-host') {
      append(box, [h('p', { class: 'probe-local' }, t('pv_local_host', out.host ?? ''))]);
    } else if (couldNotReach(p?.error) && out.service) {
      // The check's own service did not answer: say so, and what else to try.
      box.setAttribute('data-unreached', 'true');
      append(box, unreachedLines(out.service, p?.error, out.timeoutMs, t));
      append(box, [alternativeButton(out, t, env.runAlt)]);
    } else {
      append(box, [h('p', { class: 'probe-failed' }, failedText(p?.error, out.timeoutMs, t))]);
    }
  } else {
    switch (kind) {
      case 'check-down':
        downView(box, p.result, t);
        if (p.result?.kind === 'offline' && out.service) {
          // "Offline" rests on one service answering: name it, it may only be blocked here.
          const svc = httpUrl(out.service)?.host ?? '';
          box.querySelector('.probe-verdict')?.replaceChildren(t('pv_down_offline_via', svc));
          box.setAttribute('data-unreached', 'true');
          append(box, [alternativeButton(out, t, env.runAlt)]);
        }
        break;
      case 'check-dns':
        dnsView(box, p.result, out.host ?? '', t, env.os ?? '');
        break;
      case 'provider-status':
        statusView(box, p.result, t);
        break;
      default:
        box.setAttribute('data-verdict', 'unknown');
    }
  }
  if (kind === 'check-down' && out.checker) append(box, [checkerView(out.checker, out.timeoutMs, t)]);
  if (out.auto) append(box, [h('p', { class: 'help' }, t('pv_auto_result'))]);
  append(box, [h('p', { class: 'help probe-time' }, t('pv_checked_at', new Date(out.at).toLocaleTimeString()))]);
  return box;
}

/**
 * @param {HTMLElement} box
 * @param {{kind: string, status: number|null, tab_status: number|null, attempts: {status: number|null, error: string|null, ms: number}[],
 *   median_ms: number|null, connectivity: boolean|null}} v
 * @param {Translate} t
 */
function downView(box, v, t) {
  box.setAttribute('data-verdict', v.kind);
  const st = v.status != null ? String(v.status) : '';
  /** @type {string} */
  let text;
  switch (v.kind) {
    case 'up-now':
      text = v.tab_status ? t('pv_down_up_now', [String(v.tab_status), st]) : t('pv_down_up_now_notab', st);
      break;
    case 'still-failing':
      text = t('pv_down_still_failing', st);
      break;
    case 'redirected':
      text = t('pv_down_redirected');
      break;
    case 'flapping':
      text = t('pv_down_flapping');
      break;
    case 'unreachable':
      text = t('pv_down_unreachable');
      break;
    case 'offline':
      text = t('pv_down_offline');
      break;
    default:
      text = t('pv_down_no_answer');
  }
  // A redirect is recorded as 300 ("answered 3xx": the real code is hidden from us).
  const code = (/** @type {number} */ c) => (c >= 300 && c < 400 ? '3xx' : String(c));
  const attempts = (v.attempts ?? []).map((a) => (a.status != null ? `${code(a.status)} (${a.ms} ms)` : `${a.error ?? '?'} (${a.ms} ms)`)).join(t('listSeparator'));
  append(box, [
    h('p', { class: 'probe-verdict' }, text),
    attempts ? h('p', { class: 'help' }, t('pv_down_attempts', attempts)) : null,
  ]);
}

/**
 * @param {EngineReply} c
 * @param {number} timeoutMs
 * @param {Translate} t
 */
function checkerView(c, timeoutMs, t) {
  if (!c.ok) return h('p', { class: 'probe-checker probe-failed', 'data-checker': 'failed' }, t('pv_checker_label'), ' ', failedText(c.error, timeoutMs, t));
  const r = /** @type {{status: string, checked_at: string|null, detail: string|null}} */ (c.result);
  const key = r.status === 'up' ? 'pv_checker_up' : r.status === 'down' ? 'pv_checker_down' : 'pv_checker_unknown';
  return h('p', { class: 'probe-checker', 'data-checker': r.status }, t('pv_checker_label'), ' ', t(key), r.detail ? ` — ${r.detail}` : '');
}

/**
 * @param {HTMLElement} box
 * @param {{kind: string, public_ips: string[], browser_ip: string|null, ttl: number|null, rcode: number}} v
 * @param {string} host
 * @param {Translate} t
 * @param {string} os
 */
function dnsView(box, v, host, t, os) {
  box.setAttribute('data-verdict', v.kind);
  const ips = (v.public_ips ?? []).join(t('listSeparator'));
  switch (v.kind) {
    case 'same':
      append(box, [h('p', { class: 'probe-verdict' }, t('pv_dns_same', v.browser_ip ?? ''))]);
      break;
    case 'different': {
      append(box, [
        h('p', { class: 'probe-verdict' }, t('pv_dns_different', [ips, v.browser_ip ?? ''])),
        v.ttl != null ? h('p', { class: 'dns-ttl' }, t('pv_dns_ttl', String(v.ttl))) : null,
        h('p', null, t('pv_dns_flush_hint')),
      ]);
      const cmds = FLUSH[/** @type {keyof typeof FLUSH} */ (os)] ?? [];
      if (cmds.length) append(box, [h('pre', { class: 'flush-cmd' }, h('code', null, cmds.join('\n')))]);
      append(box, [h('p', { class: 'help' }, t('pv_dns_proxy_note'))]);
      break;
    }
    case 'nxdomain':
      append(box, [h('p', { class: 'probe-verdict' }, t('pv_dns_nxdomain', host))]);
      break;
    case 'servfail':
      append(box, [h('p', { class: 'probe-verdict' }, t('pv_dns_servfail', host))]);
      break;
    case 'no-address':
      append(box, [h('p', { class: 'probe-verdict' }, t('pv_dns_no_address', host))]);
      break;
    case 'resolves':
      append(box, [h('p', { class: 'probe-verdict' }, t('pv_dns_resolves', [host, ips]))]);
      break;
    default:
      append(box, [h('p', { class: 'probe-verdict' }, t('pv_dns_error', String(v.rcode)))]);
  }
}

/**
 * @param {HTMLElement} box
 * @param {{page_name: string|null, page_url: string|null, indicator: string, description: string,
 *   incidents: {name: string, status: string, impact: string, latest_update: string, updated_at: string|null, link: string|null}[]}} s
 * @param {Translate} t
 */
function statusView(box, s, t) {
  box.setAttribute('data-verdict', s.indicator);
  const known = ['none', 'minor', 'major', 'critical', 'maintenance'].includes(s.indicator) ? s.indicator : 'unknown';
  append(box, [
    h('p', { class: `probe-verdict indicator-${known}` },
      t(`pv_status_${known}`), s.page_name ? ` — ${s.page_name}` : '', s.description ? `: ${s.description}` : ''),
  ]);
  if (!s.incidents?.length) {
    append(box, [h('p', null, t('pv_status_no_incidents'))]);
  } else {
    append(box, [
      h('p', null, t('pv_status_incidents')),
      h('ul', { class: 'incidents' }, s.incidents.map((i) =>
        h('li', { class: 'incident' },
          h('strong', null, i.name), ` (${i.status}, ${i.impact})`,
          i.latest_update ? h('p', { class: 'incident-update' }, i.latest_update) : null,
          i.updated_at ? h('p', { class: 'help' }, t('pv_status_updated', i.updated_at)) : null,
          safeHref(i.link) ? h('a', { href: /** @type {string} */ (safeHref(i.link)), target: '_blank', rel: 'noopener noreferrer' }, t('pv_status_incident_link')) : null))),
    ]);
  }
  const page = safeHref(s.page_url);
  if (page) append(box, [h('p', null, h('a', { href: page, target: '_blank', rel: 'noopener noreferrer', class: 'status-page-link' }, t('pv_status_open')))]);
}

/**
 * Only http(s) links become hrefs (the engine already filters; this is the second lock).
 * @param {string|null|undefined} u
 * @returns {string|null}
 */
export function safeHref(u) {
  return httpUrl(u)?.href ?? null;
}

/**
 * Adds this module's stylesheet to the page once (dist's popup has it written in already). By the
 * page's address, not the module's: in dist the module is part of the joined popup.js.
 */
function ensureStyles() {
  if (document.getElementById('probe-views-css')) return;
  document.head.appendChild(h('link', { rel: 'stylesheet', href: new URL('popup/probe-views.css', document.baseURI).href, id: 'probe-views-css' }));
}

/**
 * The control for one probe action: the button, a note saying what it contacts, the result area
 * (filled with the last result for this page, if any). For check-down also a link to the
 * region's down-for-everyone page (a plain link: nothing is fetched from it).
 * @param {Action} a
 * @param {Diagnosis} d
 * @param {{tabId: number|null, t: Translate, send: (msg: Record<string, unknown>) => Promise<any>, url?: string}} ctx
 * @returns {HTMLElement}
 */
export function probeControl(a, d, ctx) {
  const { t } = ctx;
  ensureStyles();
  // One button per archive: its own control (archive-views.js).
  if (a.id === 'archived-copy') return archiveControl(a, ctx);
  const host = a.host ?? d.host ?? '';
  const wrap = h('div', { class: 'probe', 'data-probe-control': a.id });
  const note = h('p', { class: 'help probe-contacts', 'data-contacts': a.id, id: `probe-note-${a.id}` });
  const result = h('div', { class: 'probe-slot', id: `probe-${a.id}`, 'aria-live': 'polite' });
  const btn = h('button', { type: 'button', class: 'probe-run', 'data-probe-run': a.id, 'aria-describedby': `probe-note-${a.id}` }, t(`probe_${a.id.replace(/-/g, '_')}`, host));
  let os = '';
  const run = async (alt = false) => {
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    clear(result);
    append(result, [h('p', { class: 'probe-running' }, t('pv_running'))]);
    /** @type {ProbeMessageReply} */
    let reply;
    try {
      reply = await sendMessage({ type: 'probe', kind: a.id, tabId: ctx.tabId, ...(alt ? { alt: true } : {}) });
    } catch (e) {
      reply = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    clear(result);
    result.appendChild(renderProbe(a.id, reply, t, { os, runAlt }));
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
  };
  const runAlt = () => {
    if (!btn.disabled) run(true);
  };
  btn.addEventListener('click', () => {
    if (!btn.disabled) run();
  });
  append(wrap, [btn, note]);
  // Filled in once the settings are read (the page depends on the region). No link that would
  // hand a local or reserved name to an outside checker.
  const downLine = a.id === 'check-down' && host && !isLocalHost(host) ? h('p', { class: 'help', hidden: true }) : null;
  if (downLine) wrap.appendChild(downLine);
  wrap.appendChild(result);

  // What it contacts, from the current settings; and the last result for this page.
  (async () => {
    const [s, platform] = await Promise.all([loadProbeSettings(), platformOs().catch(() => '')]);
    os = platform;
    const downHref = downLine ? downLinkFor(s.downLink, host) : null;
    if (downLine && downHref) {
      append(downLine, [
        h('a', { href: downHref, target: '_blank', rel: 'noopener noreferrer', id: 'dfeojm-link' }, t('pv_down_link', [host, new URL(downHref).host])),
        ' ', t('pv_dfeojm_note')]);
      downLine.hidden = false;
    }
    const who = contactsFor(a.id, s, a.api ?? null).map((x) => (x === 'site' ? t('pv_site', host) : x)).join(t('listSeparator'));
    note.textContent = who ? t(s.autoCheck && a.id === 'check-down' ? 'pv_contacts_auto' : 'pv_contacts_click', who) : '';
    if (ctx.tabId == null) return;
    /** @param {unknown} stored */
    const show = (stored) => {
      const got = /** @type {{url?: string, results?: Record<string, Outcome>}|undefined} */ (stored);
      const last = got?.results?.[a.id];
      if (!last || (ctx.url && got?.url !== ctx.url) || btn.disabled) return;
      const shown = result.querySelector('.probe-result');
      if (shown && shown.getAttribute('data-at') === String(last.at)) return;
      clear(result);
      result.appendChild(renderProbe(a.id, { ok: true, available: true, kind: a.id, result: last }, t, { os, runAlt }));
    };
    // A result arriving while the popup is open (the automatic check) shows up at once.
    await followResults(ctx.tabId, wrap, show);
  })().catch(() => {});
  return wrap;
}

/**
 * "This site failed N times in the last 24 h, last at …" (null when it never failed), with a
 * link to the history page.
 * @param {string} url
 * @param {Translate} [t]
 * @param {number} [now]
 * @returns {Promise<HTMLElement|null>}
 */
export async function historyLine(url, t = browserT, now = Date.now()) {
  const site = siteOf(url);
  if (!site) return null;
  const s = siteSummary(await loadHistory(storage.local), site, now);
  if (!s.last || s.recent === 0) return null;
  const when = new Date(s.last.time).toLocaleString();
  const text = s.recent === 1 ? t('pv_history_once', [when, whatFailed(s.last)]) : t('pv_history_line', [String(s.recent), when, whatFailed(s.last)]);
  return h('p', { id: 'site-history', class: 'history-line', 'data-recent': String(s.recent) },
    text, ' ', h('a', { href: 'history.html', target: '_blank' }, t('pv_history_link')));
}
