/**
 * Benchmark (not a test): where the healthy-navigation cost of the extension comes from.
 * Loads the same loopback page (HTML + one stylesheet, no-store) in side-by-side headless
 * Chromium profiles: no extension; a do-nothing extension with one webRequest listener
 * (main_frame only); one that holds the webRequest permission with no listener at all; a
 * do-nothing extension with one webNavigation listener; and dist/chrome.
 * Prints each profile's median loadEventEnd − startTime. If the webRequest-only extension costs
 * what dist/chrome costs, the overhead is Chromium's for any webRequest listener, not ours.
 *
 *   node tests/e2e/bench-webrequest.mjs [LOADS]     (default 40 per profile, after 5 warm-ups)
 */
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXT_DIR, launchChromium } from './browser.mjs';
import { median } from './stats.mjs';

const LOADS = Number(process.argv[2] ?? 40);
const WARMUP = 5;
const work = mkdtempSync(join(tmpdir(), 'gd-bench-wr-'));

/**
 * @param {string} name @param {string | string[]} permission @param {string} script
 * @param {Record<string, unknown>} [more] more manifest keys
 */
function tinyExtension(name, permission, script, more = {}) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({
    manifest_version: 3, name, version: '1', background: { service_worker: 'sw.js' },
    permissions: [permission].flat(), host_permissions: ['<all_urls>'], ...more,
  }));
  writeFileSync(join(dir, 'sw.js'), script);
  writeFileSync(join(dir, 'cs.js'), "const e = performance.getEntriesByType('navigation')[0]; if (e && e.responseStatus >= 500) chrome.runtime.sendMessage({ status: e.responseStatus });");
  return dir;
}

/** @param {string} event @param {boolean} immediately */
function STATUS_READ(event, immediately) {
  return `chrome.webNavigation.${event}.addListener((d) => {
    if (d.frameId !== 0) return;
    chrome.scripting.executeScript({ target: { tabId: d.tabId }, injectImmediately: ${immediately},
      func: () => performance.getEntriesByType('navigation')[0]?.responseStatus }).catch(() => {});
  });`;
}

const profiles = [
  { name: 'no extension', ext: null },
  // A second identical browser: how far apart two equal profiles land is the noise.
  { name: 'no extension again (A/A)', ext: null },
  { name: 'webRequest listener only', ext: tinyExtension('wr', 'webRequest', "chrome.webRequest.onHeadersReceived.addListener(() => {}, {urls: ['<all_urls>'], types: ['main_frame']}, ['responseHeaders']);") },
  // The permission alone, no listener at all: if this costs what the listener does, the cost is
  // Chromium's proxying for any extension holding webRequest, not anything a listener does.
  { name: 'webRequest permission, no listener', ext: tinyExtension('wrp', 'webRequest', '') },
  { name: 'webNavigation listener only', ext: tinyExtension('nav', 'webNavigation', 'chrome.webNavigation.onCommitted.addListener(() => {});') },
  // No webRequest at all: the status read from the page's own navigation timing, by a script
  // injected once per top-level document (at commit, at DOMContentLoaded, after load), or by a
  // declared content script at document_start.
  { name: 'status read at commit', ext: tinyExtension('navc', ['webNavigation', 'scripting'], STATUS_READ('onCommitted', true)) },
  { name: 'status read at DOMContentLoaded', ext: tinyExtension('navd', ['webNavigation', 'scripting'], STATUS_READ('onDOMContentLoaded', false)) },
  { name: 'status read after load', ext: tinyExtension('navl', ['webNavigation', 'scripting'], STATUS_READ('onCompleted', false)) },
  { name: 'content script at start', ext: tinyExtension('cs', [], '', { content_scripts: [{ matches: ['<all_urls>'], js: ['cs.js'], run_at: 'document_start' }] }) },
  { name: 'Gateway Doctor (dist/chrome)', ext: EXT_DIR },
];

// GD_PROFILES=a,b,c keeps only the profiles whose names contain one of the words (fewer
// browsers side by side, less noise); the first two (no extension, A/A) always run.
const only = (process.env.GD_PROFILES ?? '').split(',').filter(Boolean);
const chosen = profiles.filter((p, i) => i < 2 || !only.length || only.some((w) => p.name.includes(w)));

const server = http.createServer((req, res) => {
  const css = (req.url ?? '').startsWith('/s.css');
  res.writeHead(200, { 'content-type': css ? 'text/css' : 'text/html', 'cache-control': 'no-store' });
  res.end(css ? 'body{color:#123}' : `<!doctype html><title>ok</title><link rel=stylesheet href="/s.css?${Math.random()}"><p>fine</p>`);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
const base = `http://127.0.0.1:${addr.port}`;

const open = [];
try {
  for (const p of chosen) {
    const context = await launchChromium(join(work, `profile-${open.length}`), { extensions: p.ext ? [p.ext] : [] });
    if (p.ext && !context.serviceWorkers()[0]) await context.waitForEvent('serviceworker', { timeout: 15000 });
    open.push({ ...p, context, page: await context.newPage(), times: /** @type {number[]} */ ([]) });
  }
  for (let i = 0; i < LOADS + WARMUP; i++) {
    // Alternate the order so drift and ordering hit every profile alike.
    for (const o of i % 2 ? [...open].reverse() : open) {
      await new Promise((r) => setTimeout(r, 100));
      await o.page.goto(`${base}/?${i}`, { waitUntil: 'load', timeout: 15000 });
      const t = await o.page.evaluate(() => {
        const e = /** @type {PerformanceNavigationTiming} */ (performance.getEntriesByType('navigation')[0]);
        return e.loadEventEnd - e.startTime;
      });
      if (i >= WARMUP) o.times.push(t);
    }
  }
  const none = median(open[0].times);
  for (const o of open) {
    const m = median(o.times);
    console.log(`${o.name.padEnd(36)} median ${m.toFixed(1)} ms  (x${(m / none).toFixed(2)} of no extension)`);
  }
} finally {
  for (const o of open) await o.context.close().catch(() => {});
  server.close();
  rmSync(work, { recursive: true, force: true });
}
