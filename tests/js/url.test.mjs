/**
 * The one "is this a web page's address" helper (extension/lib/url.js) and the modules that ask
 * it: history's site key, auto-retry's origin, the popup's links, the probe endpoints.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { httpUrl, isLocalHost, sameDocument } from '../../extension/lib/url.js';
import { siteOf } from '../../extension/lib/history.js';
import { retryableOrigin } from '../../extension/lib/retry-policy.js';
import { endpointUrl } from '../../extension/lib/probe-settings.js';
import { safeHref } from '../../extension/popup/probe-views.js';

test('httpUrl: absolute http(s) URLs only, parsed', () => {
  const u = httpUrl('https://Example.com:8443/a?b#c');
  assert.ok(u instanceof URL);
  assert.equal(u.host, 'example.com:8443');
  assert.equal(httpUrl('http://127.0.0.1/')?.origin, 'http://127.0.0.1');
  assert.equal(httpUrl('HTTP://x.test/')?.href, 'http://x.test/', 'scheme case does not matter');
  for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'chrome://settings', 'about:blank', 'data:text/html,x',
    'moz-extension://id/popup.html', 'ftp://x.test/', '/relative', 'example.com', '', 'http://', 'https://[::1', null, undefined, 42, {}]) {
    assert.equal(httpUrl(bad), null, String(bad));
  }
});

test('sameDocument: equal but for the fragment', () => {
  assert.equal(sameDocument('https://x.test/p?q#a', 'https://x.test/p?q#b'), true);
  assert.equal(sameDocument('https://x.test/p?q', 'https://x.test/p?q#b'), true);
  assert.equal(sameDocument('https://x.test/p?q', 'https://x.test/p?r'), false);
});

test('every user agrees on what a web page is', () => {
  const cases = [
    ['https://Shop.Example:444/cart?x=1#top', true],
    ['http://127.0.0.1:8080/', true],
    ['chrome://newtab/', false],
    ['javascript:void(0)', false],
    ['not a url', false],
  ];
  for (const [url, web] of /** @type {[string, boolean][]} */ (cases)) {
    assert.equal(siteOf(url) !== null, web, `siteOf ${url}`);
    assert.equal(retryableOrigin(url) !== null, web, `retryableOrigin ${url}`);
    assert.equal(safeHref(url) !== null, web, `safeHref ${url}`);
    assert.equal(endpointUrl(url) !== null, web, `endpointUrl ${url}`);
  }
  assert.equal(siteOf('https://Shop.Example:444/cart'), 'shop.example:444');
  assert.equal(retryableOrigin('https://Shop.Example:444/cart'), 'https://shop.example:444');
  assert.equal(safeHref('https://x.test/a b'), 'https://x.test/a%20b');
  assert.equal(endpointUrl('https://u:p@x.test/'), null, 'no credentials in an endpoint');
});

test('local and reserved hosts: never named to an outside service', () => {
  for (const h of ['localhost', 'app.localhost', '127.0.0.5', '[::1]', '::1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.0.9',
    '100.64.0.1', '[fd00::1]', '[fe80::1]', '[::ffff:192.168.0.1]', 'printer', 'nas.local', 'x.internal', 'a.invalid', 'b.test', 'c.example', 'router.home.arpa']) {
    assert.equal(isLocalHost(h), true, h);
  }
  for (const h of ['example.com', 'shop.example.com', '8.8.8.8', '172.32.0.1', '[2001:db8::1]', 'test.com', 'local.news']) {
    assert.equal(isLocalHost(h), false, h);
  }
});
