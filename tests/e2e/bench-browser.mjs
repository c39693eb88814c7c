/**
 * Benchmark (not a test; nothing is asserted on time), in real headless Chromium with dist/chrome:
 *
 * Popup open → verdict rendered. A tab shows a 502 (nginx-style page from a local server) and
 *     has been diagnosed; then popup.html?tab=ID is opened in a fresh page N times. Timed with
 *     node's monotonic clock from the start of page.goto until #verdict (extension/popup.js,
 *     renderDiagnosis) has text, seen by Playwright polling on every animation frame. Next to it,
 *     the same span as the page itself sees it: navigation start (performance.timeOrigin) to the
 *     MutationObserver callback that first finds text in #verdict, without the DevTools round trips.
 *
 * Against a blank page of the same extension, opened the same way in the same browser: a copy of
 * dist/chrome (target/ext-chrome-bench) with blank.html added, a page with no script or style
 * whose #verdict has its text in the HTML. The two are alternated (popup first on even rounds,
 * blank first on odd ones), so both see the same browser state; the ratio of their medians is
 * what the popup's own work (modules, the worker's answer, rendering) adds to opening any page of
 * the extension. Target: ≤ 1.2×.
 *
 * And a third page for the floor (floor.html, also added to the copy): one module that asks the
 * worker for the same tab's state, as the popup does, and writes the verdict from the answer into
 * #verdict, nothing else. It is the least any popup showing the worker's verdict can do; popup /
 * floor is what rendering the popup's first screen costs on top. The three rotate in each round.
 *
 * Healthy-page navigation with and without the extension: tests/e2e/bench-nav.mjs.
 *
 *   node tests/e2e/bench-browser.mjs [N_POPUP]      (default 20)
 */
import http from 'node:http';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXT_DIR, ROOT, launch, tabIdOf, waitDiagnosed } from './browser.mjs';
import { median, percentile as pct } from './stats.mjs';

const N_POPUP = Number(process.argv[2] ?? 20);
const ERROR_PAGE = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.22.1</center></body></html>';

const server = http.createServer((_req, res) => {
  res.writeHead(502, { 'content-type': 'text/html', server: 'nginx/1.22.1', 'cache-control': 'no-store' });
  res.end(ERROR_PAGE);
});
await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
const addr = server.address();
const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

const f = (/** @type {number} */ x) => x.toFixed(1);

const BENCH_EXT = join(ROOT, 'target', 'ext-chrome-bench');
rmSync(BENCH_EXT, { recursive: true, force: true });
cpSync(EXT_DIR, BENCH_EXT, { recursive: true });
writeFileSync(join(BENCH_EXT, 'floor.html'),
  '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>floor</title><script type="module" src="floor.js"></script></head><body><p id="verdict"></p></body></html>\n');
writeFileSync(join(BENCH_EXT, 'floor.js'),
  "const tabId = Number(new URLSearchParams(location.search).get('tab'));\n" +
  "chrome.runtime.sendMessage({ type: 'get-state', tabId }).then((r) => { document.getElementById('verdict').textContent = r?.diagnosis?.verdict ?? 'no answer'; });\n");
writeFileSync(join(BENCH_EXT, 'blank.html'),
  '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>blank</title></head><body><p id="verdict">blank</p></body></html>\n');

// The first-run tab stays open: closing it at once breaks chrome.i18n for the whole session now
// and then (1 launch in 6 here; every page's getMessage answers ''), and the popup then reads its
// messages.json itself, ~5-10 ms a user never pays. Said below either way.
const s = await launch({ ext: BENCH_EXT, keepWelcome: true });
try {
  const tab = await s.context.newPage();
  await tab.goto(`${base}/error`);
  const tabId = await tabIdOf(s, tab);
  const diagnosis = await waitDiagnosed(s, tabId, `${base}/error`);
  const popupUrl = `chrome-extension://${s.extId}/popup.html?tab=${tabId}`;
  const blankUrl = `chrome-extension://${s.extId}/blank.html`;
  const floorUrl = `chrome-extension://${s.extId}/floor.html?tab=${tabId}`;

  /**
   * Opens a page of the extension in a new tab, times goto start → #verdict has text.
   * @param {string} url
   * @returns {Promise<{wall: number, inPage: number, text: string}>}
   */
  async function openOnce(url) {
    const page = await s.context.newPage();
    try {
      await page.setViewportSize({ width: 400, height: 600 });
      await page.addInitScript(() => {
        const g = /** @type {any} */ (globalThis);
        g.__verdictAt = null;
        new globalThis.MutationObserver((_m, obs) => {
          if ((document.getElementById('verdict')?.textContent ?? '').trim() !== '') {
            g.__verdictAt = performance.now();
            obs.disconnect();
          }
        }).observe(document, { childList: true, subtree: true, characterData: true });
      });
      const t0 = performance.now();
      await page.goto(url, { waitUntil: 'commit', timeout: 10000 });
      await page.waitForFunction(() => (document.getElementById('verdict')?.textContent ?? '').trim() !== '', undefined, { polling: 'raf', timeout: 10000 });
      const wall = performance.now() - t0;
      const got = await page.evaluate(() => ({
        inPage: /** @type {number|null} */ (/** @type {any} */ (globalThis).__verdictAt),
        text: document.getElementById('verdict')?.textContent ?? '',
      }));
      return { wall, inPage: got.inPage ?? NaN, text: got.text };
    } finally {
      await page.close();
    }
  }

  const first = await openOnce(popupUrl);
  await openOnce(popupUrl);
  await openOnce(blankUrl);
  await openOnce(blankUrl);
  const floorFirst = await openOnce(floorUrl);
  await openOnce(floorUrl);
  if (floorFirst.text !== first.text) throw new Error(`the floor page shows ${JSON.stringify(floorFirst.text)}, the popup ${JSON.stringify(first.text)}`);
  /** @type {Record<'popup'|'floor'|'blank', {url: string, wall: number[], inPage: number[]}>} */
  const pages = {
    popup: { url: popupUrl, wall: [], inPage: [] },
    floor: { url: floorUrl, wall: [], inPage: [] },
    blank: { url: blankUrl, wall: [], inPage: [] },
  };
  const names = /** @type {const} */ (['popup', 'floor', 'blank']);
  for (let i = 0; i < N_POPUP; i++) {
    for (let j = 0; j < names.length; j++) {
      const which = pages[names[(i + j) % names.length]];
      const r = await openOnce(which.url);
      which.wall.push(r.wall);
      if (Number.isFinite(r.inPage)) which.inPage.push(r.inPage);
    }
  }
  const { wall: popupWall, inPage: popupInPage } = pages.popup;
  const { wall: blankWall, inPage: blankInPage } = pages.blank;
  const { wall: floorWall, inPage: floorInPage } = pages.floor;
  const i18nAnswers = await s.control.evaluate(() => chrome.i18n.getMessage('uiLang') !== '');
  console.log(`chrome.i18n answered in this browser: ${i18nAnswers ? 'yes' : 'no (the popup read its messages.json itself)'}`);
  console.log(`popup open → verdict rendered (502 tab, verdict ${JSON.stringify(first.text)}${diagnosis?.fault ? `, fault ${diagnosis.fault}` : ''}):`);
  console.log(`  goto start → #verdict has text (node clock): median ${f(median(popupWall))} ms, p90 ${f(pct(popupWall, 0.9))} ms, min ${f(Math.min(...popupWall))} ms (n=${popupWall.length}; first open of the session ${f(first.wall)} ms, not counted)`);
  if (popupInPage.length) {
    console.log(`  navigation start → #verdict has text (page clock): median ${f(median(popupInPage))} ms, p90 ${f(pct(popupInPage, 0.9))} ms (n=${popupInPage.length})`);
  }
  console.log('blank page of the extension (blank.html, no script), alternated with the popup:');
  console.log(`  goto start → #verdict has text (node clock): median ${f(median(blankWall))} ms, p90 ${f(pct(blankWall, 0.9))} ms, min ${f(Math.min(...blankWall))} ms (n=${blankWall.length})`);
  if (blankInPage.length) {
    console.log(`  navigation start → #verdict has text (page clock): median ${f(median(blankInPage))} ms, p90 ${f(pct(blankInPage, 0.9))} ms (n=${blankInPage.length})`);
  }
  console.log('floor page (floor.html: one module, the worker\'s answer, the verdict written; nothing else):');
  console.log(`  goto start → #verdict has text (node clock): median ${f(median(floorWall))} ms, p90 ${f(pct(floorWall, 0.9))} ms (n=${floorWall.length}); page clock median ${f(median(floorInPage))} ms`);
  console.log(`ratio popup / blank (medians, node clock): ${(median(popupWall) / median(blankWall)).toFixed(2)}× (target ≤ 1.2×)`);
  console.log(`ratio floor / blank (medians, node clock): ${(median(floorWall) / median(blankWall)).toFixed(2)}×; popup / floor: ${(median(popupWall) / median(floorWall)).toFixed(2)}×`);
  if (popupInPage.length && blankInPage.length) {
    console.log(`ratio popup / blank (medians, page clock): ${(median(popupInPage) / median(blankInPage)).toFixed(2)}×`);
  }
  // Each round's popup over the same round's blank: steadier than the ratio of medians when the
  // machine's load drifts during the run.
  const paired = popupWall.map((p, i) => p / (blankWall[i] ?? NaN));
  console.log(`ratio popup / blank (median of each round's ratio, node clock): ${median(paired).toFixed(2)}×`);
  await tab.close();
} finally {
  await s.close();
  server.closeAllConnections();
  server.close();
}
