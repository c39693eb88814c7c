/**
 * Benchmark (not a test; nothing is asserted on time): healthy-page navigation with and without
 * the extension in ONE browser. Two Chromium instances with the same flags land several per cent
 * apart on their own (bench-webrequest.mjs's A/A), more than the 1 % this is meant to resolve, so
 * here one browser loads dist/chrome next to a small "switch" extension holding `management`, which
 * turns Gateway Doctor off and on between blocks of loads (chrome.management.setEnabled: switched
 * off, its worker and listeners are gone, as if not installed).
 *
 * Blocks of LOADS loads each, in the order on off off on on off off on …, each 1.5 s after the
 * switch and after 3 warm-up loads (a freshly enabled extension starts its worker and engine). Per load:
 * loadEventEnd − startTime of the navigation timing entry (the page's own clock). Printed per page
 * shape: the median with and without, their ratio with a 95 % interval from resampling whole
 * blocks (loads within a block are not independent), and the same statistic between the two
 * halves of the "off" blocks (even vs odd blocks: an A/A, the noise floor of this method).
 *
 *   node tests/e2e/bench-nav.mjs [BLOCKS] [LOADS]     (defaults 16 blocks per side, 12 loads each)
 */
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXT_DIR, launchChromium } from './browser.mjs';
import { median } from './stats.mjs';

const BLOCKS = Number(process.argv[2] ?? 16);
const LOADS = Number(process.argv[3] ?? 12);
const WARMUP = 3;
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 100);
const TOGGLE_SETTLE_MS = 1500;
const work = mkdtempSync(join(tmpdir(), 'gd-bench-nav-'));

// The switch: an extension page with `management`, from which setEnabled is called.
const switchDir = join(work, 'switch');
mkdirSync(switchDir);
writeFileSync(join(switchDir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'switch', version: '1', permissions: ['management'], background: { service_worker: 'sw.js' } }));
writeFileSync(join(switchDir, 'sw.js'), '');
writeFileSync(join(switchDir, 'switch.html'), '<!doctype html><title>switch</title>');

const CSS = 'body{font:16px/1.4 sans-serif;margin:2em}';
const server = http.createServer((req, res) => {
  const path = req.url ?? '/';
  const later = (/** @type {number} */ ms, /** @type {() => void} */ fn) => (ms ? setTimeout(fn, ms) : fn());
  const noStore = { 'cache-control': 'no-store' };
  if (path.startsWith('/minimal')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...noStore });
    res.end(`<!doctype html><title>ok</title><link rel=stylesheet href="/s.css?${Math.random()}"><p>${'A small healthy page. '.repeat(40)}</p>`);
  } else if (path.startsWith('/ordinary')) {
    // HTML after 20 ms of server time, then 6 stylesheets, 6 scripts and 8 images after 3 ms each.
    const q = Math.random();
    later(20, () => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...noStore }).end('<!doctype html><title>ordinary</title>' +
      Array.from({ length: 6 }, (_, i) => `<link rel=stylesheet href="/s.css?d${i}-${q}">`).join('') +
      Array.from({ length: 6 }, (_, i) => `<script src="/a.js?d${i}-${q}"></script>`).join('') +
      Array.from({ length: 8 }, (_, i) => `<img alt="" width=1 height=1 src="/p.gif?d${i}-${q}">`).join('') +
      `<p>${'An ordinary page with a few assets. '.repeat(40)}</p>`));
  } else {
    const delay = path.includes('?d') ? 3 : 0;
    const [type, body] = path.startsWith('/s.css') ? ['text/css', CSS]
      : path.startsWith('/a.js') ? ['text/javascript', 'globalThis.n = (globalThis.n || 0) + 1;']
        : ['image/gif', Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')];
    later(delay, () => res.writeHead(200, { 'content-type': type, ...noStore }).end(body));
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
const base = `http://127.0.0.1:${addr.port}`;

const context = await launchChromium(join(work, 'profile'), { extensions: [EXT_DIR, switchDir] });

/** Seeded PRNG (mulberry32): the same data gives the same interval. */
let seed = 0x2545f491;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
/**
 * Ratio of medians of two sets of blocks, and its 95 % interval from resampling blocks.
 * @param {number[][]} a @param {number[][]} b
 */
function blockRatio(a, b, rounds = 4000) {
  const pick = (/** @type {number[][]} */ bs) => bs.flatMap(() => bs[Math.floor(rand() * bs.length)] ?? []);
  const rs = [];
  for (let i = 0; i < rounds; i++) rs.push(median(pick(a)) / median(pick(b)));
  rs.sort((x, y) => x - y);
  return { ratio: median(a.flat()) / median(b.flat()), lo: rs[Math.floor(rounds * 0.025)] ?? NaN, hi: rs[Math.floor(rounds * 0.975)] ?? NaN };
}

try {
  // Both extensions by their workers: the switch's is its sw.js.
  const deadline = Date.now() + 15000;
  while (context.serviceWorkers().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const workers = context.serviceWorkers().map((w) => new URL(w.url()));
  const switchId = workers.find((u) => u.pathname === '/sw.js')?.host;
  const gdId = workers.find((u) => u.pathname !== '/sw.js')?.host;
  if (!switchId || !gdId) throw new Error(`extensions not found: ${workers.join(' ')}`);
  const control = await context.newPage();
  await control.goto(`chrome-extension://${switchId}/switch.html`);
  /** @param {boolean} on */
  const setGd = async (on) => {
    await control.evaluate(([id, v]) => chrome.management.setEnabled(/** @type {string} */ (id), /** @type {boolean} */ (v)), [gdId, on]);
    const state = await control.evaluate((id) => chrome.management.get(id).then((e) => e.enabled), gdId);
    if (state !== on) throw new Error(`Gateway Doctor still ${state ? 'on' : 'off'}`);
    // Starting (the worker, the engine's wasm) or stopping an extension is work of its own, off
    // the clock: what is timed is a navigation with the extension installed and idle.
    await new Promise((r) => setTimeout(r, TOGGLE_SETTLE_MS));
  };

  const page = await context.newPage();
  for (const shape of ['minimal', 'ordinary']) {
    /** @returns {Promise<number>} */
    const loadOnce = async () => {
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      await page.goto(`${base}/${shape}?${Math.random()}`, { waitUntil: 'load', timeout: 15000 });
      return page.evaluate(() => {
        const e = /** @type {PerformanceNavigationTiming} */ (performance.getEntriesByType('navigation')[0]);
        return e.loadEventEnd - e.startTime;
      });
    };
    /** @type {number[][]} */
    const on = [];
    /** @type {number[][]} */
    const off = [];
    // on off off on on off off on …: drift over the run lands on both sides alike.
    for (let i = 0; i < 2 * BLOCKS; i++) {
      const enabled = [0, 3].includes(i % 4);
      await setGd(enabled);
      for (let w = 0; w < WARMUP; w++) await loadOnce();
      const block = [];
      for (let l = 0; l < LOADS; l++) block.push(await loadOnce());
      (enabled ? on : off).push(block);
    }
    await setGd(true);
    // What the user sees on a healthy tab with the extension on, once it has read the page: no badge.
    await loadOnce();
    await new Promise((r) => setTimeout(r, 2500));
    const gdPage = await context.newPage();
    await gdPage.goto(`chrome-extension://${gdId}/options.html`);
    const badge = await gdPage.evaluate(async (url) => {
      const tab = (await chrome.tabs.query({})).find((t) => t.url === url);
      return tab?.id == null ? null : chrome.action.getBadgeText({ tabId: tab.id });
    }, page.url());
    await gdPage.close();
    const r = blockRatio(on, off);
    const aa = blockRatio(off.filter((_, i) => i % 2 === 0), off.filter((_, i) => i % 2 === 1));
    const fmt = (/** @type {number} */ x) => x.toFixed(3);
    console.log(`${shape} page, one browser, Gateway Doctor switched on/off in ${BLOCKS} blocks each of ${LOADS} loads; badge on the healthy tab: ${JSON.stringify(badge)}:`);
    console.log(`  loadEventEnd − startTime: on ${median(on.flat()).toFixed(2)} ms, off ${median(off.flat()).toFixed(2)} ms;` +
      ` ratio on/off ${fmt(r.ratio)} (95 % block bootstrap ${fmt(r.lo)}–${fmt(r.hi)});` +
      ` A/A off/off ${fmt(aa.ratio)} (${fmt(aa.lo)}–${fmt(aa.hi)})`);
  }
} finally {
  await context.close().catch(() => {});
  server.close();
  rmSync(work, { recursive: true, force: true });
}
