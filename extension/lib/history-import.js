/**
 * Importing a history export file: parse and validate it (a bad file changes nothing), then merge
 * it into the stored history. An import never pushes out what is already stored without the
 * user's say: a file whose entries would evict existing ones (they are newer, and the history is
 * bounded) is refused until the caller confirms.
 */
import { allEntries, bound, emptyStore, merge, updateHistory, validEntry } from './history.js';

/**
 * @typedef {import('./history.js').HistoryStore} HistoryStore
 * @typedef {import('./history.js').HistoryEntry} HistoryEntry
 * @typedef {import('./history.js').Area} Area
 * @typedef {{ok: true, added: number, store: HistoryStore} | {ok: false, error: string, evicts?: number}} ImportResult
 *   `evicts`: the import was refused because it would remove this many stored entries
 */

/** Biggest import we even try to read or parse (bytes of the file; characters of its text). */
export const MAX_IMPORT_CHARS = 4 * 1024 * 1024;

/**
 * How far ahead of this browser's clock an imported entry may be dated (clocks of two machines
 * differ a little). Anything later is not an observation: such entries would sort as the newest
 * and push every real one out of the bounded history.
 */
export const FUTURE_SKEW_MS = 5 * 60 * 1000;

/**
 * Parses an export file. Accepts our JSON export (or a bare array of entries). Any invalid entry
 * (future-dated ones included) rejects the whole file, so a wrong file never half-imports.
 * @param {string} text
 * @param {number} [now]
 * @returns {{ok: true, store: HistoryStore, count: number} | {ok: false, error: string}}
 */
export function parseImport(text, now = Date.now()) {
  if (typeof text !== 'string') return { ok: false, error: 'not text' };
  if (text.length > MAX_IMPORT_CHARS) return { ok: false, error: `file too large (${text.length} characters)` };
  /** @type {unknown} */
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200) };
  }
  /** @type {unknown} */
  let entries = data;
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const d = /** @type {Record<string, unknown>} */ (data);
    if (d.format !== 'gateway-doctor-history') return { ok: false, error: 'not a Gateway Doctor history file' };
    if (d.v !== 1) return { ok: false, error: `unsupported version ${String(d.v).slice(0, 20)}` };
    entries = d.entries;
  }
  if (!Array.isArray(entries)) return { ok: false, error: 'no list of entries' };
  const store = emptyStore();
  for (let i = 0; i < entries.length; i++) {
    const e = validEntry(entries[i]);
    if (!e) return { ok: false, error: `entry ${i + 1} is not valid` };
    if (e.time > now + FUTURE_SKEW_MS) return { ok: false, error: `entry ${i + 1} is dated in the future (${new Date(e.time).toISOString()})` };
    (store.sites[e.host] ??= []).push(e);
  }
  // Bounded like everything we store; a huge file keeps only the newest entries.
  bound(store);
  return { ok: true, store, count: entries.length };
}

/**
 * How many of `before`'s entries are missing from `after`.
 * @param {HistoryStore} before
 * @param {HistoryStore} after
 */
export function evicted(before, after) {
  /** @param {HistoryEntry} e */
  const key = (e) => `${e.host}|${e.time}|${e.status}|${e.net_error}|${e.provider}|${e.fault}`;
  const kept = new Set(allEntries(after).map(key));
  return allEntries(before).filter((e) => !kept.has(key(e))).length;
}

/**
 * Imports an export file into storage (merge + dedupe). On a bad file nothing is written; when
 * the merge would remove stored entries nothing is written either, unless `allowEvict` (the
 * user confirmed after being told how many).
 * @param {Area} area
 * @param {string} text
 * @param {{allowEvict?: boolean, now?: number}} [opts]
 * @returns {Promise<ImportResult>}
 */
export async function importHistory(area, text, opts = {}) {
  const parsed = parseImport(text, opts.now);
  if (!parsed.ok) return parsed;
  let before = 0;
  let evicts = 0;
  const store = await updateHistory(area, (s) => {
    before = allEntries(s).length;
    const next = merge(s, parsed.store);
    evicts = evicted(s, next);
    // Refused: write back what was there (updateHistory always writes).
    return evicts > 0 && !opts.allowEvict ? s : next;
  });
  if (evicts > 0 && !opts.allowEvict) return { ok: false, error: `would remove ${evicts} stored entries`, evicts };
  return { ok: true, added: allEntries(store).length - before, store };
}
