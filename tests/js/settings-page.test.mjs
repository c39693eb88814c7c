/** Unit tests of settings normalisation and of the checks on what a failed page's reader returns. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULTS, normalizeSettings } from '../../extension/lib/settings.js';
import { MAX_HTML, MAX_TEXT, sanitizeRead } from '../../extension/background/page.js';

test('settings: defaults, junk ignored, cap clamped', () => {
  assert.deepEqual(normalizeSettings(undefined), { ...DEFAULTS });
  assert.equal(DEFAULTS.openTab, false, 'guidance tab is off by default');
  const s = normalizeSettings({ autoRetry: 'yes', retryCap: 500, notifications: false, lang: 'fr', openTab: true });
  assert.equal(s.autoRetry, false);
  assert.equal(s.retryCap, 30);
  assert.equal(s.notifications, false);
  assert.equal(s.lang, 'auto');
  assert.equal(s.openTab, true);
  assert.equal(normalizeSettings({ lang: 'zh-CN' }).lang, 'zh-CN');
});

test('page read results are type-checked and bounded', () => {
  assert.equal(sanitizeRead(null), null);
  assert.equal(sanitizeRead('x'), null);
  const r = sanitizeRead({ url: 1, title: 'T', text: 'x'.repeat(MAX_TEXT + 5), html: 'y'.repeat(MAX_HTML * 2), status: 502.5 });
  assert.ok(r);
  assert.equal(r.url, '');
  assert.equal(r.text.length, MAX_TEXT);
  assert.equal(r.html.length, MAX_HTML);
  assert.equal(r.status, null);
  assert.equal(sanitizeRead({ status: 503 })?.status, 503);
});
