/** Every UI string exists in English and Simplified Chinese, with the same placeholders, and every key the pages use exists. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from '../../extension/lib/i18n.js';

const ext = new URL('../../extension/', import.meta.url).pathname;
/** @param {string} dir */
const load = (dir) => JSON.parse(readFileSync(join(ext, '_locales', dir, 'messages.json'), 'utf8'));
const en = load('en');
const zh = load('zh_CN');

test('the same keys in en and zh_CN', () => {
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
});

test('no empty messages; Chinese is actually translated where English has words', () => {
  for (const [k, v] of Object.entries(en)) {
    assert.ok(v.message.trim(), `en ${k} empty`);
    assert.ok(zh[k].message.trim(), `zh_CN ${k} empty`);
  }
  const same = Object.keys(en).filter((k) => en[k].message === zh[k].message && /[a-z]{4}/.test(en[k].message));
  assert.equal(en.uiLang.message, 'en');
  assert.equal(zh.uiLang.message, 'zh-CN');
  assert.deepEqual(same, [], 'untranslated');
});

test('placeholders match between languages and are used in the message', () => {
  for (const k of Object.keys(en)) {
    const pe = Object.keys(en[k].placeholders ?? {}).sort();
    const pz = Object.keys(zh[k].placeholders ?? {}).sort();
    assert.deepEqual(pz, pe, k);
    for (const name of pe) {
      assert.match(en[k].message, new RegExp(`\\$${name}\\$`, 'i'), `en ${k} uses $${name}$`);
      assert.match(zh[k].message, new RegExp(`\\$${name}\\$`, 'i'), `zh ${k} uses $${name}$`);
    }
  }
});

test('every key the pages and the worker ask for exists', () => {
  /** @param {string} dir @returns {string[]} */
  const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === '_locales' ? [] : files(join(dir, e.name))) : /\.(js|html)$/.test(e.name) ? [join(dir, e.name)] : []);
  const used = new Set();
  for (const f of files(ext)) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\bt\('([A-Za-z0-9_]+)'/g)) used.add(m[1]);
    for (const m of src.matchAll(/data-i18n="([A-Za-z0-9_]+)"/g)) used.add(m[1]);
    for (const m of src.matchAll(/getMessage\('([A-Za-z0-9_]+)'/g)) used.add(m[1]);
    for (const m of src.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) used.add(m[1]);
  }
  // Keys built from ids: one per hop, hop state, probe action and evidence source.
  for (const hop of ['you', 'network', 'cdn', 'host']) used.add(`hop_${hop}`);
  for (const s of ['ok', 'fail', 'unknown', 'absent']) used.add(`hopState_${s}`);
  for (const a of ['check_down', 'check_dns', 'provider_status', 'archived_copy']) used.add(`probe_${a}`);
  const missing = [...used].filter((k) => !(k in en));
  assert.deepEqual(missing, []);
  assert.ok(used.size > 40, `found ${used.size} keys in use`);
});

test('format fills named and positional placeholders like chrome.i18n', () => {
  assert.equal(format(en, 'notifyBackTitle', ['example.com']), 'example.com is back');
  assert.equal(format(zh, 'notifyBackTitle', ['example.com']), 'example.com 已恢复');
  assert.equal(format(en, 'retryCountdown', ['0:10', '1', '10']), 'Next check in 0:10 (attempt 1 of 10)');
  assert.equal(format({ k: { message: 'a $1 b $$ c' } }, 'k', ['X']), 'a X b $ c');
  assert.equal(format(en, 'nope', []), '');
});
