/**
 * End-to-end in a Chromium started with --lang=zh-TW (and one with --lang=zh-HK): the popup (UI
 * strings from _locales/zh_TW and the engine's guidance) is in Traditional Chinese for a real
 * nginx 502, with no Simplified-only character anywhere in it; so is it in an English browser
 * whose language option is set to 繁體中文. Saves popup-zh-TW-error.png
 * (the popup's first screen, 400 × 600).
 */
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as srv from '../servers/servers.mjs';
import { SHOTS, launch, openPopup, tabIdOf, visit, waitDiagnosed, waitFor, waitForBadge } from './browser.mjs';

mkdirSync(SHOTS, { recursive: true });

/** @type {{close: () => Promise<void>}[]} */
const sessions = [];
/** @type {{stop: () => Promise<void>}[]} */
const servers = [];

after(async () => {
  for (const s of sessions) await s.close().catch(() => {});
  for (const h of servers) await h.stop().catch(() => {});
});

/** @type {Record<string, {message: string}>} */
const tw = JSON.parse(readFileSync(new URL('../../extension/_locales/zh_TW/messages.json', import.meta.url), 'utf8'));

/** Any CJK ideograph. */
const HAN = /[\u4e00-\u9fff]/;

/** Simplified-only characters (those of zh_CN's messages that OpenCC s2t changes; see tests/js/locales.test.mjs). */
const SIMPLIFIED = new Set(
  '与严个为么仅们会体储关内写决净几击刚删别办务动医历发启员响坏复头实对导将尝应开弹录态总扩护报据数断' +
  '无时显暂机权条标样档检没测浏点状现盖码签线细终经结给络统维缓网联节见览计认让记设访识诉诊试询该详' +
  '语误说请读谁败软轻载较迁过这进连适选释销错闭问间际随页项题骤');

/**
 * A browser in `lang`, an nginx 502 visited, its popup open.
 * @param {string} lang
 * @param {(s: import('./browser.mjs').Session) => Promise<void>} [setup] run before the visit
 */
async function popupOn502(lang, setup) {
  const s = await launch({ lang });
  sessions.push(s);
  if (setup) await setup(s);
  const broken = await srv.startNginx502();
  servers.push(broken);
  const page = await s.context.newPage();
  await visit(page, broken.url);
  const tabId = await tabIdOf(s, page);
  assert.equal(await waitForBadge(s, tabId, (t) => t !== '', 'badge'), '502');
  const d = await waitDiagnosed(s, tabId);
  assert.equal(d.lang, 'zh-TW', `${lang}: the engine answered in Traditional Chinese`);
  return openPopup(s, tabId);
}

/** @param {import('playwright-core').Page} popup */
async function assertTraditional(popup) {
  assert.equal(await popup.evaluate(() => document.documentElement.lang), 'zh-TW');
  const verdict = (await popup.locator('#verdict').textContent()) ?? '';
  assert.match(verdict, HAN, 'verdict in Chinese');
  assert.equal(await popup.locator('#h-path').textContent(), tw.pathHeading.message);
  assert.equal(await popup.locator('#h-evidence').textContent(), tw.evidenceHeading.message);
  assert.equal(await popup.locator('[data-action="hard-reload"] button').textContent(), tw.btnHardReload.message);
  // Everything the popup shows (the nginx page quotes no Chinese, so all of it is ours).
  const all = await popup.evaluate(() => document.body.innerText);
  const found = [...all].filter((c) => SIMPLIFIED.has(c));
  assert.deepEqual(found, [], `Simplified characters in the popup: ${all}`);
  return verdict;
}

it('zh-TW browser: nginx 502 popup in Traditional Chinese', async () => {
  const popup = await popupOn502('zh-TW');
  const verdict = await assertTraditional(popup);
  assert.match(verdict, /網站|伺服器/, verdict);
  await popup.screenshot({ path: join(SHOTS, 'popup-zh-TW-error.png') });
  await popup.close();
});

it('zh-HK browser: Traditional Chinese too (chrome.i18n has no zh_HK folder)', async () => {
  const popup = await popupOn502('zh-HK');
  await assertTraditional(popup);
  await popup.close();
});

it('English browser, option 繁體中文: Traditional Chinese', async () => {
  const popup = await popupOn502('en-US', async (s) => {
    const page = await s.context.newPage();
    await page.goto(`chrome-extension://${s.extId}/options.html`);
    await page.waitForSelector('#lang');
    assert.equal(await page.locator('#lang option[value="zh-TW"]').textContent(), '繁體中文');
    await page.locator('#lang').selectOption('zh-TW');
    await waitFor(async () => (await page.evaluate(() => document.documentElement.lang)) === 'zh-TW', 'options page re-localised');
    await waitFor(async () => (await s.control.evaluate(() => chrome.storage.sync.get('lang'))).lang === 'zh-TW', 'option saved');
    await page.close();
  });
  await assertTraditional(popup);
  await popup.close();
});
