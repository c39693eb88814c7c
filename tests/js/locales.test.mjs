/**
 * Every UI string exists in English, Simplified Chinese and Traditional Chinese, with the same
 * placeholders, and every key the pages use exists.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from '../../extension/lib/i18n.js';

const ext = new URL('../../extension/', import.meta.url).pathname;
/** @param {string} dir @returns {Record<string, {message: string, placeholders?: Record<string, {content: string}>}>} */
const load = (dir) => JSON.parse(readFileSync(join(ext, '_locales', dir, 'messages.json'), 'utf8'));
const en = load('en');
const zh = load('zh_CN');
const tw = load('zh_TW');
/** Each locale folder with the language code its `uiLang` must name. */
const locales = [
  { dir: 'en', lang: 'en', msgs: en },
  { dir: 'zh_CN', lang: 'zh-CN', msgs: zh },
  { dir: 'zh_TW', lang: 'zh-TW', msgs: tw },
];
const chinese = locales.filter((l) => l.dir !== 'en');

test('every locale folder is one of the languages kept in step', () => {
  const dirs = readdirSync(join(ext, '_locales')).sort();
  assert.deepEqual(dirs, locales.map((l) => l.dir).sort());
});

test('the same keys in en, zh_CN and zh_TW', () => {
  for (const { dir, msgs } of chinese) assert.deepEqual(Object.keys(msgs).sort(), Object.keys(en).sort(), dir);
});

test('no empty messages; Chinese is actually translated where English has words', () => {
  for (const { dir, lang, msgs } of locales) {
    for (const [k, v] of Object.entries(msgs)) assert.ok(v.message.trim(), `${dir} ${k} empty`);
    assert.equal(msgs.uiLang.message, lang, `${dir} uiLang`);
  }
  for (const { dir, msgs } of chinese) {
    const same = Object.keys(en).filter((k) => en[k].message === msgs[k].message && /[a-z]{4}/.test(en[k].message));
    assert.deepEqual(same, [], `${dir} untranslated`);
  }
});

test('zh_TW holds no Simplified character that zh_CN uses', () => {
  // The Simplified-only forms among zh_CN's characters (OpenCC s2t changes each one; forms that
  // are also Traditional, such as 后 or 里, are left out). A string copied from zh_CN shows up here.
  const simplified = new Set(
    '与严个为么仅们会体储关内写决净几击刚删别办务动医历发启员响坏复头实对导将尝应开弹录态总扩护报据数断' +
    '无时显暂机权条标样档检没测浏点状现盖码签线细终经结给络统维缓网联节见览计认让记设访识诉诊试询该详' +
    '语误说请读谁败软轻载较迁过这进连适选释销错闭问间际随页项题骤');
  const found = Object.entries(tw).flatMap(([k, v]) => [...v.message].filter((c) => simplified.has(c)).map((c) => `${k}: ${c}`));
  assert.deepEqual(found, []);
});

test('placeholders match between languages and are used in the message', () => {
  for (const k of Object.keys(en)) {
    const want = Object.entries(en[k].placeholders ?? {}).map(([n, p]) => `${n}=${p.content}`).sort();
    for (const { dir, msgs } of locales) {
      const got = Object.entries(msgs[k].placeholders ?? {}).map(([n, p]) => `${n}=${p.content}`).sort();
      assert.deepEqual(got, want, `${dir} ${k} placeholders`);
      const declared = Object.keys(msgs[k].placeholders ?? {});
      for (const name of declared) {
        assert.match(msgs[k].message, new RegExp(`\\$${name}\\$`, 'i'), `${dir} ${k} uses $${name}$`);
      }
      // A $NAME$ the entry does not declare would reach the user as literal text.
      for (const m of msgs[k].message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)) {
        assert.ok(declared.includes(m[1].toLowerCase()), `${dir} ${k} uses undeclared $${m[1]}$`);
      }
    }
  }
});

/** Latin , ; : ? ! or a full stop right next to a Chinese character. */
const LATIN_PUNCT_IN_CHINESE = /[\u4e00-\u9fff][,;:?!]|[,;:?!][\u4e00-\u9fff]|[\u4e00-\u9fff]\.(\s|$)/;

for (const { dir, msgs, name, options, other } of [
  { dir: 'zh_CN', msgs: zh, name: '网关医生', options: '选项', other: ['Gateway Doctor', '閘道醫生'] },
  { dir: 'zh_TW', msgs: tw, name: '閘道醫生', options: '選項', other: ['Gateway Doctor', '网关医生'] },
]) {
  test(`${dir} names the product one way and uses Chinese punctuation in Chinese text`, () => {
    assert.equal(msgs.extName.message, name);
    assert.equal(msgs.optionsTitle.message, `${name}${options}`);
    for (const [k, v] of Object.entries(msgs)) {
      for (const o of other) assert.ok(!v.message.includes(o), `${dir} ${k} names the product "${o}"`);
      assert.doesNotMatch(v.message, LATIN_PUNCT_IN_CHINESE, `${dir} ${k}`);
      // Taiwan quotes with 「」, not “”.
      if (dir === 'zh_TW') assert.doesNotMatch(v.message, /[“”]/, `zh_TW ${k} quotes`);
    }
    // Lists joined in the UI: a Chinese enumeration comma, not ", ".
    assert.equal(msgs.listSeparator.message, '、');
  });
}

test('zh-CN guidance (crate/guidance/zh-CN.toml): one product name, Chinese punctuation in Chinese text', () => {
  const src = readFileSync(new URL('../../crate/guidance/zh-CN.toml', import.meta.url), 'utf8');
  // Every line but comments: the text a person reads (code samples in steps are Latin only).
  const lines = src.split('\n').map((l, i) => ({ l, n: i + 1 })).filter(({ l }) => !/^\s*#/.test(l));
  assert.ok(lines.length > 100, `read the guidance (${lines.length} lines)`);
  for (const { l, n } of lines) {
    assert.ok(!l.includes('Gateway Doctor'), `zh-CN.toml:${n} uses the English name: ${l}`);
    assert.doesNotMatch(l, LATIN_PUNCT_IN_CHINESE, `zh-CN.toml:${n}: ${l}`);
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
  for (const { dir, msgs } of locales) {
    const missing = [...used].filter((k) => !(k in msgs));
    assert.deepEqual(missing, [], dir);
  }
  assert.ok(used.size > 40, `found ${used.size} keys in use`);
});

test('format fills named and positional placeholders like chrome.i18n', () => {
  assert.equal(format(en, 'notifyBackTitle', ['example.com']), 'example.com is back');
  assert.equal(format(zh, 'notifyBackTitle', ['example.com']), 'example.com 已恢复');
  assert.equal(format(tw, 'notifyBackTitle', ['example.com']), 'example.com 已恢復');
  assert.equal(format(en, 'retryCountdown', ['0:10', '1', '10']), 'Next check in 0:10 (attempt 1 of 10)');
  assert.equal(format(tw, 'retryCountdown', ['0:10', '1', '10']), '0:10 後進行下一次檢查（第 1 次，共 10 次）');
  assert.equal(format({ k: { message: 'a $1 b $$ c' } }, 'k', ['X']), 'a X b $ c');
  assert.equal(format(en, 'nope', []), '');
});
