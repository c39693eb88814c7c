/** Unit tests of the pure display helpers: badge text/colour, what counts as top level, the fault path, OS steps, language. */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as v from '../../extension/lib/verdict.js';

/** @param {Partial<{is_error: boolean, status: number|null, meaning: string|null, fault: string}>} o */
const diag = (o) => ({ is_error: true, status: null, meaning: null, fault: 'origin', ...o });

test('badge: status code for HTTP errors, coloured by fault', () => {
  assert.deepEqual(v.badgeFor(diag({ status: 502 })), { text: '502', color: v.FAULT_COLORS.origin });
  assert.deepEqual(v.badgeFor(diag({ status: 522, fault: 'cdn' })), { text: '522', color: v.FAULT_COLORS.cdn });
  assert.equal(v.badgeFor(diag({ status: 503, fault: 'weird' })).color, v.FAULT_COLORS.unknown);
});

test('badge: short marks for network errors', () => {
  assert.equal(v.badgeFor(diag({ meaning: 'net-dns', fault: 'network' })).text, 'DNS');
  assert.equal(v.badgeFor(diag({ meaning: 'net-offline', fault: 'network' })).text, 'OFF');
  assert.equal(v.badgeFor(diag({ meaning: 'net-refused' })).text, 'ERR');
  assert.equal(v.badgeFor(diag({ meaning: null })).text, 'ERR');
});

test('badge: nothing for healthy pages', () => {
  assert.equal(v.badgeFor(diag({ is_error: false, status: 200 })).text, '');
  assert.equal(v.badgeFor(null).text, '');
});

test('only 4xx/5xx responses are worth a diagnosis', () => {
  for (const s of [200, 204, 301, 304, 399]) assert.equal(v.isCandidateStatus(s), false, String(s));
  for (const s of [400, 404, 429, 500, 502, 599]) assert.equal(v.isCandidateStatus(s), true, String(s));
  assert.equal(v.isCandidateStatus(undefined), false);
});

test('top level only: no sub-frames, prerenders, fenced frames or tabless requests', () => {
  assert.equal(v.isTopLevel({ tabId: 1, frameId: 0, frameType: 'outermost_frame', documentLifecycle: 'active' }), true);
  assert.equal(v.isTopLevel({ tabId: 1, frameId: 0 }), true, 'Firefox gives neither field');
  assert.equal(v.isTopLevel({ tabId: 1, frameId: 3, frameType: 'sub_frame' }), false);
  assert.equal(v.isTopLevel({ tabId: 1, frameId: 0, documentLifecycle: 'prerender' }), false);
  assert.equal(v.isTopLevel({ tabId: 1, frameId: 0, frameType: 'fenced_frame' }), false);
  assert.equal(v.isTopLevel({ tabId: -1, frameId: 0 }), false);
});

test('a network error is diagnosed unless it is on the ignore list (the engine\'s: engine-lists.test.mjs)', () => {
  const ignored = new Set(['net::ERR_ABORTED']);
  assert.equal(v.isReportableNetError('net::ERR_ABORTED', ignored), false);
  assert.equal(v.isReportableNetError('net::ERR_NAME_NOT_RESOLVED', ignored), true);
  assert.equal(v.isReportableNetError('', ignored), false);
  assert.equal(v.isReportableNetError(undefined, ignored), false);
});

test('fault path highlights exactly the failing hop', () => {
  assert.deepEqual(v.hopStates('origin', true), { you: 'ok', network: 'ok', cdn: 'ok', host: 'fail' });
  assert.deepEqual(v.hopStates('origin', false), { you: 'ok', network: 'ok', cdn: 'absent', host: 'fail' });
  assert.deepEqual(v.hopStates('cdn', true), { you: 'ok', network: 'ok', cdn: 'fail', host: 'unknown' });
  assert.deepEqual(v.hopStates('network', false), { you: 'ok', network: 'fail', cdn: 'absent', host: 'unknown' });
  assert.deepEqual(v.hopStates('client', false), { you: 'fail', network: 'unknown', cdn: 'absent', host: 'unknown' });
  assert.equal(Object.values(v.hopStates('unknown', false)).includes('fail'), false);
  assert.equal(Object.values(v.hopStates('none', false)).includes('fail'), false);
});

test('OS-specific steps: platform names map to the engine and foreign steps are dropped', () => {
  assert.equal(v.engineOs('win'), 'windows');
  assert.equal(v.engineOs('cros'), 'chromeos');
  const steps = [{ text: 'all' }, { text: 'w', os: 'windows' }, { text: 'm', os: 'mac' }, { text: 'ff', browser: 'firefox' }];
  assert.deepEqual(v.stepsFor(steps, 'mac', 'chrome').map((s) => s.text), ['all', 'm']);
  assert.deepEqual(v.stepsFor(steps, 'windows', 'firefox').map((s) => s.text), ['all', 'w', 'ff']);
});

test('language: the option wins, "auto" follows the browser', () => {
  assert.equal(v.pickLang('auto', 'zh-CN'), 'zh-CN');
  assert.equal(v.pickLang('auto', 'zh-TW'), 'zh-TW');
  assert.equal(v.pickLang('auto', 'zh_TW'), 'zh-TW', '@@ui_locale form');
  assert.equal(v.pickLang('auto', 'zh-HK'), 'zh-TW');
  assert.equal(v.pickLang('auto', 'zh-MO'), 'zh-TW');
  assert.equal(v.pickLang('auto', 'zh-Hant-HK'), 'zh-TW');
  assert.equal(v.pickLang('auto', 'zh-Hans-HK'), 'zh-CN');
  assert.equal(v.pickLang('auto', 'zh-SG'), 'zh-CN');
  assert.equal(v.pickLang('auto', 'zh'), 'zh-CN');
  assert.equal(v.pickLang('zh-TW', 'en-US'), 'zh-TW');
  assert.equal(v.pickLang('auto', 'zh_CN'), 'zh-CN', '@@ui_locale form');
  assert.equal(v.pickLang('auto', 'de'), 'en');
  assert.equal(v.pickLang('en', 'zh-CN'), 'en');
  assert.equal(v.pickLang('zh-CN', 'en-US'), 'zh-CN');
});
