/**
 * Unit tests of extension/lib/history.js: recording into bounded rings, summaries, timeline,
 * CSV injection safety, JSON round-trip, import validation (bad files change nothing).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as H from '../../extension/lib/history.js';
import * as HI from '../../extension/lib/history-import.js';

const NOW = Date.UTC(2026, 10, 24, 10, 0, 0);
const MIN = 60_000;

/** @param {Partial<import('../../extension/lib/history.js').HistoryEntry>} p */
const entry = (p) => ({ time: NOW, host: 'a.test', status: 502, net_error: null, provider: 'nginx', fault: 'origin', ...p });

/** An in-memory stand-in for chrome.storage.local. */
function fakeArea() {
  /** @type {Record<string, unknown>} */
  const data = {};
  return {
    data,
    /** @param {string} k */
    async get(k) { return k in data ? { [k]: structuredClone(data[k]) } : {}; },
    /** @param {Record<string, unknown>} o */
    async set(o) { for (const [k, v] of Object.entries(o)) data[k] = structuredClone(v); },
    /** @param {string} k */
    async remove(k) { delete data[k]; },
  };
}

test('entryFromDiagnosis keeps errors of web pages only', () => {
  const d = { is_error: true, status: 502, net_error: null, provider: 'cloudflare', fault: 'origin' };
  assert.deepEqual(H.entryFromDiagnosis('https://Example.com:8443/x?y', d, NOW),
    { time: NOW, host: 'example.com:8443', status: 502, net_error: null, provider: 'cloudflare', fault: 'origin' });
  assert.equal(H.entryFromDiagnosis('https://example.com/', { ...d, is_error: false }, NOW), null);
  assert.equal(H.entryFromDiagnosis('chrome://settings', d, NOW), null);
  const n = H.entryFromDiagnosis('http://nx.test/', { is_error: true, status: null, net_error: 'net::ERR_NAME_NOT_RESOLVED', provider: 'browser', fault: 'network' }, NOW);
  assert.equal(n?.net_error, 'net::ERR_NAME_NOT_RESOLVED');
});

test('ring per site drops the oldest first', () => {
  let s = H.emptyStore();
  const limits = { perSite: 3, total: 100, sites: 10 };
  for (let i = 0; i < 5; i++) s = H.addEntry(s, entry({ time: NOW - (5 - i) * MIN, status: 500 + i }), limits);
  assert.deepEqual(s.sites['a.test']?.map((e) => e.status), [502, 503, 504]);
});

test('global entry cap drops the oldest entries across sites', () => {
  let s = H.emptyStore();
  const limits = { perSite: 10, total: 4, sites: 10 };
  s = H.addEntry(s, entry({ host: 'old.test', time: NOW - 10 * MIN }), limits);
  s = H.addEntry(s, entry({ host: 'b.test', time: NOW - 9 * MIN }), limits);
  s = H.addEntry(s, entry({ host: 'b.test', time: NOW - 2 * MIN }), limits);
  s = H.addEntry(s, entry({ host: 'c.test', time: NOW - 3 * MIN }), limits);
  s = H.addEntry(s, entry({ host: 'c.test', time: NOW - 1 * MIN }), limits);
  s = H.addEntry(s, entry({ host: 'c.test', time: NOW }), limits);
  assert.equal(H.allEntries(s).length, 4);
  assert.equal(s.sites['old.test'], undefined, 'the oldest site entry went first');
  assert.deepEqual(s.sites['b.test']?.map((e) => e.time), [NOW - 2 * MIN]);
});

test('site cap drops the sites whose newest error is oldest', () => {
  let s = H.emptyStore();
  const limits = { perSite: 10, total: 100, sites: 2 };
  s = H.addEntry(s, entry({ host: 'x.test', time: NOW - 5 * MIN }), limits);
  s = H.addEntry(s, entry({ host: 'y.test', time: NOW - 9 * MIN }), limits);
  s = H.addEntry(s, entry({ host: 'y.test', time: NOW - 1 * MIN }), limits);
  s = H.addEntry(s, entry({ host: 'z.test', time: NOW }), limits);
  assert.deepEqual(Object.keys(s.sites).sort(), ['y.test', 'z.test']);
});

test('default bounds hold under many writes', () => {
  let s = H.emptyStore();
  for (let i = 0; i < 3000; i++) s = H.addEntry(s, entry({ host: `s${i % 250}.test`, time: NOW - (3000 - i) * 1000 }));
  const n = H.allEntries(s).length;
  assert.ok(n <= H.LIMITS.total, `${n} entries`);
  assert.ok(Object.keys(s.sites).length <= H.LIMITS.sites);
  for (const l of Object.values(s.sites)) assert.ok(l.length <= H.LIMITS.perSite);
  // The newest entry survived.
  assert.ok(s.sites['s249.test']?.some((e) => e.time === NOW - 1000));
});

test('duplicates are not recorded twice', () => {
  let s = H.addEntry(H.emptyStore(), entry({}));
  s = H.addEntry(s, entry({}));
  assert.equal(H.allEntries(s).length, 1);
});

test('summary counts the last 24 h only', () => {
  let s = H.emptyStore();
  s = H.addEntry(s, entry({ time: NOW - H.DAY_MS - MIN }));
  s = H.addEntry(s, entry({ time: NOW - 3 * MIN }));
  s = H.addEntry(s, entry({ time: NOW - MIN, status: 504 }));
  const sum = H.siteSummary(s, 'A.test', NOW);
  assert.equal(sum.recent, 2);
  assert.equal(sum.total, 3);
  assert.equal(sum.last?.status, 504);
  assert.deepEqual(H.siteSummary(s, 'none.test', NOW), { recent: 0, total: 0, last: null });
  const list = H.siteList(s, NOW);
  assert.deepEqual(list, [{ host: 'a.test', total: 3, recent: 2, last: NOW - MIN, lastStatus: '504' }]);
});

test('timeline buckets', () => {
  const tl = H.timeline([entry({ time: NOW - 1 }), entry({ time: NOW - 2 }), entry({ time: NOW - 6.5 * H.DAY_MS }), entry({ time: NOW - 8 * H.DAY_MS })], NOW, 7, 7);
  assert.equal(tl.length, 7);
  assert.deepEqual(tl.map((b) => b.count), [1, 0, 0, 0, 0, 0, 2]);
});

test('CSV cells that a spreadsheet would run as formulas are neutralised', () => {
  assert.equal(H.csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  assert.equal(H.csvCell('+1'), `"'+1"`);
  assert.equal(H.csvCell('-2'), `"'-2"`);
  assert.equal(H.csvCell('@SUM(A1)'), `"'@SUM(A1)"`);
  assert.equal(H.csvCell('a,b'), '"a,b"');
  assert.equal(H.csvCell(null), '');
  assert.equal(H.csvCell(502), '502');
  const csv = H.toCSV(H.addEntry(H.emptyStore(), entry({ net_error: null })));
  const lines = csv.trim().split('\r\n');
  assert.equal(lines[0], 'time,time_iso,host,status,net_error,provider,fault,situation');
  assert.equal(lines[1], `${NOW},2026-11-24T10:00:00.000Z,a.test,502,,nginx,origin,outage`);
});

test('JSON export round-trips through import', () => {
  let s = H.emptyStore();
  s = H.addEntry(s, entry({ time: NOW - MIN }));
  s = H.addEntry(s, entry({ host: 'nx.test', status: null, net_error: 'net::ERR_NAME_NOT_RESOLVED', provider: 'browser', fault: 'network' }));
  const parsed = HI.parseImport(H.toJSON(s, NOW));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.ok && parsed.store, s);
});

test('import rejects bad files with a clear error', () => {
  const bad = [
    ['not json', /not JSON/],
    ['{"format":"other","v":1,"entries":[]}', /not a Gateway Doctor history file/],
    ['{"format":"gateway-doctor-history","v":2,"entries":[]}', /unsupported version/],
    ['{"format":"gateway-doctor-history","v":1}', /no list of entries/],
    [JSON.stringify([entry({ host: '<script>' })]), /entry 1 is not valid/],
    [JSON.stringify([entry({}), entry({ fault: 'evil' })]), /entry 2 is not valid/],
    [JSON.stringify([entry({ time: -1 })]), /entry 1/],
    [JSON.stringify([entry({ status: null, net_error: null })]), /entry 1/],
    [JSON.stringify([entry({ net_error: '=cmd|calc' , status: null })]), /entry 1/],
    [JSON.stringify([{ ...entry({}), __proto__: { x: 1 }, status: '502' }]), /entry 1/],
  ];
  for (const [text, re] of bad) {
    const r = HI.parseImport(/** @type {string} */ (text));
    assert.equal(r.ok, false, String(text));
    assert.match(!r.ok ? r.error : '', /** @type {RegExp} */ (re));
  }
  assert.equal(HI.parseImport('x'.repeat(HI.MAX_IMPORT_CHARS + 1)).ok, false);
});

test('storage: record, import merges and dedupes, bad import keeps what was stored, clear', async () => {
  const area = fakeArea();
  await H.record(area, entry({ time: NOW - 2 * MIN }));
  await Promise.all([H.record(area, entry({ time: NOW - MIN })), H.record(area, entry({ time: NOW }))]);
  assert.equal(H.allEntries(await H.loadHistory(area)).length, 3, 'concurrent records are serialised');
  const exported = H.toJSON(await H.loadHistory(area), NOW);

  const bad = await HI.importHistory(area, '{"format":"gateway-doctor-history","v":1,"entries":[{"time":"x"}]}');
  assert.equal(bad.ok, false);
  assert.equal(H.allEntries(await H.loadHistory(area)).length, 3, 'a bad import loses nothing');

  const other = H.toJSON(H.addEntry(H.emptyStore(), entry({ host: 'b.test' })), NOW);
  const r1 = await HI.importHistory(area, exported);
  assert.ok(r1.ok && r1.added === 0, 'importing the same file twice adds nothing');
  const r2 = await HI.importHistory(area, other);
  assert.ok(r2.ok && r2.added === 1);
  assert.deepEqual(Object.keys((await H.loadHistory(area)).sites).sort(), ['a.test', 'b.test']);

  await H.clearHistory(area);
  assert.deepEqual(await H.loadHistory(area), H.emptyStore());
});

test('junk in storage reads as an empty or cleaned history', () => {
  assert.deepEqual(H.normalizeStore(null), H.emptyStore());
  assert.deepEqual(H.normalizeStore({ sites: [] }), H.emptyStore());
  const s = H.normalizeStore({ sites: { 'a.test': [entry({}), { bogus: true }], 'b.test': 'x' } });
  assert.equal(H.allEntries(s).length, 1);
});

test('hosts named __proto__ and constructor are sites like any other', async () => {
  const area = fakeArea();
  for (const host of ['__proto__', 'constructor', 'hasownproperty']) {
    const e = H.entryFromDiagnosis(`http://${host}/x`, { is_error: true, status: 502, provider: 'nginx', fault: 'origin' }, NOW);
    assert.equal(e?.host, host);
    await H.record(area, e);
  }
  const s = await H.loadHistory(area);
  assert.deepEqual(Object.keys(s.sites).sort(), ['__proto__', 'constructor', 'hasownproperty']);
  assert.equal(H.siteSummary(s, '__proto__', NOW).total, 1);
  assert.equal(H.siteSummary(s, 'toString', NOW).total, 0, 'a prototype name that is not stored has no entries');
  assert.equal(H.siteList(s, NOW).length, 3);
  const back = HI.parseImport(H.toJSON(s, NOW), NOW);
  assert.ok(back.ok && H.allEntries(back.store).length === 3);
});

test('import: future-dated entries are refused, and nothing stored is evicted without consent', async () => {
  const area = fakeArea();
  const now = Date.now();
  for (let i = 0; i < 5; i++) await H.record(area, entry({ time: now - (i + 1) * MIN }), { perSite: 50, total: 2000, sites: 200 });
  // A file of the full quota dated hours ahead (still within a day, which storage tolerates): it
  // would sort as the newest and push every real entry out.
  const future = Array.from({ length: 2000 }, (_, i) => entry({ host: `f${i % 150}.test`, time: now + 12 * 60 * MIN + i }));
  const r = await HI.importHistory(area, JSON.stringify(future));
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error : '', /entry 1 is dated in the future/);
  assert.equal(H.allEntries(await H.loadHistory(area)).length, 5, 'nothing lost');

  // Real (past) entries, newer than ours and enough to fill the bound: refused until confirmed.
  const newer = Array.from({ length: 2000 }, (_, i) => entry({ host: `n${i % 150}.test`, time: now - 30_000 + i }));
  const refused = await HI.importHistory(area, JSON.stringify(newer));
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.evicts, 5);
  assert.equal(H.allEntries(await H.loadHistory(area)).length, 5, 'refused: nothing written');
  const forced = await HI.importHistory(area, JSON.stringify(newer), { allowEvict: true });
  assert.ok(forced.ok, 'the user confirmed');
  assert.equal(H.allEntries(await H.loadHistory(area)).filter((e) => e.host === 'a.test').length, 0);
});
