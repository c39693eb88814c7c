/**
 * Benchmark (not a test; nothing is asserted on time), in real headless Chromium with dist/chrome:
 *
 *  1. Popup open → verdict rendered. A tab shows a 502 (nginx-style page from a local server) and
 *     has been diagnosed; then popup.html?tab=ID is opened in a fresh page N times. Timed with
 *     node's monotonic clock from the start of page.goto until #verdict (extension/popup.js,
 *     renderDiagnosis) has text, seen by Playwright polling on every animation frame. Next to it,
 *     the same span as the page itself sees it: navigation start (performance.timeOrigin) to the
 *     MutationObserver callback that first finds text in #verdict, without the DevTools round trips.
 *
 *  2. Healthy-page navigation with and without the extension. Two browsers run side by side with
 *     the same flags (browser.mjs's launch, and a plain persistent context without
 *     --load-extension / --disable-extensions-except), and load the same page M times each, for
 *     two page shapes: a minimal one (HTML + one stylesheet, no server delay: the fixed cost per
 *     load at its largest) and an ordinary one (HTML after 20 ms, then 20 assets after 3 ms
 *     each); everything `cache-control: no-store` with a fresh query string every time; loads
 *     interleaved A B B A so that drift and ordering hit both sides alike. Per load:
 *     loadEventEnd − startTime of the navigation timing entry (the page's own clock) and wall time
 *     around page.goto(waitUntil 'load'). Printed: medians, the ratio with / without, and two
 *     yardsticks for "within noise": the same ratio between two halves of the runs without the
 *     extension (even vs odd runs, and first vs second half), and a bootstrap 95% interval of
 *     the with / without ratio.
 *
 *   node tests/e2e/bench-browser.mjs [N_POPUP] [M_NAV]      (defaults 20 and 40; SETTLE_MS=150 idle
 *   before each load so work left over from the previous load, in either browser, is not timed)
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { BASE_FLAGS, CHROMIUM, badgeText, launch, tabIdOf, waitDiagnosed } from './browser.mjs';

const N_POPUP = Number(process.argv[2] ?? 20);
const M_NAV = Number(process.argv[3] ?? 40);
const WARMUP = 5;
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 150);
const ERROR_PAGE = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.22.1</center></body></html>';
const HEALTHY_CSS = 'body{font:16px/1.4 sans-serif;margin:2em;color:#222;background:#fafafa}h1{font-size:1.6em}p{max-width:40em}';
/** @param {string} q */
const healthyHtml = (q) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Healthy</title>` +
  `<link rel="stylesheet" href="/style.css?${q}"></head><body><h1>All good</h1>` +
  `<p>${'A small healthy page with one stylesheet. '.repeat(20)}</p></body></html>`;

/**
 * A page shaped like an ordinary site's: the HTML after 20 ms of server think time, then 6
 * stylesheets, 6 scripts and 8 images, each after 3 ms. Same no-store rules as the minimal page.
 * @param {string} q
 */
const typicalHtml = (q) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Typical</title>` +
  Array.from({ length: 6 }, (_, i) => `<link rel="stylesheet" href="/style.css?t${i}-${q}">`).join('') +
  Array.from({ length: 6 }, (_, i) => `<script src="/app.js?t${i}-${q}"></script>`).join('') +
  `</head><body><h1>All good</h1>` +
  Array.from({ length: 8 }, (_, i) => `<img alt="" width="1" height="1" src="/px.gif?t${i}-${q}">`).join('') +
  `<p>${'An ordinary page with a few assets. '.repeat(40)}</p></body></html>`;
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const NO_STORE = { 'cache-control': 'no-store' };
const later = (/** @type {number} */ ms, /** @type {() => void} */ fn) => (ms ? setTimeout(fn, ms) : fn());

const server = http.createServer((req, res) => {
  const path = req.url ?? '/';
  const typical = path.includes('?t') || path.startsWith('/typical');
  if (path.startsWith('/healthy')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...NO_STORE });
    res.end(healthyHtml(path.split('?')[1] ?? ''));
  } else if (path.startsWith('/typical')) {
    later(20, () => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...NO_STORE }).end(typicalHtml(path.split('?')[1] ?? '')));
  } else if (path.startsWith('/style.css')) {
    later(typical ? 3 : 0, () => res.writeHead(200, { 'content-type': 'text/css', ...NO_STORE }).end(HEALTHY_CSS));
  } else if (path.startsWith('/app.js')) {
    later(3, () => res.writeHead(200, { 'content-type': 'text/javascript', ...NO_STORE }).end('globalThis.__n = (globalThis.__n || 0) + 1;'));
  } else if (path.startsWith('/px.gif')) {
    later(3, () => res.writeHead(200, { 'content-type': 'image/gif', ...NO_STORE }).end(PIXEL));
  } else {
    res.writeHead(502, { 'content-type': 'text/html', server: 'nginx/1.22.1', ...NO_STORE });
    res.end(ERROR_PAGE);
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
const addr = server.address();
const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

/**
 * The same browser as browser.mjs's launch, without the extension: its flags minus
 * --load-extension / --disable-extensions-except (Playwright's own --disable-extensions stays, as
 * it does in the run with the extension).
 */
async function launchPlain() {
  const profile = mkdtempSync(join(tmpdir(), 'gd-bench-plain-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false,
    args: [...BASE_FLAGS],
    viewport: { width: 900, height: 700 },
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** @param {number[]} xs */
const sorted = (xs) => [...xs].sort((a, b) => a - b);
/** @param {number[]} xs */
const median = (xs) => {
  const v = sorted(xs);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? (v[m] ?? NaN) : ((v[m - 1] ?? 0) + (v[m] ?? 0)) / 2;
};
/** @param {number[]} xs @param {number} p */
const pct = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
const f = (/** @type {number} */ x) => x.toFixed(1);
const r3 = (/** @type {number} */ x) => x.toFixed(3);

/** Seeded PRNG (mulberry32), so the bootstrap interval is the same for the same data. */
let seed = 0x9e3779b9;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
/**
 * Bootstrap 95% interval of median(a) / median(b).
 * @param {number[]} a
 * @param {number[]} b
 */
function bootstrapRatio(a, b, rounds = 2000) {
  /** @param {number[]} xs */
  const resample = (xs) => xs.map(() => xs[Math.floor(rand() * xs.length)] ?? NaN);
  /** @type {number[]} */
  const rs = [];
  for (let i = 0; i < rounds; i++) rs.push(median(resample(a)) / median(resample(b)));
  return [pct(rs, 0.025), pct(rs, 0.975)];
}

const s = await launch();
/** @type {Awaited<ReturnType<typeof launchPlain>> | null} */
let plain = null;
try {
  // ---- 1. popup open → verdict rendered --------------------------------------------------------
  const tab = await s.context.newPage();
  await tab.goto(`${base}/error`);
  const tabId = await tabIdOf(s, tab);
  const diagnosis = await waitDiagnosed(s, tabId, `${base}/error`);
  const popupUrl = `chrome-extension://${s.extId}/popup.html?tab=${tabId}`;

  /** @returns {Promise<{wall: number, inPage: number, text: string}>} */
  async function openPopupOnce() {
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
      await page.goto(popupUrl, { waitUntil: 'commit', timeout: 10000 });
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

  const first = await openPopupOnce();
  await openPopupOnce();
  /** @type {number[]} */
  const popupWall = [];
  /** @type {number[]} */
  const popupInPage = [];
  for (let i = 0; i < N_POPUP; i++) {
    const r = await openPopupOnce();
    popupWall.push(r.wall);
    if (Number.isFinite(r.inPage)) popupInPage.push(r.inPage);
  }
  console.log(`popup open → verdict rendered (502 tab, verdict ${JSON.stringify(first.text)}${diagnosis?.fault ? `, fault ${diagnosis.fault}` : ''}):`);
  console.log(`  goto start → #verdict has text (node clock): median ${f(median(popupWall))} ms, p90 ${f(pct(popupWall, 0.9))} ms, min ${f(Math.min(...popupWall))} ms (n=${popupWall.length}; first open of the session ${f(first.wall)} ms, not counted)`);
  if (popupInPage.length) {
    console.log(`  navigation start → #verdict has text (page clock): median ${f(median(popupInPage))} ms, p90 ${f(pct(popupInPage, 0.9))} ms (n=${popupInPage.length})`);
  }
  await tab.close();

  // ---- 2. healthy-page navigation, with vs without the extension -------------------------------
  plain = await launchPlain();
  const withPage = await s.context.newPage();
  const plainPage = await plain.context.newPage();
  let q = 0;
  /** The two page shapes: the minimal one shows the fixed cost per load at its largest. */
  const shapes = [
    { name: 'minimal page (HTML + 1 stylesheet, loopback, no server delay)', path: '/healthy', sheets: 1 },
    { name: 'ordinary page (HTML after 20 ms + 6 stylesheets, 6 scripts, 8 images after 3 ms each)', path: '/typical', sheets: 6 },
  ];
  for (const shape of shapes) {
    /**
     * @param {import('playwright-core').Page} page
     * @returns {Promise<{nav: number, wall: number}>}
     */
    const loadOnce = async (page) => {
      const url = `${base}${shape.path}?${++q}-${Date.now()}`;
      const t0 = performance.now();
      await page.goto(url, { waitUntil: 'load', timeout: 10000 });
      const wall = performance.now() - t0;
      const nav = await page.evaluate(() => {
        const e = /** @type {PerformanceNavigationTiming|undefined} */ (performance.getEntriesByType('navigation')[0]);
        return e ? e.loadEventEnd - e.startTime : NaN;
      });
      const sheets = await page.evaluate(() => document.styleSheets.length);
      if (sheets !== shape.sheets) throw new Error(`${shape.path} has ${sheets} stylesheets loaded, expected ${shape.sheets}`);
      return { nav, wall };
    };
    /** @type {{nav: number[], wall: number[]}} */
    const withExt = { nav: [], wall: [] };
    /** @type {{nav: number[], wall: number[]}} */
    const without = { nav: [], wall: [] };
    /**
     * @param {import('playwright-core').Page} page
     * @param {{nav: number[], wall: number[]} | null} into null for a warmup
     */
    const run = async (page, into) => {
      // Let both browsers go quiet first: work left over from the previous load (the other
      // browser's included) would otherwise land on this one's clock, with 2 cores to share.
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const r = await loadOnce(page);
      if (into) {
        into.nav.push(r.nav);
        into.wall.push(r.wall);
      }
    };
    // Warmups, interleaved: connections, renderer processes, the extension's worker all up.
    for (let i = 0; i < WARMUP; i++) {
      await run(withPage, null);
      await run(plainPage, null);
    }
    // A B B A: each pair alternates which browser goes first.
    for (let i = 0; i < M_NAV; i++) {
      if (i % 2 === 0) {
        await run(withPage, withExt);
        await run(plainPage, without);
      } else {
        await run(plainPage, without);
        await run(withPage, withExt);
      }
    }
    // What the user sees on the healthy tab: the extension must stay quiet there.
    const badge = await badgeText(s, await tabIdOf(s, withPage));
    /** @param {number[]} xs */
    const even = (xs) => xs.filter((_, i) => i % 2 === 0);
    /** @param {number[]} xs */
    const odd = (xs) => xs.filter((_, i) => i % 2 === 1);
    /** @param {number[]} xs */
    const firstHalf = (xs) => xs.slice(0, Math.floor(xs.length / 2));
    /** @param {number[]} xs */
    const secondHalf = (xs) => xs.slice(Math.floor(xs.length / 2));
    console.log(`healthy-page navigation, ${shape.name}, no-store; ${M_NAV} loads each, interleaved A B B A after ${WARMUP} warmups each; badge on the healthy tab: ${JSON.stringify(badge)}:`);
    for (const [name, key] of /** @type {const} */ ([['loadEventEnd − startTime (page clock)', 'nav'], ['wall around page.goto(load) (node clock)', 'wall']])) {
      const a = withExt[key];
      const b = without[key];
      const ratio = median(a) / median(b);
      const [lo, hi] = bootstrapRatio(a, b);
      const noiseEO = median(even(b)) / median(odd(b));
      const noiseH = median(firstHalf(b)) / median(secondHalf(b));
      const noiseW = median(firstHalf(a)) / median(secondHalf(a));
      console.log(`  ${name}: with ${f(median(a))} ms (p90 ${f(pct(a, 0.9))}), without ${f(median(b))} ms (p90 ${f(pct(b, 0.9))}); ` +
        `difference ${f(median(a) - median(b))} ms, ratio with/without ${r3(ratio)} (bootstrap 95% ${r3(lo)}–${r3(hi)})`);
      console.log(`    noise: without/without, even/odd runs (order within the pair) ${r3(noiseEO)}, 1st/2nd half ${r3(noiseH)}; with/with 1st/2nd half ${r3(noiseW)}`);
    }
  }
} finally {
  await plain?.close();
  await s.close();
  server.closeAllConnections();
  server.close();
}
