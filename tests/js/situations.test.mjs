/**
 * Unit tests of how the shell treats the engine's situations (issue 13, item 2): the badge per
 * situation, which pages count as failed, the order of the actions, and the history entry.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as v from '../../extension/lib/verdict.js';
import * as H from '../../extension/lib/history.js';

const NOW = Date.UTC(2026, 10, 24, 10, 0, 0);

/** @param {Record<string, unknown>} o */
const diag = (o) => ({ is_error: true, status: null, meaning: null, fault: 'origin', situation: 'outage', ...o });

test('situation: the engine\'s, or from is_error for a diagnosis stored by an older version', () => {
  assert.equal(v.situationOf(diag({ situation: 'firewall-block' })), 'firewall-block');
  assert.equal(v.situationOf({ is_error: true }), 'outage');
  assert.equal(v.situationOf({ is_error: false }), 'none');
  assert.equal(v.situationOf({ is_error: true, situation: 'made-up' }), 'outage');
  assert.equal(v.situationOf(null), 'none');
});

test('a block is a failed page even when the engine does not call it an error', () => {
  assert.equal(v.failed(diag({ is_error: false, situation: 'firewall-block' })), true);
  assert.equal(v.failed(diag({ is_error: false, situation: 'none' })), false);
  assert.equal(v.failed(diag({ is_error: true, situation: 'client-fixable' })), true);
});

test('badge: a cookie too large shows its status in the client colour; blocks have their own neutral marks', () => {
  assert.deepEqual(v.badgeFor(diag({ situation: 'client-fixable', status: 400, fault: 'client' })), { text: '400', color: v.FAULT_COLORS.client });
  assert.deepEqual(v.badgeFor(diag({ situation: 'client-fixable', status: 431, fault: 'client' })), { text: '431', color: v.FAULT_COLORS.client });
  // A block reads WAF on slate whatever its status and is_error, never the outage red.
  for (const is_error of [true, false]) {
    const b = v.badgeFor(diag({ situation: 'firewall-block', status: 403, fault: 'none', is_error }));
    assert.deepEqual(b, { text: 'WAF', color: v.BLOCK_COLOR });
    assert.notEqual(b.color, v.FAULT_COLORS.origin);
    assert.notEqual(b.color, v.FAULT_COLORS.cdn);
  }
  assert.deepEqual(v.badgeFor(diag({ situation: 'blocked-by-client', meaning: 'net-blocked', fault: 'client' })), { text: 'BLK', color: v.FAULT_COLORS.client });
  assert.equal(v.badgeFor(diag({ status: 502 })).text, '502');
});

test('actions: auto-retry only for an outage; a cookie too large leads with clearing site data; a block leads with what is no outage', () => {
  const ids = (/** @type {string} */ s, /** @type {string[]} */ list) =>
    v.actionsFor(/** @type {any} */ (s), list.map((id) => ({ id }))).map((a) => a.id);
  assert.deepEqual(ids('outage', ['auto-retry', 'reload', 'check-down']), ['auto-retry', 'reload', 'check-down']);
  assert.deepEqual(ids('client-fixable', ['reload', 'auto-retry', 'clear-site-cache']), ['clear-site-cache', 'reload']);
  assert.deepEqual(ids('firewall-block', ['auto-retry', 'check-down', 'try-other-browser', 'archived-copy']), ['try-other-browser', 'archived-copy', 'check-down']);
  assert.deepEqual(ids('blocked-by-client', ['auto-retry', 'reload']), ['reload']);
});

test('history: blocks and cookie errors are recorded with their situation; outages as before', () => {
  const block = H.entryFromDiagnosis('https://shop.example.com/x', diag({ is_error: false, situation: 'firewall-block', status: 403, provider: 'cloudflare', fault: 'none' }), NOW);
  assert.deepEqual(block, { time: NOW, host: 'shop.example.com', status: 403, net_error: null, provider: 'cloudflare', fault: 'none', situation: 'firewall-block' });
  const out = H.entryFromDiagnosis('https://a.test/', diag({ status: 502, provider: 'nginx' }), NOW);
  assert.equal(out && 'situation' in out, false);
  assert.equal(H.validEntry({ ...block, situation: 'evil' }), null);
  const csv = H.toCSV(H.addEntry(H.emptyStore(), /** @type {any} */ (block))).trim().split('\r\n');
  assert.match(csv[1] ?? '', /,firewall-block$/);
});

test('a hidden error that a clean request does not repeat is framed as fixable; anything else is left as the engine said', () => {
  const hidden = { ...diag({ net_error: 'ERR_HTTP_RESPONSE_CODE_FAILURE' }), fault_label: "The site's server", verdict: 'engine' };
  const r = v.reframeHidden(hidden, 200, 'shell');
  assert.deepEqual([r.situation, r.fault, r.fault_label, r.verdict], ['client-fixable', 'client', '', 'shell']);
  assert.equal(v.badgeFor(r).color, v.FAULT_COLORS.client);
  assert.equal(v.reframeHidden(hidden, 502, 'shell'), hidden, 'the clean request failed too: the site');
  assert.equal(v.reframeHidden(hidden, null, 'shell'), hidden, 'not asked, or no answer');
  const other = { ...hidden, net_error: 'ERR_CONNECTION_REFUSED' };
  assert.equal(v.reframeHidden(other, 200, 'shell'), other);
});
