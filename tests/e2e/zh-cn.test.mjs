/**
 * End-to-end in a Chromium started with --lang=zh-CN: the popup (UI strings from _locales/zh_CN
 * and the engine's guidance) is in Simplified Chinese for a real nginx 502 and for a healthy page.
 * Saves the zh-CN screenshots (the popup's first screen, 400 × 600), one of them on a page written in
 * Chinese (BT Panel's own 502, replayed from its fixture).
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as srv from '../servers/servers.mjs';
import { startReplay } from './replay.mjs';
import { SHOTS, launch, openPopup, tabIdOf, visit, waitDiagnosed, waitFor, waitForBadge } from './browser.mjs';

mkdirSync(SHOTS, { recursive: true });

/** @type {import('./browser.mjs').Session} */
let s;
/** @type {{stop: () => Promise<void>}[]} */
const servers = [];

before(async () => {
  s = await launch({ lang: 'zh-CN' });
});

after(async () => {
  await s?.close();
  for (const h of servers) await h.stop().catch(() => {});
});

/** Any CJK ideograph. */
const HAN = /[\u4e00-\u9fff]/;

it('nginx 502: badge, Chinese verdict, headings and buttons', async () => {
  const broken = await srv.startNginx502();
  servers.push(broken);
  const page = await s.context.newPage();
  await visit(page, broken.url);
  const tabId = await tabIdOf(s, page);
  assert.equal(await waitForBadge(s, tabId, (t) => t !== '', 'badge'), '502');
  const d = await waitDiagnosed(s, tabId);
  assert.equal(d.lang, 'zh-CN', 'the engine answered in Chinese');
  const popup = await openPopup(s, tabId);
  assert.equal(await popup.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.match((await popup.locator('#verdict').textContent()) ?? '', HAN, 'verdict in Chinese');
  assert.equal(await popup.locator('#h-path').textContent(), '故障位置');
  assert.equal(await popup.locator('#h-evidence').textContent(), '判断依据');
  const evidence = await popup.locator('#evidence li .detail').allTextContents();
  assert.ok(evidence.some((t) => /^页面署名为/.test(t)), `evidence labels in Chinese: ${JSON.stringify(evidence)}`);
  assert.equal(await popup.locator('[data-action="hard-reload"] button').textContent(), '忽略缓存重新加载');
  assert.equal(await popup.locator('#fault-path [data-state="fail"]').getAttribute('data-hop'), 'host');
  // Lists in Chinese text take the enumeration comma, not ", " (what check-down contacts, filled in after the render).
  const contacts = await waitFor(async () => (await popup.locator('[data-contacts="check-down"]').textContent()) || false, 'check-down contacts line');
  assert.match(contacts, /）、/, contacts);
  assert.doesNotMatch(contacts, /, /, contacts);
  await popup.screenshot({ path: join(SHOTS, 'popup-zh-CN-error.png') });
  await popup.close();

  const healthy = await srv.startHealthy();
  servers.push(healthy);
  await visit(page, healthy.url);
  await waitForBadge(s, tabId, (t) => t === '', 'badge cleared');
  const popup2 = await openPopup(s, tabId);
  assert.equal(await popup2.locator('#verdict').textContent(), '此页面加载正常');
  assert.equal(await popup2.locator('#diagnose-now').textContent(), '仍然诊断此页面');
  await popup2.screenshot({ path: join(SHOTS, 'popup-zh-CN-healthy.png') });
  await popup2.close();
  await page.close();
});

it('a Chinese-language error page (BT Panel 502): its provider named, the verdict in Chinese', async () => {
  const replay = await startReplay();
  servers.push(replay);
  const page = await s.context.newPage();
  await visit(page, `${replay.url}/fx/bt-panel/bad-gateway-502`);
  const tabId = await tabIdOf(s, page);
  assert.equal(await waitForBadge(s, tabId, (t) => t !== '', 'badge'), '502');
  const d = await waitDiagnosed(s, tabId);
  assert.equal(d.provider, 'bt-panel', 'the page names BT Panel');
  assert.equal(d.lang, 'zh-CN');
  const popup = await openPopup(s, tabId);
  const verdict = (await popup.locator('#verdict').textContent()) ?? '';
  assert.match(verdict, HAN, 'verdict in Chinese');
  assert.match(verdict, /宝塔/, `the verdict names the panel: ${verdict}`);
  await popup.screenshot({ path: join(SHOTS, 'popup-zh-CN-bt-panel-502.png') });
  await popup.close();
  await page.close();
});
