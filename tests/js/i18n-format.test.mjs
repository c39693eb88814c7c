/**
 * The i18n formatter (extension/lib/i18n.js `format`) substitutes in one pass: text put into a
 * message (a page title, a host) is never expanded again, however many `$n` it holds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { format } from '../../extension/lib/i18n.js';

const msgs = {
  pos: { message: 'Title: $1, host: $2' },
  named: { message: 'Saw $title$ on $host$ ($$5)', placeholders: { title: { content: '$1' }, host: { content: '$2' } } },
};

test('a $n inside an inserted argument stays as written', () => {
  assert.equal(format(msgs, 'pos', ['$2 and $1', 'example.com']), 'Title: $2 and $1, host: example.com');
  assert.equal(format(msgs, 'named', ['$2$1$$', 'h']), 'Saw $2$1$$ on h ($5)');
});

test('no growth: an argument made of $1s comes out the same length', () => {
  const evil = '$1'.repeat(5000);
  const out = format(msgs, 'pos', [evil, evil]);
  assert.equal(out.length, 'Title: , host: '.length + 2 * evil.length);
});

test('a placeholder name from the prototype is not a placeholder', () => {
  assert.equal(format({ k: { message: 'a $constructor$ b', placeholders: {} } }, 'k', []), 'a $constructor$ b');
});
