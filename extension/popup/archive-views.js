/**
 * The popup's archived-copy control: one button per archive (the Wayback Machine, archive.today,
 * the Memento TimeTravel aggregator), the one the settings lead with first and the others one
 * click away, each saying beside it whom it asks, above them the address all of them are sent
 * (without its query string); each answer shows the copy's date and age with a link to open it,
 * "no copy found" or "could not reach". Nothing is asked until a button is clicked. Remote text
 * goes in as text nodes only.
 */
import { h, append, clear } from '../lib/dom.js';
import { ARCHIVES, archiveEndpointFor, loadProbeSettings } from '../lib/probe-settings.js';
import { httpUrl, withoutQuery } from '../lib/url.js';
import { couldNotReach, failedText, unreachedLines } from './probe-reach.js';
import { sendMessage } from '../lib/platform.js';
import { followResults } from './stored-results.js';

/**
 * @typedef {import('../lib/i18n.js').Translate} Translate
 * @typedef {import('../lib/probe-settings.js').Archive} Archive
 * @typedef {import('../background/probe-handlers.js').Outcome} Outcome
 * @typedef {{url: string, timestamp: string, when: string|null, epoch_s: number|null, archive: string, held_by: string|null}} Snapshot
 * @typedef {{ok?: boolean, available?: boolean, result?: Outcome, error?: string}} Reply
 */

/** Seconds in each unit the age is told in, largest first. */
const UNITS = /** @type {const} */ ([['year', 365 * 86400], ['month', 30 * 86400], ['day', 86400], ['hour', 3600], ['minute', 60]]);

/**
 * How old a copy is, as a count of the largest unit that fits ("3 days", "2 years"); under a
 * minute counts as 0 minutes, a date in the future as now.
 * @param {number} epochS the copy's time, seconds since 1970
 * @param {number} nowMs
 * @returns {{value: number, unit: 'year'|'month'|'day'|'hour'|'minute'}}
 */
export function ageOf(epochS, nowMs) {
  const secs = Math.max(0, Math.floor(nowMs / 1000 - epochS));
  for (const [unit, size] of UNITS) if (secs >= size) return { value: Math.floor(secs / size), unit };
  return { value: 0, unit: 'minute' };
}

/**
 * The age in words of the popup's language ("3 days ago", "3天前", "3 天前"), by the browser's
 * own `Intl.RelativeTimeFormat`.
 * @param {number} epochS
 * @param {string} lang a BCP 47 tag (en, zh-CN, zh-TW)
 * @param {number} [nowMs]
 */
export function ageText(epochS, lang, nowMs = Date.now()) {
  const { value, unit } = ageOf(epochS, nowMs);
  return new Intl.RelativeTimeFormat(lang || 'en', { numeric: 'always' }).format(-value, unit);
}

/** @param {string|null|undefined} u */
const hostOf = (u) => httpUrl(u)?.host ?? '';

/**
 * The answer of one archive in plain words. The element carries `data-probe="archived-copy"`,
 * `data-archive` and `data-verdict` (`found`, `none`, `failed:<kind>`) for tests and styles.
 * @param {Archive} archive
 * @param {Reply} reply
 * @param {Translate} t
 * @param {{lead: boolean, lang: string, now?: number}} env `lead`: the first archive's (its link keeps the id `archive-open`)
 * @returns {HTMLElement}
 */
export function renderArchive(archive, reply, t, env) {
  const out = reply?.result;
  const box = h('div', { class: 'probe-result', 'data-probe': 'archived-copy', 'data-archive': archive, role: 'status', 'data-at': String(out?.at ?? '') });
  if (!reply || reply.ok === false || reply.available === false || !out) {
    box.setAttribute('data-verdict', reply?.available === false ? 'unavailable' : 'failed:message');
    append(box, [h('p', { class: 'probe-failed' }, reply?.available === false ? t('probeUnavailable') : t('pv_failed_other', String(reply?.error ?? '')))]);
    return box;
  }
  const p = out.probe;
  if (!p?.ok) {
    const e = p?.error;
    box.setAttribute('data-verdict', `failed:${e?.kind ?? 'other'}`);
    if (e?.kind === 'local-host') {
      append(box, [h('p', { class: 'probe-local' }, t('pv_local_host', out.host ?? ''))]);
    } else if (couldNotReach(e) && out.service) {
      // The archive did not answer (blocked on some networks): not "no copy", and the others
      // are the buttons beside this one.
      box.setAttribute('data-unreached', 'true');
      append(box, unreachedLines(out.service, e, out.timeoutMs, t));
      append(box, [h('p', { class: 'help' }, t('pv_archive_try_other'))]);
    } else {
      append(box, [h('p', { class: 'probe-failed' }, failedText(e, out.timeoutMs, t))]);
    }
    return box;
  }
  const snap = /** @type {Snapshot|null} */ (p.result);
  const href = snap ? httpUrl(snap.url)?.href ?? null : null;
  if (!snap || !href) {
    box.setAttribute('data-verdict', 'none');
    append(box, [h('p', { class: 'probe-verdict' }, t('pv_archive_none', t(`archive_name_${archive.replace('-', '_')}`)))]);
    return box;
  }
  box.setAttribute('data-verdict', 'found');
  const when = snap.when ?? '';
  const age = snap.epoch_s != null ? ageText(snap.epoch_s, env.lang, env.now) : '';
  const sentence = !when ? t(`pv_archive_found_${archive.replace('-', '_')}_undated`, snap.held_by ?? hostOf(href))
    : t(`pv_archive_found${archive === 'wayback' ? '' : `_${archive.replace('-', '_')}`}`, [when, age, snap.held_by ?? hostOf(href)]);
  append(box, [
    h('p', { class: 'probe-verdict', 'data-when': when, 'data-age': age }, sentence),
    h('p', null, h('a', { href, target: '_blank', rel: 'noopener noreferrer', class: 'button archive-open', ...(env.lead ? { id: 'archive-open' } : {}) }, t('pv_archive_open'))),
  ]);
  return box;
}

/**
 * The archived-copy control for a page.
 * @param {import('../background/engine.js').Action} a
 * @param {{tabId: number|null, t: Translate, url?: string}} ctx
 * @returns {HTMLElement}
 */
export function archiveControl(a, ctx) {
  const { t } = ctx;
  const wrap = h('div', { class: 'probe', 'data-probe-control': a.id });
  const lang = document.documentElement.lang || 'en';
  if (ctx.url) {
    // What leaves the browser, shown before any click: the address without its query string.
    wrap.appendChild(h('p', { class: 'help', id: 'archive-sends' }, t('pv_archive_sends', withoutQuery(ctx.url))));
  }
  const list = h('div', { class: 'archives' });
  wrap.appendChild(list);
  (async () => {
    const s = await loadProbeSettings();
    const order = [s.defaultArchive, ...ARCHIVES.filter((x) => x !== s.defaultArchive)];
    order.forEach((archive, i) => {
      if (i === 1) list.appendChild(h('p', { class: 'help archive-others' }, t('pv_archive_others')));
      list.appendChild(oneArchive(archive, i === 0, hostOf(archiveEndpointFor(archive, s)), ctx, lang));
    });
    wrap.setAttribute('data-lead', s.defaultArchive);
  })().catch(() => {});
  return wrap;
}

/**
 * One archive's button, the note of whom it asks, and its result.
 * @param {Archive} archive
 * @param {boolean} lead
 * @param {string} host the archive's endpoint host
 * @param {{tabId: number|null, t: Translate, url?: string}} ctx
 * @param {string} lang
 */
function oneArchive(archive, lead, host, ctx, lang) {
  const { t } = ctx;
  const name = t(`archive_name_${archive.replace('-', '_')}`);
  const noteId = lead ? 'probe-note-archived-copy' : `probe-note-archive-${archive}`;
  const btn = h('button', {
    type: 'button', class: lead ? 'probe-run' : 'probe-run archive-other', 'data-archive-run': archive, 'aria-describedby': noteId,
    // The lead keeps the action's own handle, so it reads like every other probe's button.
    ...(lead ? { 'data-probe-run': 'archived-copy' } : {}),
  }, t(lead ? 'probe_archived_copy_in' : 'pv_archive_look_in', name));
  const note = h('p', { class: 'help probe-contacts', id: noteId, 'data-contacts': lead ? 'archived-copy' : archive }, host ? t('pv_contacts_click', host) : '');
  const result = h('div', { class: 'probe-slot', id: lead ? 'probe-archived-copy' : `probe-archived-copy-${archive}`, 'aria-live': 'polite' });
  const show = (/** @type {Reply} */ reply) => {
    clear(result);
    result.appendChild(renderArchive(archive, reply, t, { lead, lang }));
  };
  btn.addEventListener('click', async () => {
    if (btn.disabled) return;
    btn.disabled = true;
    btn.setAttribute('aria-busy', 'true');
    clear(result);
    append(result, [h('p', { class: 'probe-running' }, t('pv_running'))]);
    /** @type {Reply} */
    let reply;
    try {
      reply = await sendMessage({ type: 'probe', kind: 'archived-copy', archive, tabId: ctx.tabId });
    } catch (e) {
      reply = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    show(reply);
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
  });
  const box = h('div', { class: 'archive', 'data-archive': archive }, btn, note, result);
  if (ctx.tabId != null) restore(ctx, `archived-copy:${archive}`, result, btn, show, box);
  return box;
}

/**
 * Shows the last answer kept for this page and archive, and one arriving while the popup is open.
 * @param {{tabId: number|null, url?: string}} ctx
 * @param {string} slot
 * @param {HTMLElement} result
 * @param {HTMLButtonElement} btn
 * @param {(r: Reply) => void} show
 * @param {HTMLElement} box
 */
function restore(ctx, slot, result, btn, show, box) {
  if (ctx.tabId == null) return;
  /** @param {unknown} stored */
  const fill = (stored) => {
    const got = /** @type {{url?: string, results?: Record<string, Outcome>}|undefined} */ (stored);
    const last = got?.results?.[slot];
    if (!last || (ctx.url && got?.url !== ctx.url) || btn.disabled) return;
    if (result.querySelector('.probe-result')?.getAttribute('data-at') === String(last.at)) return;
    show({ ok: true, available: true, result: last });
  };
  followResults(ctx.tabId, box, fill).catch(() => {});
}
