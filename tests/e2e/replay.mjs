/**
 * A tiny server on 127.0.0.1 that replays vendors' captured error pages (tests/fixtures/<provider>/
 * <name>.http) with their status line, headers and body bytes as captured, and serves the assets
 * those pages link (e.g. /cdn-cgi/styles/main.css) as long-cacheable files, counting every fetch,
 * so a test can tell whether the browser fetched an asset again or used its cache.
 *
 * Routes: /fx/<provider>/<name>  → the fixture;  /ok → a healthy page linking /asset.css;
 * /garbage → bytes that are not HTTP (a network error in the browser); /busy → 503 with Retry-After: 120;
 * /empty502 → a 502 without a body; /framed → a healthy page with a failing iframe;
 * /hostile → a 502 with markup and script in its headers, title and text;
 * anything else ending in .css/.js/.png → a cacheable asset (counted).
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

/**
 * Splits a raw HTTP response into status, reason, headers and body bytes. Lenient: LF-only line
 * ends are accepted, as some captures have them.
 * @param {Buffer} raw
 * @returns {{status: number, reason: string, headers: [string, string][], body: Buffer}}
 */
export function parseRaw(raw) {
  let sep = raw.indexOf('\r\n\r\n');
  let sepLen = 4;
  const lf = raw.indexOf('\n\n');
  if (sep < 0 || (lf >= 0 && lf < sep)) {
    sep = lf;
    sepLen = 2;
  }
  if (sep < 0) throw new Error('no header/body separator');
  const head = raw.subarray(0, sep).toString('latin1').split(/\r?\n/);
  const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\s*(.*)$/.exec(head[0] ?? '');
  if (!m) throw new Error(`bad status line: ${head[0]}`);
  /** @type {[string, string][]} */
  const headers = [];
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
  }
  return { status: Number(m[1]), reason: m[2] ?? '', headers, body: raw.subarray(sep + sepLen) };
}

/** Headers that describe the original connection's framing, not the page: we frame it ourselves. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'content-encoding']);

/**
 * @typedef {{url: string, port: number, hits: (path: string) => number, stop: () => Promise<void>}} ReplayHandle
 */

/** @returns {Promise<ReplayHandle>} */
export async function startReplay() {
  /** @type {Map<string, number>} */
  const hits = new Map();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const fx = /^\/fx\/([a-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(path);
    if (fx) {
      let raw;
      try {
        raw = readFileSync(join(FIXTURES, fx[1] ?? '', `${fx[2]}.http`));
      } catch {
        res.writeHead(404).end('no such fixture');
        return;
      }
      const r = parseRaw(raw);
      // Keep the captured headers (names, order, values), minus framing; body bytes unchanged.
      /** @type {string[]} */
      const flat = [];
      for (const [k, v] of r.headers) if (!FRAMING.has(k.toLowerCase())) flat.push(k, v);
      flat.push('Content-Length', String(r.body.length));
      res.writeHead(r.status, r.reason || undefined, flat);
      res.end(r.body);
      return;
    }
    if (path === '/garbage') {
      // Not HTTP at all: Chromium refuses HTTP/0.9 on a non-default port (ERR_INVALID_HTTP_RESPONSE).
      req.socket.end('garbage, not an HTTP response\r\n\r\n');
      return;
    }
    if (path === '/busy') {
      // An overloaded server asking for two minutes' rest.
      res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '120', server: 'nginx' });
      res.end('<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>');
      return;
    }
    if (path === '/empty502') {
      // An error with no body: Chromium shows its own error page (ERR_HTTP_RESPONSE_CODE_FAILURE).
      res.writeHead(502, { server: 'nginx' }).end();
      return;
    }
    if (path === '/framed') {
      // A healthy page whose iframe fails: not the tab's failure.
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Framed</title><h1>Framed</h1><iframe src="/fx/cloudflare/error-521" title="broken widget"></iframe>');
      return;
    }
    if (path === '/hostile') {
      // Markup and script in every page-controlled place the popup shows: it must stay text.
      const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
      res.writeHead(502, { 'content-type': 'text/html', server: `nginx ${evil.replace(/"/g, "'")}`, 'cf-ray': `8f00${evil.replace(/"/g, "'")}` });
      const esc = evil.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      res.end(`<html><head><title>502 Bad Gateway ${esc}</title></head><body><center><h1>502 Bad Gateway</h1></center><p>${esc}</p><hr><center>nginx</center></body></html>`);
      return;
    }
    if (path === '/ok') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>Fine</title><link rel="stylesheet" href="/asset.css"></head><body><h1>Fine</h1></body></html>');
      return;
    }
    if (/\.(css|js|png)$/.test(path)) {
      const type = path.endsWith('.css') ? 'text/css' : path.endsWith('.js') ? 'text/javascript' : 'image/png';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
      res.end(path.endsWith('.css') ? 'body{font-family:sans-serif}' : '');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits: (p) => hits.get(p) ?? 0,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve(undefined));
    }),
  };
}
