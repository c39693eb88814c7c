/**
 * Local stand-ins for the third-party services the probes talk to, answering with the real
 * services' documented response shapes (Atlassian Statuspage summary, DoH JSON, Wayback
 * availability, a public checker) plus their error, slow, huge and malformed cases. Loopback only.
 *
 * Use as a module: `const s = await startProbeServer(); s.base; s.log(); await s.stop();`
 * or run `node tests/probe-server/server.mjs [PORT]`, which prints `PROBE_BASE=http://127.0.0.1:PORT`.
 *
 * Routes (all GET, all with `Access-Control-Allow-Origin: *`):
 *   /status/{ok,incident,maintenance,malformed,slow,huge,endless,error}/api/v2/summary.json
 *   /dns-query?name=N&type=A|AAAA   names: same.test→127.0.0.1, moved.test→203.0.113.9 (TTL 300),
 *        v6.test→::1, nx.test→NXDOMAIN, servfail.test→SERVFAIL, noaddr.test→no records,
 *        malformed.test→garbage, slow.test→never answers
 *   /resolve?name=N&type=A|1|AAAA|28  the same names in AliDNS's shape (`Question` an object, as
 *        Alibaba's "JSON API for DoH" example shows; `type` by name or number)
 *   /wayback/available?url=U        snapshot unless U contains "none"; "malformed" → bad JSON
 *   /timemap/U                      archive.today's Memento TimeMap (link-format) of U; 404 if U
 *        contains "none", an HTML page if "captcha"
 *   /api/json/STAMP/U               Memento TimeTravel JSON for U; 404 if U contains "none"
 *   /checker?host=H                 {"status":"down"} if H contains "down", else "up"
 *   /site/ok → 200, /site/502 → 502, /site/flap → 502/200 alternating, /site/slow → never answers
 *   /generate_204 → 204
 *   /connecttest.txt → 200 text/plain "Microsoft Connect Test" (Microsoft NCSI's documented answer)
 *   /__log → JSON list of requests seen [{path, cookie, cacheControl, pragma}]
 */
import http from 'node:http';

const SUMMARY_OK = {
  page: { id: 'local', name: 'Local CDN', url: 'https://status.local.test', time_zone: 'Etc/UTC', updated_at: '2026-11-24T09:00:00.000Z' },
  components: [],
  incidents: [],
  scheduled_maintenances: [],
  status: { indicator: 'none', description: 'All Systems Operational' },
};

const SUMMARY_INCIDENT = {
  ...SUMMARY_OK,
  incidents: [{
    id: 'inc1', name: 'Elevated 502 errors in Frankfurt', status: 'identified', impact: 'major',
    shortlink: 'https://stspg.io/local1', created_at: '2026-11-24T08:00:00Z', updated_at: '2026-11-24T08:40:00Z',
    incident_updates: [
      { id: 'u2', status: 'identified', body: 'The issue has been identified and a fix is being deployed.', display_at: '2026-11-24T08:40:00Z', created_at: '2026-11-24T08:40:00Z' },
      { id: 'u1', status: 'investigating', body: 'We are investigating elevated errors.', display_at: '2026-11-24T08:00:00Z', created_at: '2026-11-24T08:00:00Z' },
    ],
  }],
  status: { indicator: 'major', description: 'Partial System Outage' },
};

const DNS = {
  'same.test': { A: ['127.0.0.1'] },
  'moved.test': { A: ['203.0.113.9'] },
  'v6.test': { AAAA: ['::1'], A: [] },
};

/**
 * @param {number} [port]
 * @returns {Promise<{base: string, port: number, log: () => Array<Record<string, unknown>>, stop: () => Promise<void>}>}
 */
export async function startProbeServer(port = 0) {
  /** @type {Array<Record<string, unknown>>} */
  const seen = [];
  let flap = 0;
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url || '/', 'http://127.0.0.1');
    if (url.pathname !== '/__log') {
      seen.push({ path: url.pathname + url.search, cookie: req.headers.cookie ?? null, cacheControl: req.headers['cache-control'] ?? null, pragma: req.headers.pragma ?? null });
    }
    const cors = { 'access-control-allow-origin': '*', 'cache-control': 'no-store' };
    /** @param {number} code @param {unknown} body @param {string} [type] */
    const send = (code, body, type = 'application/json') => {
      res.writeHead(code, { ...cors, 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const p = url.pathname;
    if (p === '/__log') return send(200, seen);
    if (p === '/generate_204') { res.writeHead(204, cors); return res.end(); }
    if (p === '/connecttest.txt') return send(200, 'Microsoft Connect Test', 'text/plain');
    const st = p.match(/^\/status\/([a-z]+)\/api\/v2\/summary\.json$/);
    if (st) {
      switch (st[1]) {
        case 'ok': return send(200, SUMMARY_OK);
        case 'incident': return send(200, SUMMARY_INCIDENT);
        case 'maintenance': return send(200, { ...SUMMARY_OK, status: { indicator: 'maintenance', description: 'Service Under Maintenance' } });
        case 'malformed': return send(200, '<html><body>502 Bad Gateway</body></html>', 'text/html');
        case 'huge': return send(200, JSON.stringify({ ...SUMMARY_OK, pad: 'x'.repeat(2 * 1024 * 1024) }));
        case 'error': return send(503, { error: 'unavailable' });
        case 'slow': return; // never answers: the client's timeout must fire
        case 'endless': {
          // A body that never ends, no Content-Length: only a reader that stops at its bound
          // answers before its timeout.
          res.writeHead(200, { ...cors, 'content-type': 'application/json' });
          res.write('{"pad":"');
          const chunk = 'x'.repeat(64 * 1024);
          const timer = setInterval(() => res.write(chunk), 5);
          res.on('close', () => clearInterval(timer));
          return;
        }
      }
    }
    if (p === '/dns-query') {
      const name = (url.searchParams.get('name') || '').replace(/\.$/, '');
      const type = url.searchParams.get('type') || 'A';
      if (name === 'slow.test') return;
      if (name === 'malformed.test') return send(200, '{"Status": 0, "Answer": [{"type": 1, "data": "not-an-ip"}]}', 'application/dns-json');
      if (name === 'nx.test') return send(200, { Status: 3, Question: [{ name, type: 1 }] }, 'application/dns-json');
      if (name === 'servfail.test') return send(200, { Status: 2, Question: [{ name, type: 1 }] }, 'application/dns-json');
      const rec = /** @type {Record<string, string[]>} */ (DNS[/** @type {keyof typeof DNS} */ (name)] || {});
      const code = type === 'AAAA' ? 28 : 1;
      const answer = (rec[type] || []).map((data) => ({ name: name + '.', type: code, TTL: 300, data }));
      return send(200, { Status: 0, TC: false, RD: true, RA: true, AD: false, CD: false, Question: [{ name: name + '.', type: code }], Answer: answer }, 'application/dns-json');
    }
    if (p === '/resolve') {
      const name = (url.searchParams.get('name') || '').replace(/\.$/, '');
      const t = url.searchParams.get('type') || '1';
      const v6 = t === 'AAAA' || t === '28';
      if (name === 'slow.test') return;
      if (name === 'nx.test') return send(200, { Status: 3, TC: false, RD: true, RA: true, AD: false, CD: false, Question: { name: name + '.', type: 1 } }, 'application/json');
      const rec = /** @type {Record<string, string[]>} */ (DNS[/** @type {keyof typeof DNS} */ (name)] || {});
      const code = v6 ? 28 : 1;
      const answer = (rec[v6 ? 'AAAA' : 'A'] || []).map((data) => ({ name: name + '.', TTL: 600, type: code, data }));
      return send(200, { Status: 0, TC: false, RD: true, RA: true, AD: false, CD: false, Question: { name: name + '.', type: code }, Answer: answer }, 'application/json');
    }
    if (p === '/wayback/available') {
      const target = url.searchParams.get('url') || '';
      if (target.includes('malformed')) return send(200, '{"archived_snapshots": {"closest": ');
      if (target.includes('none')) return send(200, { url: target, archived_snapshots: {} });
      const host = req.headers.host || '127.0.0.1';
      return send(200, { url: target, archived_snapshots: { closest: { status: '200', available: true, url: `http://${host}/web/20260101120000/${target}`, timestamp: '20260101120000' } } });
    }
    if (p.startsWith('/timemap/')) {
      const target = p.slice('/timemap/'.length);
      const host = req.headers.host || '127.0.0.1';
      if (target.includes('none')) return send(404, 'TimeMap does not exists', 'text/plain');
      if (target.includes('captcha')) return send(200, '<!doctype html><title>Please complete the security check</title>', 'text/html');
      return send(200, [
        `<${target}>; rel="original",`,
        `<http://${host}/timegate/${target}>; rel="timegate",`,
        `<http://${host}/20150531154001/${target}>; rel="first memento"; datetime="Sun, 31 May 2015 15:40:01 GMT",`,
        `<http://${host}/20240620154339/${target}>; rel="last memento"; datetime="Thu, 20 Jun 2024 15:43:39 GMT"`,
      ].join('\n'), 'application/link-format');
    }
    if (p.startsWith('/api/json/')) {
      const m = p.match(/^\/api\/json\/(\d{1,14})\/(.+)$/);
      if (!m) return send(400, { error: 'bad request' });
      const target = m[2] || '';
      if (target.includes('none')) return send(404, { error: 'not found' });
      const host = req.headers.host || '127.0.0.1';
      return send(200, { original_uri: target, mementos: { closest: { datetime: '2013-01-15T10:20:34Z', uri: [`http://${host}/web/20130115102034/${target}`] } } });
    }
    if (p.startsWith('/web/')) return send(200, '<!doctype html><title>Archived copy</title><h1>Archived copy</h1>', 'text/html');
    if (p === '/checker') {
      const host = url.searchParams.get('host') || '';
      return send(200, { host, status: host.includes('down') ? 'down' : 'up', checked_at: '2026-11-24T09:00:00Z' });
    }
    if (p === '/site/ok') return send(200, '<!doctype html><title>OK</title><p>fine</p>', 'text/html');
    if (p === '/site/502') return send(502, '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>', 'text/html');
    if (p === '/site/flap') { flap += 1; return send(flap % 2 ? 502 : 200, 'flap', 'text/plain'); }
    if (p === '/site/slow') return;
    send(404, { error: 'not found' });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    base: `http://127.0.0.1:${addr.port}`,
    port: addr.port,
    log: () => seen.slice(),
    stop: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await startProbeServer(Number(process.argv[2] || 0));
  console.log(`PROBE_BASE=${s.base}`);
}
