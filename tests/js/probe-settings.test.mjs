/**
 * Unit tests of extension/lib/probe-settings.js: defaults contact nobody by themselves (automatic
 * check and public checker off), junk falls back to defaults, only http(s) endpoints are kept,
 * and the "what it contacts" list names the right hosts.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { PROBE_DEFAULTS, contactsFor, endpointUrl, normalizeProbeSettings } from '../../extension/lib/probe-settings.js';

test('defaults: documented endpoints, nothing automatic, checker off', () => {
  const s = normalizeProbeSettings(undefined);
  assert.deepEqual(s, { ...PROBE_DEFAULTS });
  assert.equal(s.resolver, 'https://cloudflare-dns.com/dns-query');
  assert.equal(s.connectivityUrl, 'https://www.gstatic.com/generate_204');
  assert.equal(s.archiveEndpoint, 'https://archive.org/wayback/available');
  assert.equal(s.autoCheck, false);
  assert.equal(s.checkerEnabled, false);
  assert.equal(s.checkerEndpoint, '');
});

test('only http(s) URLs without credentials are kept', () => {
  assert.equal(endpointUrl('javascript:alert(1)'), null);
  assert.equal(endpointUrl('file:///etc/passwd'), null);
  assert.equal(endpointUrl('https://user:pw@x.test/'), null);
  assert.equal(endpointUrl('http://127.0.0.1:9/dns-query'), 'http://127.0.0.1:9/dns-query');
  assert.equal(endpointUrl('  https://c.test/api '), 'https://c.test/api', 'kept as typed, trimmed');
  assert.equal(endpointUrl('https://c.test/a b'), null, 'no whitespace inside');
  assert.equal(endpointUrl(`https://c.test/${'a'.repeat(2048)}`), null, 'at most 2 KB');
  const s = normalizeProbeSettings({ resolver: 'ftp://x', archiveEndpoint: 'http://127.0.0.1:1/wayback/available', timeoutMs: 'x' });
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
  const s = normalizeProbeSettings({});
  assert.deepEqual(contactsFor('check-down', s), ['site', 'www.gstatic.com']);
  assert.deepEqual(contactsFor('check-down', normalizeProbeSettings({ checkerEnabled: true, checkerEndpoint: 'https://c.test/api' })), ['site', 'www.gstatic.com', 'c.test']);
  assert.deepEqual(contactsFor('check-dns', s), ['cloudflare-dns.com']);
  assert.deepEqual(contactsFor('archived-copy', s), ['archive.org']);
  assert.deepEqual(contactsFor('provider-status', s, 'https://www.cloudflarestatus.com'), ['www.cloudflarestatus.com']);
  assert.deepEqual(contactsFor('provider-status', normalizeProbeSettings({ statuspageBase: 'http://127.0.0.1:5/status/ok' }), 'https://www.cloudflarestatus.com'), ['127.0.0.1:5']);
});
