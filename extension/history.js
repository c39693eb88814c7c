/**
 * The error history page: sites with their counts and a small timeline chart (inline SVG drawn
 * here, no library), export as JSON or CSV (downloaded from a blob URL), import JSON (validated;
 * a bad file changes nothing), clear (after a confirm). All stored text goes in as text nodes.
 */
import { applyI18n, translator } from './lib/i18n.js';
import { loadSettings } from './lib/settings.js';
import { clear, h, svg } from './lib/dom.js';
import {
  HISTORY_KEY, allEntries, clearHistory, loadHistory, siteList, timeline, toCSV, toJSON,
} from './lib/history.js';
import { MAX_IMPORT_CHARS, importHistory } from './lib/history-import.js';
import { onStorageChanged, storage } from './lib/platform.js';

/** @typedef {import('./lib/i18n.js').Translate} Translate */
/** @typedef {import('./lib/history.js').HistoryStore} HistoryStore */

const area = storage.local;
const rows = /** @type {HTMLElement} */ (document.getElementById('site-rows'));
const status = /** @type {HTMLElement} */ (document.getElementById('history-status'));
const summary = /** @type {HTMLElement} */ (document.getElementById('history-summary'));
const empty = /** @type {HTMLElement} */ (document.getElementById('history-empty'));
const table = /** @type {HTMLElement} */ (document.getElementById('sites'));
const fileInput = /** @type {HTMLInputElement} */ (document.getElementById('import-file'));

/** @type {Translate} */
let t = (k) => k;

/** Chart size: 28 bars of 6 h over 7 days. */
const W = 168;
const H = 28;

/**
 * One site's timeline as an inline SVG bar chart.
 * @param {string} host
 * @param {import('./lib/history.js').HistoryEntry[]} entries
 * @param {number} now
 */
function chart(host, entries, now) {
  const buckets = timeline(entries, now, 7, 28);
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const label = t('hist_chart_label', host);
  const root = svg('svg', { class: 'timeline', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label });
  const title = svg('title');
  title.textContent = label;
  root.appendChild(title);
  root.appendChild(svg('line', { class: 'base', x1: 0, y1: H - 0.5, x2: W, y2: H - 0.5 }));
  const bw = W / buckets.length;
  buckets.forEach((b, i) => {
    if (!b.count) return;
    const bh = Math.max(2, Math.round(((H - 2) * b.count) / max));
    const r = svg('rect', { class: 'bar', x: (i * bw + 0.5).toFixed(1), y: H - 1 - bh, width: (bw - 1).toFixed(1), height: bh, 'data-count': b.count });
    const tip = svg('title');
    tip.textContent = `${new Date(b.start).toLocaleString()} – ${new Date(b.end).toLocaleString()}: ${b.count}`;
    r.appendChild(tip);
    root.appendChild(r);
  });
  return root;
}

/** @param {HistoryStore} store */
function render(store) {
  const now = Date.now();
  const sites = siteList(store, now);
  clear(rows);
  for (const s of sites) {
    rows.appendChild(h('tr', { 'data-host': s.host },
      h('td', { class: 'host' }, s.host),
      h('td', { class: 'num recent' }, String(s.recent)),
      h('td', { class: 'num total' }, String(s.total)),
      h('td', { class: 'last' }, `${new Date(s.last).toLocaleString()} (${s.lastStatus})`),
      h('td', { class: 'chart' }, chart(s.host, store.sites[s.host] ?? [], now))));
  }
  const total = allEntries(store).length;
  summary.textContent = total ? t('hist_summary', [String(total), String(sites.length)]) : '';
  empty.hidden = sites.length > 0;
  table.hidden = sites.length === 0;
}

/**
 * Offers text as a file download through a blob URL.
 * @param {string} text
 * @param {string} type
 * @param {string} name
 */
function download(text, type, name) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const stamp = () => new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');

/**
 * Imports a chosen file: its size is checked before a byte is read; an import that would push
 * stored entries out asks first; every failure is shown.
 * @param {File} file
 */
async function importFile(file) {
  if (file.size > MAX_IMPORT_CHARS) {
    status.textContent = t('hist_import_too_big', String(MAX_IMPORT_CHARS / (1024 * 1024)));
    return;
  }
  const text = await file.text();
  let r = await importHistory(area, text);
  if (!r.ok && r.evicts) {
    if (!confirm(t('hist_import_evicts_confirm', String(r.evicts)))) {
      status.textContent = t('hist_import_failed', r.error);
      return;
    }
    r = await importHistory(area, text, { allowEvict: true });
  }
  if (r.ok) {
    status.textContent = t('hist_imported', String(Math.max(0, r.added)));
    render(r.store);
  } else {
    status.textContent = t('hist_import_failed', r.error);
  }
}

async function main() {
  const settings = await loadSettings();
  const tr = await translator(settings.lang);
  t = tr.t;
  document.documentElement.lang = tr.lang;
  applyI18n(document, t);
  render(await loadHistory(area));

  document.getElementById('export-json')?.addEventListener('click', async () => {
    download(toJSON(await loadHistory(area), Date.now()), 'application/json', `gateway-doctor-history-${stamp()}.json`);
  });
  document.getElementById('export-csv')?.addEventListener('click', async () => {
    download(toCSV(await loadHistory(area)), 'text/csv', `gateway-doctor-history-${stamp()}.csv`);
  });
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (file) importFile(file).catch((e) => {
      status.textContent = t('hist_import_failed', String(e instanceof Error ? e.message : e));
    });
  });
  document.getElementById('clear')?.addEventListener('click', async () => {
    if (!confirm(t('hist_clear_confirm'))) return;
    await clearHistory(area);
    status.textContent = t('hist_cleared');
    render(await loadHistory(area));
  });
  // Errors noticed while the page is open show up without a reload.
  onStorageChanged((changes, where) => {
    if (where === 'local' && HISTORY_KEY in changes) loadHistory(area).then(render).catch(() => {});
  });
  document.getElementById('history')?.setAttribute('aria-busy', 'false');
}

main().catch((e) => {
  status.textContent = String(e instanceof Error ? e.message : e);
});
