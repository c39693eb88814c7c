/**
 * End-to-end in real Chromium, the extension as shipped (no webRequest), for issue 13 item 2:
 * errors the user can fix, and blocks. A real nginx (apt) with 1 KB header buffers refuses a big
 * cookie (400 Request Header Or Cookie Too Large): a badge, "you can fix this", clear this site's
 * cookies first with the box ticked, and clearing them fixes the page. A firewall's block page
 * (a fixture, replayed on 127.0.0.1): the neutral WAF badge, "the site's firewall blocked this
 * request", the block id shown and copied, what triggers blocks, no outage actions. A page another
 * extension blocks (a second, tiny extension with a declarativeNetRequest rule: a real
 * ERR_BLOCKED_BY_CLIENT): the BLK badge, who can block a page and how to find which, and the
 * extensions page opened from the popup. Saves popup-en-firewall-block.png,
 * popup-en-cookie-too-large.png and popup-en-blocked-by-client.png (GD_SCREENSHOTS=docs/screenshots
 * refreshes the README's copies).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as srv from '../servers/servers.mjs';
import { startReplay } from './replay.mjs';
import { axeViolations } from './a11y.mjs';
import { BLOCK_COLOR, FAULT_COLORS } from '../../extension/lib/verdict.js';
import { ROOT, SHOTS, badgeColor, badgeText, launch, openPopup, rerender, tabIdOf, visit, waitDiagnosed, waitFor, waitForBadge } from './browser.mjs';

/** @type {import('./browser.mjs').Session} */
let s;
/** @type {{stop: () => Promise<void>}[]} */
const servers = [];
/** A second extension that blocks every page of blocked.test, as an ad blocker blocks a site. */
const blocker = mkdtempSync(join(tmpdir(), 'gd-blocker-'));

before(async () => {
  writeFileSync(join(blocker, 'manifest.json'), JSON.stringify({
    manifest_version: 3,
    name: 'Test blocker',
    version: '1.0',
    permissions: ['declarativeNetRequest'],
    declarative_net_request: { rule_resources: [{ id: 'block', enabled: true, path: 'rules.json' }] },
  }));
  writeFileSync(join(blocker, 'rules.json'), JSON.stringify([
    // Every kind of request, so not even the error page's favicon reaches the site.
    { id: 1, priority: 1, action: { type: 'block' }, condition: { urlFilter: '||blocked.test^', resourceTypes: ['main_frame', 'sub_frame', 'image', 'other', 'script', 'stylesheet', 'xmlhttprequest'] } },
  ]));
  s = await launch({ lang: 'en-US', more: [blocker] });
});

after(async () => {
  await s?.close();
  for (const h of servers) await h.stop().catch(() => {});
  rmSync(blocker, { recursive: true, force: true });
});

/**
 * The popup's visitor actions, in order.
 * @param {import('playwright-core').Page} popup
 */
const actionIds = (popup) => popup.locator('#actions [data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));

it('a cookie too large for a real nginx: a 400 badge, "you can fix this", clear this site\'s cookies first (ticked, with its warning), and that fixes it', async () => {
  const ngx = await srv.startNginxHeaderLimit();
  servers.push(ngx);
  const url = `http://cookies.test:${ngx.port}/`;
  await s.context.addCookies([{ name: 'cart', value: 'x'.repeat(3000), url }]);
  const page = await s.context.newPage();
  await visit(page, url);
  const tabId = await tabIdOf(s, page);
  assert.equal(await waitForBadge(s, tabId, (t) => t !== '', 'badge on the 400'), '400');
  const d = await waitDiagnosed(s, tabId, url);
  assert.equal(d.situation, 'client-fixable');
  assert.equal(d.status, 400);
  assert.equal(await badgeColor(s, tabId), FAULT_COLORS.client, 'the client colour: the fix is on this side');

  const popup = await openPopup(s, tabId);
  assert.equal(await popup.locator('#healthy').count(), 0, 'never "This page loaded fine"');
  assert.equal(await popup.locator('#summary').getAttribute('data-situation'), 'client-fixable');
  assert.match((await popup.locator('#situation-text').textContent()) ?? '', /Clearing this site’s cookies usually fixes it/);
  const ids = await actionIds(popup);
  assert.equal(ids[0], 'clear-site-cache', `clearing the site's data leads: ${ids.join(', ')}`);
  assert.ok(!ids.includes('auto-retry'), 'no auto-retry: the same cookie fails the same way');
  const first = popup.locator('#actions [data-action="clear-site-cache"]');
  assert.equal(await first.locator('h3').textContent(), 'Clear this site’s cookies', 'the action says what fixes it');
  assert.equal(await first.locator('#clear-cookies').isChecked(), true, 'the cookies box starts ticked');
  assert.equal(await first.locator('#cookie-warning').isVisible(), true, 'with its sign-out warning');
  assert.match((await first.locator('#cookie-warning').textContent()) ?? '', /signs you out/);
  const go = first.locator('#clear-site-data');
  assert.match((await go.textContent()) ?? '', /cookies/, 'the button says it deletes cookies');
  const box = await go.boundingBox();
  assert.ok(box && box.y + box.height <= 600, `the button is on the first screen (400 × 600): ${JSON.stringify(box)}`);
  await popup.screenshot({ path: join(SHOTS, 'popup-en-cookie-too-large.png') });
  assert.deepEqual(await axeViolations(popup), []);

  // Unticked, the button is back to the cache only; a re-render keeps the user's choice.
  await first.locator('#clear-cookies').uncheck();
  assert.equal(await first.locator('#cookie-warning').isVisible(), false);
  assert.doesNotMatch((await go.textContent()) ?? '', /cookies/);
  await rerender(s, popup, tabId);
  assert.equal(await first.locator('#clear-cookies').isChecked(), false, 'still unticked after a re-render');
  await first.locator('#clear-cookies').check();

  // The fix works: the cookie goes (browsingData, granted on this click), the tab reloads, the page loads.
  await go.click();
  await waitFor(async () => (await s.context.cookies(url)).length === 0, 'the site\'s cookie deleted');
  await waitForBadge(s, tabId, (t) => t === '', 'badge gone once the page loads', 15000);
  await waitFor(async () => (await page.title()) === 'Hello', 'the page itself loaded');
  await popup.close();
  await page.close();
});

it('a body-less 431 from a real Node.js server (its 16 KB header limit), headers not read: a hidden error that a clean request does not repeat is framed as the cookies, and clearing them fixes it', async () => {
  const site = await srv.startHealthy();
  servers.push(site);
  const url = `http://bigcookies.test:${site.port}/`;
  // Five cookies of 4 KB each: every one within a browser's limits, together over Node's 16 KB.
  await s.context.addCookies([1, 2, 3, 4, 5].map((i) => ({ name: `c${i}`, value: 'y'.repeat(4000), url })));
  const page = await s.context.newPage();
  await visit(page, url);
  const tabId = await tabIdOf(s, page);
  await waitForBadge(s, tabId, (t) => t !== '', 'badge on the hidden error');
  const hits = site.hits();
  // Chromium showed its own page: the status is unknown until the popup asks the site once,
  // without cookies, and gets its ordinary page.
  const popup = await openPopup(s, tabId);
  await popup.waitForSelector('#summary[data-situation="client-fixable"]');
  assert.equal(site.hits(), hits + 1, 'the site asked once');
  assert.match((await popup.locator('#clean-answer').textContent()) ?? '', /a clean request to the same address \(without your cookies\) was just answered 200/);
  assert.equal(await popup.locator('#verdict').textContent(), 'This site answers a clean request but refused your browser’s — most likely because of its cookies.');
  const first = popup.locator('#actions [data-action]').first();
  assert.equal(await first.getAttribute('data-action'), 'clear-site-cache');
  assert.equal(await first.locator('#clear-cookies').isChecked(), true);
  assert.ok(!(await actionIds(popup)).includes('auto-retry'), 'no auto-retry');
  await waitFor(async () => (await badgeColor(s, tabId)) === FAULT_COLORS.client, 'the badge in the client colour');
  await first.locator('#clear-site-data').click();
  await waitFor(async () => (await s.context.cookies(url)).length === 0, 'the site\'s cookies deleted');
  await waitFor(async () => (await page.title()) === 'Hello', 'the page itself loaded');
  await waitForBadge(s, tabId, (t) => t === '', 'badge gone');
  await popup.close();
  await page.close();
});

it('a firewall\'s block (Cloudflare 1020): the neutral WAF badge, "the site\'s firewall blocked this request", the block id shown and copied, no outage actions', async () => {
  const replay = await startReplay();
  servers.push(replay);
  const url = `${replay.url}/fx/cloudflare/block-1020-403`;
  const page = await s.context.newPage();
  await visit(page, url);
  const tabId = await tabIdOf(s, page);
  assert.equal(await waitForBadge(s, tabId, (t) => t !== '', 'badge on the block'), 'WAF');
  const d = await waitDiagnosed(s, tabId, url);
  assert.equal(d.situation, 'firewall-block');
  const color = await badgeColor(s, tabId);
  assert.equal(color, BLOCK_COLOR, 'the neutral slate');
  assert.ok(!(/** @type {string[]} */ ([FAULT_COLORS.origin, FAULT_COLORS.cdn])).includes(color), 'not an outage\'s colour');
  assert.ok(d.ids.length > 0, 'the engine found the block id');
  const blockId = d.ids[0].value;

  await s.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const popup = await openPopup(s, tabId);
  assert.equal(await popup.locator('#healthy').count(), 0, 'never "This page loaded fine"');
  assert.equal(await popup.locator('#summary').getAttribute('data-situation'), 'firewall-block');
  assert.match((await popup.locator('#situation-text').textContent()) ?? '', /The site’s firewall blocked this request\. This is not an outage/);
  assert.equal(await popup.locator('#block-id-value').textContent(), blockId);
  assert.match(blockId, /^[0-9a-f]{16}(-[A-Z]{3})?$/, `a Ray ID: ${blockId}`);
  const triggers = (await popup.locator('#block-triggers li').allTextContents()).join('\n');
  for (const want of [/VPN or proxy/, /extension/, /network’s reputation/]) assert.match(triggers, want);
  const ids = await actionIds(popup);
  assert.ok(!ids.includes('auto-retry'), `no auto-retry on a block: ${ids.join(', ')}`);
  assert.notEqual(ids[0], 'check-down', 'down-for-everyone does not lead');
  await popup.screenshot({ path: join(SHOTS, 'popup-en-firewall-block.png') });
  assert.deepEqual(await axeViolations(popup), []);

  // Copy: the id itself goes to the clipboard.
  const copy = popup.locator('#block-id button.copy');
  await copy.click();
  await waitFor(async () => (await copy.textContent()) === 'Copied', 'copied');
  assert.equal(await popup.evaluate(() => navigator.clipboard.readText()), blockId);
  // What to send the owner: the id, the time in UTC and the address, copied as one text.
  await popup.locator('#block-owner summary').click();
  const report = (await popup.locator('#block-report').textContent()) ?? '';
  assert.match(report, new RegExp(`Block id \\([^)]+\\): ${blockId}`));
  assert.match(report, /Time: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  assert.ok(report.includes(`Address: ${url}`), report);
  await popup.locator('#block-report-copy').click();
  await waitFor(async () => (await popup.evaluate(() => navigator.clipboard.readText())) === report, 'report copied');
  await popup.close();
  await page.close();
});

it('a page another extension blocked (a real ERR_BLOCKED_BY_CLIENT): the BLK badge, who can block a page and how to find which; the extensions page opens', async () => {
  const site = await srv.startHealthy();
  const control = await srv.startHealthy();
  servers.push(site, control);
  const page = await s.context.newPage();
  // Control: the other extension leaves other names alone.
  await visit(page, `http://open.test:${control.port}/`);
  assert.ok(control.hits() >= 1, 'a site not blocked loads');
  const url = `http://blocked.test:${site.port}/`;
  await visit(page, url);
  const tabId = await tabIdOf(s, page);
  assert.equal(await waitForBadge(s, tabId, (t) => t !== '', 'badge on the blocked page'), 'BLK');
  const d = await waitDiagnosed(s, tabId, url);
  assert.equal(d.net_error, 'ERR_BLOCKED_BY_CLIENT');
  assert.equal(d.situation, 'blocked-by-client');
  assert.equal(site.hits(), 0, 'the request never left the browser');

  const popup = await openPopup(s, tabId);
  assert.equal(await popup.locator('#healthy').count(), 0, 'never "This page loaded fine"');
  assert.equal(await popup.locator('#summary').getAttribute('data-situation'), 'blocked-by-client');
  assert.match((await popup.locator('#situation-text').textContent()) ?? '', /another extension, or a policy/);
  const steps = await popup.locator('#find-blocker li').allTextContents();
  assert.equal(steps.length, 4, steps.join('\n'));
  assert.match(steps[0] ?? '', /chrome:\/\/extensions/);
  assert.match(steps[1] ?? '', /private window/);
  assert.match(steps[3] ?? '', /chrome:\/\/management/);
  assert.ok(!(await actionIds(popup)).includes('auto-retry'), 'no auto-retry');
  await popup.screenshot({ path: join(SHOTS, 'popup-en-blocked-by-client.png') });
  assert.deepEqual(await axeViolations(popup), []);
  // A page cannot link to chrome://extensions; the extension opens it.
  const opened = s.context.waitForEvent('page', { timeout: 10000 });
  await popup.locator('#open-extensions').click();
  const ext = await opened;
  await waitFor(async () => ext.url().startsWith('chrome://extensions'), `extensions page (at ${ext.url()})`);
  await ext.close();
  await popup.close();
  await page.close();
});

/**
 * The fixtures of one situation that have a capture to replay (`.http`), with the ids they expect.
 * @param {string} situation
 * @returns {{name: string, ids: string[], status: number}[]}
 */
function fixturesOf(situation) {
  const dir = join(ROOT, 'tests', 'fixtures');
  return readdirSync(dir).flatMap((provider) => readdirSync(join(dir, provider))
    .filter((f) => f.endsWith('.expect.json') && existsSync(join(dir, provider, f.replace(/\.expect\.json$/, '.http'))))
    .map((f) => ({ name: `${provider}/${f.replace(/\.expect\.json$/, '')}`, expect: JSON.parse(readFileSync(join(dir, provider, f), 'utf8')) }))
    .filter((x) => x.expect.situation === situation)
    .map((x) => ({ name: x.name, ids: x.expect.ids ?? [], status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(readFileSync(join(dir, `${x.name}.http`), 'latin1'))?.[1]) })));
}

/**
 * Every firewall block page and every header-or-cookie-too-large page in the fixture corpus (each
 * replayed with its captured headers), as someone reading in Simplified Chinese with "read
 * response headers" on sees it: the WAF badge, the block framed in Chinese, the block id the
 * engine found shown to copy; the status badge and clearing the site's cookies first.
 */
describe('every firewall block and cookie-too-large fixture, headers read, in zh-CN', () => {
  /** @type {import('./browser.mjs').Session} */
  let zh;
  /** @type {import('./replay.mjs').ReplayHandle} */
  let replay;
  const fixtures = fixturesOf('firewall-block');
  const fixable = fixturesOf('client-fixable');
  before(async () => {
    replay = await startReplay();
    servers.push(replay);
    zh = await launch({ lang: 'zh-CN', headers: true });
  });
  after(async () => { await zh?.close(); });

  it('the corpus has block pages from several vendors', () => {
    assert.ok(new Set(fixtures.map((f) => f.name.split('/')[0])).size >= 5, fixtures.map((f) => f.name).join(', '));
  });
  for (const fx of fixtures) {
    it(fx.name, async () => {
      const url = `${replay.url}/fx/${fx.name}`;
      const page = await zh.context.newPage();
      await visit(page, url);
      const tabId = await tabIdOf(zh, page);
      /** @type {import('playwright-core').Page} */
      let popup;
      if (fx.status < 400) {
        // A block served as 200 (Imperva's): a 200 page is never read unasked (healthy browsing
        // costs nothing), so it is found by "diagnose this page anyway", which badges it then.
        popup = await openPopup(zh, tabId);
        assert.equal(await badgeText(zh, tabId), '');
        await popup.locator('#diagnose-now').click();
        await popup.waitForSelector('#situation[data-situation="firewall-block"]');
      }
      const d = await waitDiagnosed(zh, tabId, url);
      assert.equal(d.situation, 'firewall-block');
      assert.equal(await waitForBadge(zh, tabId, (t) => t !== '', 'badge'), 'WAF');
      assert.equal(await badgeColor(zh, tabId), BLOCK_COLOR);
      popup ??= await openPopup(zh, tabId);
      assert.match((await popup.locator('#situation-text').textContent()) ?? '', /^网站的防火墙拦截了这次请求。这不是故障/);
      assert.equal((await popup.locator('#block-triggers li').allTextContents()).length, 3);
      if (fx.ids.length) {
        assert.equal(d.ids[0]?.kind, fx.ids[0], 'the block\'s own id first');
        assert.equal(await popup.locator('#block-id-value').textContent(), d.ids[0].value);
        assert.match((await popup.locator('#block-id').textContent()) ?? '', /^拦截编号（/);
      } else {
        assert.match((await popup.locator('#block-id').textContent()) ?? '', /没有显示拦截编号/);
      }
      assert.equal(await popup.locator('[data-action="auto-retry"]').count(), 0);
      await popup.close();
      await page.close();
    });
  }
  for (const fx of fixable) {
    it(fx.name, async () => {
      const url = `${replay.url}/fx/${fx.name}`;
      const page = await zh.context.newPage();
      await visit(page, url);
      const tabId = await tabIdOf(zh, page);
      const d = await waitDiagnosed(zh, tabId, url);
      assert.equal(d.situation, 'client-fixable');
      assert.equal(await badgeText(zh, tabId), String(d.status));
      assert.equal(await badgeColor(zh, tabId), FAULT_COLORS.client);
      const popup = await openPopup(zh, tabId);
      assert.match((await popup.locator('#situation-text').textContent()) ?? '', /清除此网站的 Cookie 通常就能解决/);
      const first = popup.locator('#actions [data-action]').first();
      assert.equal(await first.getAttribute('data-action'), 'clear-site-cache');
      assert.equal(await first.locator('h3').textContent(), '清除此网站的 Cookie');
      assert.equal(await first.locator('#clear-cookies').isChecked(), true);
      assert.equal(await first.locator('#cookie-warning').isVisible(), true);
      await popup.close();
      await page.close();
    });
  }
});
