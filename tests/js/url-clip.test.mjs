/**
 * lib/url.js: addresses cut to MAX_URL_CHARS on arrival (two cuts of one address still name the
 * same document), and the address the archive lookup sends (no query string, no fragment).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_URL_CHARS, clipUrl, sameDocument, withoutQuery } from '../../extension/lib/url.js';

test('clipUrl cuts long addresses only, and consistently', () => {
  const long = `https://a.test/?q=${'x'.repeat(2 * 1024 * 1024)}`;
  assert.equal(clipUrl(long).length, MAX_URL_CHARS);
  assert.ok(sameDocument(clipUrl(long), clipUrl(`${long}#frag`)));
  assert.equal(clipUrl('https://a.test/'), 'https://a.test/');
});

test('withoutQuery drops the query string and the fragment, and leaves other text alone', () => {
  assert.equal(withoutQuery('https://shop.test/order/view?order=1&token=s3cret#top'), 'https://shop.test/order/view');
  assert.equal(withoutQuery('http://a.test:8080/p'), 'http://a.test:8080/p');
  assert.equal(withoutQuery('not a url'), 'not a url');
});
