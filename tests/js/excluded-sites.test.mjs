/**
 * "Never on this site" (extension/lib/excluded-sites.js): which addresses a listed host covers
 * (exact host, www. folded, port ignored, no subdomains), what a stored list may hold, and
 * add/remove against a storage area. Also: the first-run page has a sentence for every
 * permission either browser's manifest asks for.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  MAX_SITES, NEVER_KEY, addExcluded, addedSites, isExcluded, loadExcluded, normalizeList, removeExcluded, siteKey, siteOfUrl,
} from '../../extension/lib/excluded-sites.js';

/** A storage area in memory, as chrome.storage.local behaves for get/set of one key. */
function fakeArea() {
  /** @type {Record<string, unknown>} */
  const data = {};
  return {
    data,
    /** @param {string} k */
    async get(k) {
      return k in data ? { [k]: structuredClone(data[k]) } : {};
    },
    /** @param {Record<string, unknown>} items */
    async set(items) {
      Object.assign(data, structuredClone(items));
    },
  };
}

test('a site key: lower case, no trailing dot, one www. folded; junk is null', () => {
  assert.equal(siteKey('Example.COM'), 'example.com');
  assert.equal(siteKey('www.example.com'), 'example.com');
  assert.equal(siteKey('www.www.example.com'), 'www.example.com');
  assert.equal(siteKey('example.com.'), 'example.com');
  assert.equal(siteKey('[::1]'), '[::1]');
  for (const bad of ['', ' ', '<img src=x onerror=alert(1)>', 'a b.com', '.example.com', 'x'.repeat(300), 42, null, {}]) {
    assert.equal(siteKey(bad), null, String(bad));
  }
});

test('an address maps to its host name without the port; only http(s)', () => {
  assert.equal(siteOfUrl('https://www.Example.com:8443/path?q=1#f'), 'example.com');
  assert.equal(siteOfUrl('http://127.0.0.1:8080/'), '127.0.0.1');
  assert.equal(siteOfUrl('http://xn--bcher-kva.example/'), 'xn--bcher-kva.example');
  assert.equal(siteOfUrl('http://bücher.example/'), 'xn--bcher-kva.example');
  assert.equal(siteOfUrl('chrome://settings'), null);
  assert.equal(siteOfUrl('file:///etc/passwd'), null);
  assert.equal(siteOfUrl('not a url'), null);
});

test('matching: the exact site with or without www., any port or path; never a subdomain or a parent', () => {
  const set = new Set(['example.com']);
  for (const yes of ['https://example.com/', 'http://example.com:8080/x', 'https://www.example.com/a?b', 'https://EXAMPLE.com./']) {
    assert.equal(isExcluded(set, yes), true, yes);
  }
  for (const no of ['https://api.example.com/', 'https://www.api.example.com/', 'https://example.com.evil.test/', 'https://notexample.com/',
    'https://com/', 'chrome://newtab/', 'about:blank']) {
    assert.equal(isExcluded(set, no), false, no);
  }
  // A listed subdomain does not cover its parent.
  assert.equal(isExcluded(new Set(['api.example.com']), 'https://example.com/'), false);
  assert.equal(isExcluded(new Set(), 'https://example.com/'), false);
});

test('a stored list is cleaned: strings only, normalised, no duplicates, bounded', () => {
  assert.deepEqual(normalizeList(['www.A.com', 'a.com', 7, null, 'b.org', '<b>x</b>', 'B.org.']), ['a.com', 'b.org']);
  assert.deepEqual(normalizeList('a.com'), []);
  assert.deepEqual(normalizeList({ 0: 'a.com', length: 1 }), []);
  assert.equal(normalizeList(Array.from({ length: MAX_SITES + 50 }, (_, i) => `s${i}.test`)).length, MAX_SITES);
});

test('addedSites: the hosts newly turned off', () => {
  assert.deepEqual(addedSites(['a.com'], ['a.com', 'www.b.com']), ['b.com']);
  assert.deepEqual(addedSites(undefined, ['a.com']), ['a.com']);
  assert.deepEqual(addedSites(['a.com', 'b.com'], ['a.com']), []);
});

test('add and remove against a storage area: sorted, deduplicated, www. folded', async () => {
  const area = fakeArea();
  assert.deepEqual(await loadExcluded(area), []);
  assert.equal(await addExcluded(area, 'www.zeta.test'), 'zeta.test');
  assert.equal(await addExcluded(area, 'alpha.test'), 'alpha.test');
  assert.equal(await addExcluded(area, 'ZETA.test'), 'zeta.test');
  assert.equal(await addExcluded(area, 'not a host'), null);
  assert.deepEqual(area.data[NEVER_KEY], ['alpha.test', 'zeta.test']);
  await removeExcluded(area, 'www.zeta.test');
  assert.deepEqual(await loadExcluded(area), ['alpha.test']);
  await removeExcluded(area, 'absent.test');
  assert.deepEqual(await loadExcluded(area), ['alpha.test']);
  // Junk written by anyone else is read as the clean list.
  area.data[NEVER_KEY] = ['x.test', 5, '<script>'];
  assert.deepEqual(await loadExcluded(area), ['x.test']);
});

test('the first-run page has a sentence for every permission of either build, in every language', () => {
  const root = new URL('../../', import.meta.url).pathname;
  const m = JSON.parse(readFileSync(`${root}manifest.json`, 'utf8'));
  // Firefox's build moves webRequest to the required ones (tools/assemble.mjs): still listed here.
  const names = [...(m.permissions ?? []), ...(m.optional_permissions ?? []), 'webRequest'];
  for (const dir of ['en', 'zh_CN', 'zh_TW']) {
    const msgs = JSON.parse(readFileSync(`${root}extension/_locales/${dir}/messages.json`, 'utf8'));
    for (const p of names) assert.ok(msgs[`perm_${p}`]?.message, `${dir} perm_${p}`);
    assert.ok(msgs.perm_hosts?.message.includes('$HOSTS$'), `${dir} perm_hosts`);
  }
});
