/**
 * Unit tests of item 3 (every archive): the archive settings in extension/lib/probe-settings.js
 * (the three endpoints, the archive the popup leads with per region, what is stored) and the
 * age of a copy in extension/popup/archive-views.js, in the three languages.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  ARCHIVES, DEFAULT_ARCHIVE, archiveEndpointFor, archiveId, contactsFor, normalizeProbeSettings, serviceFor, storedForm,
} from '../../extension/lib/probe-settings.js';
import { ageOf, ageText } from '../../extension/popup/archive-views.js';

test('three archives, each with its documented endpoint; the Wayback Machine leads in both regions', () => {
  assert.deepEqual([...ARCHIVES], ['wayback', 'archive-today', 'memento']);
  for (const tz of ['Europe/Paris', 'Asia/Shanghai']) {
    const s = normalizeProbeSettings(undefined, tz);
    assert.equal(s.defaultArchive, 'wayback', tz);
    assert.equal(archiveEndpointFor('wayback', s), 'https://archive.org/wayback/available');
    assert.equal(archiveEndpointFor('archive-today', s), 'https://archive.ph/timemap/');
    assert.equal(archiveEndpointFor('memento', s), 'http://timetravel.mementoweb.org/api/json/');
  }
  assert.deepEqual(DEFAULT_ARCHIVE, { global: 'wayback', cn: 'wayback' });
});

test('the default archive is a setting: chosen, junk refused, stored empty when it is the region\'s', () => {
  const s = normalizeProbeSettings({ defaultArchive: 'memento' }, 'Europe/Paris');
  assert.equal(s.defaultArchive, 'memento');
  assert.deepEqual(contactsFor('archived-copy', s), ['timetravel.mementoweb.org']);
  assert.equal(serviceFor('archived-copy', s), 'http://timetravel.mementoweb.org/api/json/');
  assert.equal(serviceFor('archived-copy', s, 'archive-today'), 'https://archive.ph/timemap/');
  assert.equal(storedForm(s).defaultArchive, 'memento');
  assert.equal(storedForm(normalizeProbeSettings({ defaultArchive: 'wayback' }, 'Europe/Paris')).defaultArchive, '');
  for (const junk of ['archive.org', '', null, 3, '__proto__']) {
    assert.equal(normalizeProbeSettings({ defaultArchive: junk }, 'Europe/Paris').defaultArchive, 'wayback', String(junk));
  }
  assert.equal(archiveId('memento'), 'memento');
  assert.equal(archiveId('toString'), null);
  const bad = normalizeProbeSettings({ archiveTodayEndpoint: 'javascript:alert(1)', mementoEndpoint: 'http://127.0.0.1:9/api/json/' }, 'Europe/Paris');
  assert.equal(bad.archiveTodayEndpoint, 'https://archive.ph/timemap/');
  assert.equal(bad.mementoEndpoint, 'http://127.0.0.1:9/api/json/');
});

test('the age of a copy: the largest unit that fits, in the popup\'s language', () => {
  const now = Date.UTC(2026, 11, 4, 23, 0, 0);
  const at = (/** @type {number} */ secsAgo) => now / 1000 - secsAgo;
  assert.deepEqual(ageOf(at(3 * 86400 + 5), now), { value: 3, unit: 'day' });
  assert.deepEqual(ageOf(at(2 * 3600), now), { value: 2, unit: 'hour' });
  assert.deepEqual(ageOf(at(40 * 86400), now), { value: 1, unit: 'month' });
  assert.deepEqual(ageOf(at(800 * 86400), now), { value: 2, unit: 'year' });
  assert.deepEqual(ageOf(at(10), now), { value: 0, unit: 'minute' });
  assert.deepEqual(ageOf(at(-500), now), { value: 0, unit: 'minute' }, 'a copy dated in the future is "now"');
  assert.equal(ageText(at(3 * 86400), 'en', now), '3 days ago');
  assert.equal(ageText(at(3 * 86400), 'zh-CN', now), '3天前');
  assert.equal(ageText(at(3 * 86400), 'zh-TW', now), '3 天前');
  assert.equal(ageText(at(800 * 86400), 'en', now), '2 years ago');
});
