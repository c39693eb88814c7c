/**
 * End-to-end tests of item 3 of issue 13, "every archive": the popup's archived-copy control of
 * the built extension (dist/chrome) in real Chromium, against loopback stand-ins for the Wayback
 * Machine's availability API, archive.today's Memento TimeMap and the Memento TimeTravel JSON
 * API, each answering in the shape its documentation shows (docs/probes.md, "Archives"). Every
 * other request goes to a proxy that refuses and logs it. Checked: each button sends exactly its
 * documented request (path, no query of the page, no cookies) and only on its click; the answer
 * shows the copy's date and age with a link; "no copy found" and "could not reach" differ; a
 * local or reserved name goes to none of them; the default-archive setting decides which archive
 * leads; the age in Chinese.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SHOTS, launch, tabIdOf, visit, waitDiagnosed, waitFor, worker } from './browser.mjs';
import { closedPort, startTrapProxy } from './probe-env.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {{archive: string, path: string, cookie: string|null, method: string}} Hit */

const DAY = 86400 * 1000;

/** `YYYYMMDDhhmmss` of a time. @param {number} ms */
const stamp = (ms) => new Date(ms).toISOString().replace(/\D/g, '').slice(0, 14);

/**
 * The three archives on one port each. A page whose address holds "none" has no copy; any other
 * has one from three days ago (so the popup must say "3 days ago").
 */
async function startArchives() {
  /** @type {Hit[]} */
  const hits = [];
  /** @type {Record<string, (path: string, res: http.ServerResponse, host: string) => void>} */
  const answer = {
    // https://archive.org/help/wayback_api.php: {"archived_snapshots": {"closest": {...}}}, {} when none.
    wayback: (path, res, host) => {
      const target = new URL(path, 'http://x').searchParams.get('url') ?? '';
      const ts = stamp(Date.now() - 3 * DAY);
      const body = target.includes('none') ? { url: target, archived_snapshots: {} }
        : { url: target, archived_snapshots: { closest: { status: '200', available: true, url: `http://${host}/web/${ts}/${target}`, timestamp: ts } } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    },
    // RFC 7089 TimeMap in application/link-format, as archive.today serves it; 404 when none.
    'archive-today': (path, res, host) => {
      const target = path.replace(/^\/timemap\//, '');
      if (target.includes('none')) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('TimeMap does not exists');
      const t = Date.now() - 3 * DAY;
      const older = Date.now() - 400 * DAY;
      res.writeHead(200, { 'content-type': 'application/link-format' }).end([
        `<${target}>; rel="original",`,
        `<http://${host}/timegate/${target}>; rel="timegate",`,
        `<http://${host}/${stamp(older)}/${target}>; rel="first memento"; datetime="${new Date(older).toUTCString()}",`,
        `<http://${host}/${stamp(t)}/${target}>; rel="last memento"; datetime="${new Date(t).toUTCString()}",`,
        `<http://${host}/timemap/${target}>; rel="self"; type="application/link-format"`,
      ].join('\n'));
    },
    // TimeTravel API guide §2: {"mementos": {"closest": {"datetime": ISO, "uri": [...]}}}; 404 when none.
    memento: (path, res, host) => {
      const m = path.match(/^\/api\/json\/(\d{14})\/(.*)$/);
      if (!m) return void res.writeHead(400).end();
      const target = m[2] ?? '';
      if (target.includes('none')) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
      const t = Date.now() - 3 * DAY;
      const uri = `http://${host}/kept/${stamp(t)}/${target}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        original_uri: target,
        mementos: { closest: { datetime: new Date(t).toISOString().replace(/\.\d+Z$/, 'Z'), uri: [uri] }, last: { datetime: new Date(t).toISOString(), uri: [uri] } },
        timegate_uri: `http://${host}/timegate/${target}`,
      }));
    },
  };
  /** @type {http.Server[]} */
  const servers = [];
  /** @type {Record<string, string>} */
  const base = {};
  for (const [archive, fn] of Object.entries(answer)) {
    const server = http.createServer((req, res) => {
      hits.push({ archive, path: req.url ?? '', cookie: req.headers.cookie ?? null, method: req.method ?? '' });
      fn(req.url ?? '/', res, String(req.headers.host ?? ''));
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
    base[archive] = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
    servers.push(server);
  }
  return {
    hits,
    base,
    /** Settings pointing each archive at its stand-in. */
    settings: () => ({
      archiveEndpoint: `${base.wayback}/wayback/available`,
      archiveTodayEndpoint: `${base['archive-today']}/timemap/`,
      mementoEndpoint: `${base.memento}/api/json/`,
    }),
    stop: () => Promise.all(servers.map((s) => new Promise((r) => { s.closeAllConnections(); s.close(() => r(undefined)); }))),
  };
}

/** The failing site: every path answers 502. */
async function startSite() {
  const server = http.createServer((_req, res) => {
    res.writeHead(502, { 'content-type': 'text/html' }).end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  return { port: /** @type {import('node:net').AddressInfo} */ (server.address()).port, stop: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r(undefined)); }) };
}

/** @type {import('./browser.mjs').Session} */
let s;
/** @type {Awaited<ReturnType<typeof startArchives>>} */
let arch;
/** @type {Awaited<ReturnType<typeof startSite>>} */
let site;
/** @type {Awaited<ReturnType<typeof startTrapProxy>>} */
let trap;

before(async () => {
  [arch, site, trap] = await Promise.all([startArchives(), startSite(), startTrapProxy()]);
  s = await launch({
    lang: 'en-US',
    // GD_EXT_DIR: another unpacked build (e.g. one without this change, to see these tests fail).
    ...(process.env.GD_EXT_DIR ? { ext: process.env.GD_EXT_DIR } : {}),
    extraArgs: [`--proxy-server=http://127.0.0.1:${trap.port}`, '--proxy-bypass-list=*.test;*.example.com;127.0.0.1'],
  });
});

after(async () => {
  await s?.close();
  await Promise.all([arch?.stop(), site?.stop(), trap?.stop()].map((p) => p?.catch(() => {})));
});

/** @param {Record<string, unknown>} patch un-prefixed probe settings */
async function setProbe(patch) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [k, v] of Object.entries(patch)) out[`probe.${k}`] = v;
  await (await worker(s)).evaluate((o) => chrome.storage.local.set(o), out);
}

/**
 * An error tab and its popup, with the archive control's buttons drawn.
 * @param {string} url
 */
async function errorTab(url) {
  const page = await s.context.newPage();
  await visit(page, url);
  const tabId = await tabIdOf(s, page);
  await waitDiagnosed(s, tabId, url);
  const popup = await s.context.newPage();
  await popup.setViewportSize({ width: 400, height: 700 });
  await popup.goto(`chrome-extension://${s.extId}/popup.html?tab=${tabId}`);
  await popup.waitForSelector('main#app[aria-busy="false"] #verdict', { timeout: 10000 });
  await popup.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
  await popup.waitForSelector('[data-probe-control="archived-copy"] [data-archive-run="memento"]', { timeout: 10000 });
  return { page, popup, tabId };
}

/**
 * Clicks one archive's button and waits for its answer.
 * @param {Page} popup
 * @param {string} archive
 */
async function ask(popup, archive) {
  await popup.click(`[data-archive-run="${archive}"]`);
  const sel = `.archive[data-archive="${archive}"] .probe-result[data-archive="${archive}"]`;
  await popup.waitForSelector(sel, { timeout: 20000 });
  return popup.$eval(sel, (el) => ({
    verdict: el.getAttribute('data-verdict') ?? '',
    text: el.textContent ?? '',
    href: el.querySelector('a.archive-open')?.getAttribute('href') ?? null,
    when: el.querySelector('.probe-verdict')?.getAttribute('data-when') ?? '',
  }));
}

/** @param {...Page} pages */
const closeAll = async (...pages) => { for (const p of pages) await p.close().catch(() => {}); };

describe('archived copy in three archives', () => {
  it('each button sends exactly its documented request, only when clicked, without the query or cookies', async () => {
    await setProbe(arch.settings());
    await s.context.addCookies([{ name: 'sid', value: 'secret-cookie', domain: 'shop.example.com', path: '/' }]);
    const page = `http://shop.example.com:${site.port}/orders/502`;
    const { page: tab, popup } = await errorTab(`${page}?order=42&token=s3cret#top`);
    // What is sent, said before any click; whom each button asks, beside it.
    assert.equal(await popup.textContent('#archive-sends'), `Sends this address without its query string (the part after ?): ${page}`);
    for (const a of /** @type {const} */ (['archive-today', 'memento'])) {
      const host = new URL(arch.base[a]).host;
      assert.equal(await popup.textContent(`[data-contacts="${a}"]`), `Asks ${host} — only when you click.`);
    }
    assert.match(await popup.textContent('[data-contacts="archived-copy"]') ?? '', new RegExp(`Asks ${new URL(arch.base.wayback).host} — only when you click`));
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(arch.hits, [], 'no archive asked before a click');

    const t0 = Date.now();
    for (const archive of ['wayback', 'archive-today', 'memento']) {
      const before = arch.hits.length;
      const r = await ask(popup, archive);
      /** @type {Hit[]} */
      const mine = arch.hits.slice(before);
      assert.equal(mine.length, 1, `${archive}: one request`);
      const hit = /** @type {Hit} */ (mine[0]);
      assert.equal(hit.archive, archive, 'the clicked archive, and only it');
      assert.equal(hit.method, 'GET');
      assert.equal(hit.cookie, null, 'no cookies');
      assert.ok(!hit.path.includes('s3cret') && !hit.path.includes('order=42') && !hit.path.includes('top'), `${archive}: no query or fragment: ${hit.path}`);
      if (archive === 'wayback') assert.equal(hit.path, `/wayback/available?url=${encodeURIComponent(page)}`);
      if (archive === 'archive-today') assert.equal(hit.path, `/timemap/${page}`);
      if (archive === 'memento') {
        const m = hit.path.match(/^\/api\/json\/(\d{14})\/(.*)$/);
        assert.ok(m, hit.path);
        assert.equal(m[2], page);
        assert.ok(Math.abs(Date.parse(m[1].replace(/(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)/, '$1-$2-$3T$4:$5:$6Z')) - t0) < 120000, 'asked for the copy closest to now');
      }
      // The answer: the copy's date (UTC), its age, a link to it.
      assert.equal(r.verdict, 'found', `${archive}: ${r.text}`);
      assert.match(r.when, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
      assert.ok(r.text.includes(`${r.when} UTC (3 days ago)`), `${archive}: ${r.text}`);
      assert.ok(r.href?.startsWith(arch.base[archive] ?? '-'), `${archive}: link to the copy: ${r.href}`);
    }
    const mem = await ask(popup, 'memento');
    assert.match(mem.text, /Memento TimeTravel found a copy from .* UTC \(3 days ago\), kept by 127\.0\.0\.1:\d+/);
    // archive.today: the newest of the TimeMap's copies, not the first listed.
    const today = await popup.$eval('.probe-result[data-archive="archive-today"] a.archive-open', (a) => a.getAttribute('href'));
    assert.match(today ?? '', new RegExp(`/${stamp(Date.now() - 3 * DAY).slice(0, 8)}\\d{6}/`));
    assert.deepEqual(trap.seen.filter((x) => /archive|mementoweb/.test(x)), [], 'no real archive contacted');
    mkdirSync(SHOTS, { recursive: true });
    await popup.locator('[data-probe-control="archived-copy"]').screenshot({ path: join(SHOTS, 'popup-en-archives.png') });
    await closeAll(popup, tab);
  });

  it('"no copy found" and "could not reach" are different answers', async () => {
    await setProbe(arch.settings());
    const { page, popup } = await errorTab(`http://shop.example.com:${site.port}/none/502`);
    for (const archive of ['wayback', 'archive-today', 'memento']) {
      const r = await ask(popup, archive);
      assert.equal(r.verdict, 'none', `${archive}: ${r.text}`);
      assert.match(r.text, /No copy of this page found in (the Wayback Machine|archive\.today|Memento TimeTravel)/);
      assert.doesNotMatch(r.text, /Could not reach/);
    }
    await closeAll(popup, page);

    const dead = `http://127.0.0.1:${await closedPort()}`;
    await setProbe({ archiveEndpoint: `${dead}/wayback/available`, archiveTodayEndpoint: `${dead}/timemap/`, mementoEndpoint: `${dead}/api/json/` });
    const b = await errorTab(`http://shop.example.com:${site.port}/gone/502`);
    for (const archive of ['wayback', 'archive-today', 'memento']) {
      const r = await ask(b.popup, archive);
      assert.equal(r.verdict, 'failed:network', `${archive}: ${r.text}`);
      assert.match(r.text, new RegExp(`Could not reach ${new URL(dead).host.replace(/\./g, '\\.')} from your network`));
      assert.match(r.text, /not about the site/);
      assert.doesNotMatch(r.text, /No copy/);
      assert.equal(await b.popup.$eval(`.probe-result[data-archive="${archive}"]`, (e) => e.getAttribute('data-unreached')), 'true');
    }
    await closeAll(b.popup, b.page);
    await setProbe(arch.settings());
  });

  it('a local or reserved name is sent to none of the three (their real addresses)', async () => {
    await (await worker(s)).evaluate(() => chrome.storage.local.remove(['probe.archiveEndpoint', 'probe.archiveTodayEndpoint', 'probe.mementoEndpoint']));
    const before = arch.hits.length;
    const seen = trap.seen.length;
    const { page, popup } = await errorTab(`http://intranet.test:${site.port}/502`);
    for (const archive of ['wayback', 'archive-today', 'memento']) {
      const r = await ask(popup, archive);
      assert.equal(r.verdict, 'failed:local-host', `${archive}: ${r.text}`);
      assert.match(r.text, /intranet\.test is a local or reserved name, which is never sent to outside services/);
    }
    assert.equal(arch.hits.length, before);
    assert.deepEqual(trap.seen.slice(seen).filter((x) => /archive|mementoweb/.test(x)), [], 'no archive contacted');
    await closeAll(popup, page);
    await setProbe(arch.settings());
  });

  it('the default archive is a setting: the options save it and the popup leads with it', async () => {
    await setProbe(arch.settings());
    const opts = await s.context.newPage();
    await opts.goto(`chrome-extension://${s.extId}/options.html`);
    await opts.waitForSelector('#probe-options[data-ready="true"]');
    assert.equal(await opts.inputValue('#defaultArchive'), 'wayback', 'the Wayback Machine leads by default');
    assert.equal(await opts.inputValue('#archiveTodayEndpoint'), `${arch.base['archive-today']}/timemap/`);
    await opts.selectOption('#defaultArchive', 'archive-today');
    await waitFor(async () => (await (await worker(s)).evaluate(() => chrome.storage.local.get('probe.defaultArchive')))['probe.defaultArchive'] === 'archive-today', 'saved');

    const { page, popup } = await errorTab(`http://shop.example.com:${site.port}/lead/502`);
    const order = await popup.$$eval('[data-probe-control="archived-copy"] .archive', (l) => l.map((e) => e.getAttribute('data-archive')));
    assert.deepEqual(order, ['archive-today', 'wayback', 'memento']);
    assert.equal(await popup.getAttribute('[data-probe-run="archived-copy"]', 'data-archive-run'), 'archive-today');
    assert.match(await popup.textContent('[data-probe-run="archived-copy"]') ?? '', /Find an archived copy in archive\.today/);
    const before = arch.hits.length;
    await popup.click('[data-probe-run="archived-copy"]');
    await popup.waitForSelector('#probe-archived-copy .probe-result[data-archive="archive-today"]');
    assert.deepEqual(arch.hits.slice(before).map((h) => h.archive), ['archive-today'], 'the leading button asks archive.today');
    await closeAll(popup, page);

    // Back to the region's: stored empty, the Wayback Machine leads again (both regions).
    await opts.selectOption('#defaultArchive', 'wayback');
    await waitFor(async () => (await (await worker(s)).evaluate(() => chrome.storage.local.get('probe.defaultArchive')))['probe.defaultArchive'] === '', 'stored empty');
    await setProbe({ region: 'cn' });
    const cn = await errorTab(`http://shop.example.com:${site.port}/cn/502`);
    assert.equal(await cn.popup.getAttribute('[data-probe-run="archived-copy"]', 'data-archive-run'), 'wayback');
    await closeAll(cn.popup, cn.page, opts);
    await setProbe({ region: 'auto' });
  });

  it('the age reads in Chinese when the language option says so', async () => {
    await setProbe(arch.settings());
    const w = await worker(s);
    for (const [lang, re] of /** @type {const} */ ([['zh-CN', /的存档（UTC，3天前）/], ['zh-TW', /的封存副本（UTC，3 天前）/]])) {
      await w.evaluate((l) => chrome.storage.sync.set({ lang: l }), lang);
      const { page, popup } = await errorTab(`http://shop.example.com:${site.port}/${lang}/502`);
      const r = await ask(popup, 'wayback');
      assert.equal(r.verdict, 'found');
      assert.match(r.text, re);
      await closeAll(popup, page);
    }
    await w.evaluate(() => chrome.storage.sync.set({ lang: 'auto' }));
  });
});
