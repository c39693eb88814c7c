/**
 * The language tags: which of the three languages a browser's tag or a stored option means, and
 * which `_locales` folder each one reads (the folder must exist and name itself in `uiLang`).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LANGS, langOf, langOption, localeDir } from '../../extension/lib/lang.js';
import { normalizeSettings } from '../../extension/lib/settings.js';

test('browser tags map to the three languages', () => {
  const cases = {
    'en-US': 'en', de: 'en', '': 'en', zh: 'zh-CN', 'zh-CN': 'zh-CN', zh_CN: 'zh-CN', 'zh-SG': 'zh-CN',
    'zh-Hans': 'zh-CN', 'zh-Hans-HK': 'zh-CN', 'zh-TW': 'zh-TW', zh_TW: 'zh-TW', 'zh-HK': 'zh-TW',
    'zh-hk': 'zh-TW', 'zh-MO': 'zh-TW', 'zh-Hant': 'zh-TW', 'zh-Hant-TW': 'zh-TW',
  };
  for (const [tag, want] of Object.entries(cases)) assert.equal(langOf(tag), want, tag);
  assert.equal(langOf(undefined), 'en');
});

test('the option keeps the three languages and turns anything else into auto', () => {
  for (const l of LANGS) assert.equal(langOption(l), l);
  for (const v of ['auto', 'zh', 'zh-HK', 'fr', 42, null]) assert.equal(langOption(v), 'auto');
  assert.equal(normalizeSettings({ lang: 'zh-TW' }).lang, 'zh-TW');
  assert.equal(normalizeSettings({ lang: 'zh-hk' }).lang, 'auto');
});

test('each language reads its own locale folder, which names it', () => {
  for (const l of LANGS) {
    const url = new URL(`../../extension/_locales/${localeDir(l)}/messages.json`, import.meta.url);
    const msgs = JSON.parse(readFileSync(url, 'utf8'));
    assert.equal(msgs.uiLang.message, l);
  }
});
