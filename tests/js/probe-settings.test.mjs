/**
 * Unit tests of extension/lib/probe-settings.js: defaults contact nobody by themselves (automatic
 * check and public checker off), junk falls back to defaults, only http(s) endpoints are kept,
 * and the "what it contacts" list names the right hosts.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  CN_TIME_ZONES, PROBE_DEFAULTS, REGION_DEFAULTS, contactsFor, detectRegion, downLinkFor, endpointUrl, normalizeProbeSettings, storedForm,
} from '../../extension/lib/probe-settings.js';

test('defaults: documented endpoints, nothing automatic, checker off', () => {
  const s = normalizeProbeSettings(undefined, 'Europe/Paris');
  assert.deepEqual(s, { ...PROBE_DEFAULTS });
  assert.equal(s.resolver, 'https://cloudflare-dns.com/dns-query');
  assert.equal(s.connectivityUrl, 'https://www.gstatic.com/generate_204');
  assert.equal(s.archiveEndpoint, 'https://archive.org/wayback/available');
  assert.equal(s.autoCheck, false);
  assert.equal(s.checkerEnabled, false);
  assert.equal(s.checkerEndpoint, '');
  assert.equal(s.downLink, 'https://downforeveryoneorjustme.com/{host}');
});

test('region auto: mainland China only from a mainland time zone, link names included', () => {
  for (const tz of ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Chongqing', 'Asia/Chungking', 'Asia/Harbin', 'Asia/Kashgar', 'PRC']) {
    assert.ok(CN_TIME_ZONES.includes(tz));
    assert.equal(detectRegion(tz), 'cn', tz);
  }
  // Same UTC+8 offset, outside the mainland: the global services are reachable there.
  for (const tz of ['Asia/Hong_Kong', 'Hongkong', 'Asia/Macau', 'Asia/Taipei', 'ROC', 'Asia/Singapore', 'UTC', '', undefined, null]) {
    assert.equal(detectRegion(tz), 'global', String(tz));
  }
});

test('region defaults: mainland endpoints in China, overridable both ways', () => {
  const cn = normalizeProbeSettings({}, 'Asia/Shanghai');
  assert.equal(cn.region, 'auto');
  assert.equal(cn.effectiveRegion, 'cn');
  assert.equal(cn.resolver, 'https://dns.alidns.com/resolve');
  assert.equal(cn.connectivityUrl, 'http://www.msftconnecttest.com/connecttest.txt');
  assert.equal(cn.downLink, 'https://www.itdog.cn/http/{host}');
  assert.equal(cn.archiveEndpoint, PROBE_DEFAULTS.archiveEndpoint, 'no archive reachable from the mainland was established');
  // The setting wins over the time zone, in both directions.
  assert.equal(normalizeProbeSettings({ region: 'global' }, 'Asia/Shanghai').resolver, REGION_DEFAULTS.global.resolver);
  assert.equal(normalizeProbeSettings({ region: 'cn' }, 'America/New_York').resolver, REGION_DEFAULTS.cn.resolver);
  assert.equal(normalizeProbeSettings({ region: 'mars' }, 'Asia/Urumqi').region, 'auto');
  // An endpoint the user typed stays, whatever the region; an empty one follows it.
  assert.equal(normalizeProbeSettings({ resolver: 'http://127.0.0.1:9/resolve' }, 'Asia/Shanghai').resolver, 'http://127.0.0.1:9/resolve');
  assert.equal(normalizeProbeSettings({ resolver: '', connectivityUrl: '' }, 'PRC').connectivityUrl, REGION_DEFAULTS.cn.connectivityUrl);
});

test('settings saved before regions: the old global defaults follow the region, typed ones stay', () => {
  const old = { resolver: 'https://cloudflare-dns.com/dns-query', connectivityUrl: 'https://www.gstatic.com/generate_204', archiveEndpoint: 'https://archive.org/wayback/available' };
  const cn = normalizeProbeSettings(old, 'Asia/Shanghai');
  assert.equal(cn.resolver, REGION_DEFAULTS.cn.resolver);
  assert.equal(cn.connectivityUrl, REGION_DEFAULTS.cn.connectivityUrl);
  assert.equal(normalizeProbeSettings({ resolver: 'https://dns.google/resolve' }, 'Asia/Shanghai').resolver, 'https://dns.google/resolve');
  // Once a region is stored, Cloudflare is what the user chose.
  assert.equal(normalizeProbeSettings({ ...old, region: 'auto' }, 'Asia/Shanghai').resolver, 'https://cloudflare-dns.com/dns-query');
});

test('stored form: endpoints at their region default are stored empty, so they follow the region', () => {
  const cn = normalizeProbeSettings({}, 'Asia/Shanghai');
  const st = storedForm(cn);
  assert.equal(st.resolver, '');
  assert.equal(st.downLink, '');
  assert.equal('effectiveRegion' in st, false);
  assert.equal(normalizeProbeSettings(st, 'Europe/Berlin').resolver, REGION_DEFAULTS.global.resolver);
  const typed = storedForm(normalizeProbeSettings({ resolver: 'https://dns.google/resolve' }, 'Asia/Shanghai'));
  assert.equal(typed.resolver, 'https://dns.google/resolve');
});

test('down-for-everyone link: the host is encoded into the template, or appended', () => {
  assert.equal(downLinkFor('https://www.itdog.cn/http/{host}', 'shop.example.cn'), 'https://www.itdog.cn/http/shop.example.cn');
  assert.equal(downLinkFor('https://downforeveryoneorjustme.com/', 'a.test'), 'https://downforeveryoneorjustme.com/a.test');
  assert.equal(downLinkFor('https://c.test/?q={host}', 'a b/c'), 'https://c.test/?q=a%20b%2Fc');
  assert.equal(downLinkFor('javascript:{host}', 'a.test'), null);
});

test('only http(s) URLs without credentials are kept', () => {
  assert.equal(endpointUrl('javascript:alert(1)'), null);
  assert.equal(endpointUrl('file:///etc/passwd'), null);
  assert.equal(endpointUrl('https://user:pw@x.test/'), null);
  assert.equal(endpointUrl('http://127.0.0.1:9/dns-query'), 'http://127.0.0.1:9/dns-query');
  assert.equal(endpointUrl('  https://c.test/api '), 'https://c.test/api', 'kept as typed, trimmed');
  assert.equal(endpointUrl('https://c.test/a b'), null, 'no whitespace inside');
  assert.equal(endpointUrl(`https://c.test/${'a'.repeat(2048)}`), null, 'at most 2 KB');
  const s = normalizeProbeSettings({ resolver: 'ftp://x', archiveEndpoint: 'http://127.0.0.1:1/wayback/available', timeoutMs: 'x' }, 'UTC');
  assert.equal(s.resolver, PROBE_DEFAULTS.resolver);
  assert.equal(s.archiveEndpoint, 'http://127.0.0.1:1/wayback/available');
  assert.equal(s.timeoutMs, 8000);
  assert.equal(normalizeProbeSettings({ timeoutMs: 5 }).timeoutMs, 1000);
  assert.equal(normalizeProbeSettings({ timeoutMs: 1e9 }).timeoutMs, 60000);
});

test('the checker stays off without an endpoint', () => {
  assert.equal(normalizeProbeSettings({ checkerEnabled: true }).checkerEnabled, false);
  assert.equal(normalizeProbeSettings({ checkerEnabled: true, checkerEndpoint: 'https://c.test/api' }).checkerEnabled, true);
});

test('what each probe contacts', () => {
  const s = normalizeProbeSettings({}, 'UTC');
  assert.deepEqual(contactsFor('check-down', s), ['site', 'www.gstatic.com']);
  assert.deepEqual(contactsFor('check-down', normalizeProbeSettings({ checkerEnabled: true, checkerEndpoint: 'https://c.test/api' }, 'UTC')), ['site', 'www.gstatic.com', 'c.test']);
  assert.deepEqual(contactsFor('check-dns', s), ['cloudflare-dns.com']);
  const cn = normalizeProbeSettings({}, 'Asia/Shanghai');
  assert.deepEqual(contactsFor('check-dns', cn), ['dns.alidns.com']);
  assert.deepEqual(contactsFor('check-down', cn), ['site', 'www.msftconnecttest.com']);
  assert.deepEqual(contactsFor('archived-copy', s), ['archive.org']);
  assert.deepEqual(contactsFor('provider-status', s, 'https://www.cloudflarestatus.com'), ['www.cloudflarestatus.com']);
  assert.deepEqual(contactsFor('provider-status', normalizeProbeSettings({ statuspageBase: 'http://127.0.0.1:5/status/ok' }), 'https://www.cloudflarestatus.com'), ['127.0.0.1:5']);
});
