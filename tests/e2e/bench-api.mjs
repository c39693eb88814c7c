/**
 * Benchmark (not a test): what watching a page's API calls costs where webRequest is held. A
 * loopback page makes CALLS fetch() calls that all answer 200 (healthy browsing); two headless
 * Chromium profiles, alternated: dist/chrome with webRequest granted (the API listener on), and the
 * same build with the API listener taken out of its worker (`listenApi();` removed from main.js).
 * Prints each profile's median time from the first call to the last answer.
 *
 *   node tests/e2e/bench-api.mjs [ROUNDS] [CALLS]     (default 20 rounds of 50 calls, after 3 warm-ups)
 */
import http from 'node:http';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXT_DIR_HEADERS, headersBuild, launchChromium } from './browser.mjs';
import { median } from './stats.mjs';

const ROUNDS = Number(process.argv[2] ?? 20);
const CALLS = Number(process.argv[3] ?? 50);
const WARMUP = 3;
const work = mkdtempSync(join(tmpdir(), 'gd-bench-api-'));

headersBuild();
const without = join(work, 'no-api-listener');
cpSync(EXT_DIR_HEADERS, without, { recursive: true });
const mainJs = join(without, 'background', 'main.js');
const src = readFileSync(mainJs, 'utf8');
if (!/^listenApi\(\);$/m.test(src)) throw new Error('listenApi(); not found in main.js');
writeFileSync(mainJs, src.replace(/^listenApi\(\);$/m, '').replace(/^\s*listenApi\(\);$/m, ''));

const page = `<!doctype html><title>app</title><script>
window.run = async () => {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: ${CALLS} }, (_, i) => fetch('/api/' + i + '?r=' + Math.random()).then((r) => r.text())));
  return performance.now() - t0;
};
</script>`;
const server = http.createServer((req, res) => {
  if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(page);
  else res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end('{}');
});
await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
const url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/`;

const profiles = [];
for (const [name, ext] of [['API listener on', EXT_DIR_HEADERS], ['API listener off', without]]) {
  const dir = mkdtempSync(join(work, 'profile-'));
  const context = await launchChromium(dir, { extensions: [ext] });
  const tab = await context.newPage();
  await tab.goto(url);
  profiles.push({ name, context, tab, times: /** @type {number[]} */ ([]) });
}

/** @param {{tab: import('playwright-core').Page}} p */
const once = (p) => p.tab.evaluate(() => /** @type {any} */ (window).run());

for (let i = 0; i < WARMUP + ROUNDS; i++) {
  for (const p of i % 2 ? [...profiles].reverse() : profiles) {
    const ms = /** @type {number} */ (await once(p));
    if (i >= WARMUP) p.times.push(ms);
  }
}
for (const p of profiles) console.log(`${p.name}: median ${median(p.times).toFixed(1)} ms for ${CALLS} calls (${ROUNDS} rounds)`);
for (const p of profiles) await p.context.close();
server.close();
rmSync(work, { recursive: true, force: true });
