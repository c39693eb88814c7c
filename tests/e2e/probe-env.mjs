/**
 * What the probe and history tests (probes.e2e.mjs, history.e2e.mjs) share: the "sites" on
 * 127.0.0.1 the tabs visit, a proxy that logs and refuses everything else (its log is the list of
 * every request that tried to leave the machine), a port nothing listens on, Chromium launched
 * behind that proxy, and an error tab opened with its popup.
 */
import http from 'node:http';
import net from 'node:net';
import { launch, tabIdOf, visit, waitDiagnosed, worker } from './browser.mjs';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {{path: string, host: string, cookie: string|null, mode: string|null, cache: string|null}} SiteHit */

/**
 * The "sites" the tabs visit: error pages, a switchable one, a healthy one. Logs every request
 * with whether it was a navigation, so the tab's loads and our probes (the worker's fetch) are told apart.
 */
export async function startSites() {
  /** @type {SiteHit[]} */
  const hits = [];
  let flipUp = false;
  /** @type {(() => void)[]} */
  const held = [];
  let flap = 0;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    hits.push({
      path,
      host: String(req.headers.host ?? ''),
      cookie: req.headers.cookie ?? null,
      // Sec-Fetch-Mode is not sent to plain-http hosts; a navigation is told by what it accepts.
      mode: path === '/favicon.ico' ? 'favicon' : String(req.headers.accept ?? '').startsWith('text/html') ? 'navigate' : 'fetch',
      cache: /** @type {string|undefined} */ (req.headers['cache-control']) ?? null,
    });
    /** @param {number} code @param {string} title */
    const page = (code, title) => {
      res.writeHead(code, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1><p>test page</p></body></html>`);
    };
    if (path === '/flip') return flipUp ? page(200, 'Fine') : page(502, '502 Bad Gateway');
    // Probes (not navigations) of /held/502 wait until the test releases them.
    if (path === '/held/502' && hits[hits.length - 1]?.mode === 'fetch') {
      held.push(() => page(502, '502 Bad Gateway'));
      return undefined;
    }
    // Alternates 502 / 200 on every request: a flapping site.
    if (path === '/flap') { flap += 1; return flap % 2 ? page(502, '502 Bad Gateway') : page(200, 'Fine'); }
    if (path.endsWith('/502')) return page(502, '502 Bad Gateway');
    if (path.endsWith('/511')) return page(511, '511 Network Authentication Required');
    if (path === '/ok') return page(200, 'Fine');
    // A hostile status page: markup and script in every text field, javascript: links.
    if (path === '/hostile/api/v2/summary.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({
        page: { name: '<b>Evil</b> status', url: 'javascript:alert(1)' },
        status: { indicator: 'critical', description: '<img src=x onerror="window.__pwned=1">' },
        incidents: [{
          name: '<img src=x onerror="window.__pwned=1">Outage', status: 'investigating', impact: 'critical',
          shortlink: 'javascript:window.__pwned=1', updated_at: '2026-11-24T09:00:00Z',
          incident_updates: [{ body: '<script>window.__pwned=1</script>\u0007update', display_at: '2026-11-24T09:00:00Z' }],
        }],
      }));
    }
    page(404, 'Not Found');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const port = /** @type {net.AddressInfo} */ (server.address()).port;
  return {
    port,
    hits,
    /** Requests that were not the tab's own navigations (i.e. our probes). @param {string} [host] */
    probes: (host) => hits.filter((h) => h.mode === 'fetch' && (!host || h.host.startsWith(host))),
    /** @param {boolean} up */
    setFlip: (up) => { flipUp = up; },
    /** Answers the held probes; later ones of /held/502 are held again. */
    release: () => { for (const f of held.splice(0)) f(); },
    heldCount: () => held.length,
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r(undefined)); }),
  };
}

/**
 * A proxy that logs and refuses everything: Chromium sends every request for a non-loopback,
 * non-.test host here (--proxy-server), so its log lists every attempt to reach a third party.
 */
export async function startTrapProxy() {
  /** @type {string[]} */
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(403, { 'content-type': 'text/plain' });
    res.end('blocked by test proxy');
  });
  server.on('connect', (req, socket) => {
    seen.push(`CONNECT ${req.url}`);
    // A tunnel's socket is ours to look after: when the browser closes it first (ECONNRESET at
    // the end of a run), that must not become an uncaught error that fails the file.
    socket.on('error', () => {});
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const port = /** @type {net.AddressInfo} */ (server.address()).port;
  return {
    port,
    seen,
    /** What the extension could have sent: the log without Chromium's own update and sign-in traffic. */
    fromExtension: () => seen.filter((x) => !CHROMIUM_OWN.test(x)),
    stop: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r(undefined)); }) };
}

/**
 * Chromium's own background services (component and extension updates, account cookie checks),
 * which a fresh profile contacts whatever the extension does. They are not ours and never an
 * endpoint of ours, so they are set aside; everything else in the proxy log counts.
 */
export const CHROMIUM_OWN = /^(CONNECT |[A-Z]+ https?:\/\/)(accounts\.google\.com|[a-z0-9-]+\.googleapis\.com|clients\d*\.google\.com|[a-z0-9-]+\.gvt1\.com)(:\d+|\/|$)/;

/** A port nothing listens on. */
export async function closedPort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', () => r(undefined)));
  const port = /** @type {net.AddressInfo} */ (s.address()).port;
  await new Promise((r) => s.close(() => r(undefined)));
  return port;
}

/**
 * Chromium with the built extension (or GD_EXT_DIR's) behind the trap proxy; *.test and
 * *.example.com on 127.0.0.1 except nx.test and *.invalid, which must fail to resolve. Response
 * headers are read: the DNS check compares with the address the browser connected to, webRequest's.
 * @param {number} proxyPort
 */
export async function launchBehindTrap(proxyPort) {
  const extDir = process.env.GD_EXT_DIR;
  return launch({
    lang: 'en-US',
    headers: true,
    extraArgs: [
      `--proxy-server=http://127.0.0.1:${proxyPort}`,
      '--proxy-bypass-list=*.test;*.example.com',
      // Same as browser.mjs plus names the browser must fail to resolve (the last flag wins).
      '--host-resolver-rules=MAP nx.test ~NOTFOUND, MAP *.test 127.0.0.1, MAP *.invalid ~NOTFOUND, MAP *.example.com 127.0.0.1',
      ...(extDir ? [`--load-extension=${extDir}`, `--disable-extensions-except=${extDir}`] : []),
    ],
  });
}

/**
 * Loads an error page in a new tab and opens its popup (as popup.html?tab=ID).
 * @param {import('./browser.mjs').Session} s
 * @param {string} url
 * @param {string[]} pageRequests where the popup's own requests are logged
 * @returns {Promise<{page: Page, popup: Page, tabId: number, diagnosis: any}>}
 */
export async function openErrorTab(s, url, pageRequests) {
  const page = await s.context.newPage();
  await visit(page, url);
  const tabId = await tabIdOf(s, page);
  const diagnosis = await waitDiagnosed(s, tabId, url).catch(async (e) => {
    const w = await worker(s);
    const all = await w.evaluate(() => chrome.storage.session.get(null)).catch((x) => String(x));
    throw new Error(`${e.message}; page ${page.url()}; session storage: ${JSON.stringify(all).slice(0, 1500)}`);
  });
  const popup = await s.context.newPage();
  popup.on('request', (r) => pageRequests.push(r.url()));
  await popup.setViewportSize({ width: 400, height: 700 });
  await popup.goto(`chrome-extension://${s.extId}/popup.html?tab=${tabId}`);
  await popup.waitForSelector('main#app[aria-busy="false"] #verdict', { timeout: 10000 });
  return { page, popup, tabId, diagnosis };
}

/** @param {...Page} pages */
export async function closeAll(...pages) {
  for (const p of pages) await p.close().catch(() => {});
}
