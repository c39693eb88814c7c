/**
 * Real servers on 127.0.0.1 for tests: each export starts an apt-installed server (or a small node
 * server) with a generated config in its own temp dir on free ports, waits until it answers, and
 * returns a handle. Nothing here uses the system services, /etc configs or the network beyond
 * loopback, so it runs as root on a clean CI machine with the services stopped.
 *
 * Every handle has `{ url, port, dir, stop() }`; `stop()` is idempotent and removes the temp dir.
 * Handles that are still running when the process exits are killed (see `stopAllSync`).
 *
 * Exports (all async unless noted):
 * - `startNginx502({serverTokens?})` nginx reverse proxy to a closed port → real "502 Bad Gateway" (`<center>nginx/x.y</center>`;
 *                              `serverTokens: false` → `<center>nginx</center>`).
 * - `startNginxStatus(code, {serverTokens?})` nginx answering `return code;` → its built-in page for that status.
 * - `startNginx504()`          nginx to a stalled upstream (accepts, never answers), proxy_read_timeout 2s → real 504.
 * - `startNginxProxy({upstreamPort, readTimeout?, returnStatus?, serverTokens?})`  nginx in front of any upstream port (used by the two above).
 * - `startNginxHeaderLimit()`   nginx with small header buffers in front of a healthy upstream: 200, but a
 *                              cookie over 1 KB gets its real "400 Request Header Or Cookie Too Large".
 * - `startNginxSwitchable({up?})` nginx in front of a switchable upstream; handle has `.upstream` (see below)
 *                              so a test can bring the site back: 502 while down, 200 once `upstream.up()`.
 * - `startApache502({signature?})` Apache mod_proxy to an upstream that accepts and hangs up → real 502 "Proxy Error".
 * - `startApache503({signature?})` Apache mod_proxy to a closed port → what Apache really sends for that (503).
 * - `startApacheProxy({upstreamPort, signature?})`  Apache mod_proxy in front of any upstream port; `signature`
 *                              (default on, like Debian's stock config) adds `<address>Apache/… Server at … Port …</address>`.
 * - `startHaproxy503()`        HAProxy whose only backend is down → real 503 "No server is available…".
 * - `startHaproxy502()`        HAProxy to an upstream that hangs up → real 502 "invalid or incomplete response".
 * - `startHaproxy504()`        HAProxy to a stalled upstream, timeout server 1.5s → real 504.
 * - `startHaproxy({upstreamPort, check?, timeoutServerMs?})`  HAProxy in front of any upstream port.
 * - `startVarnish503()`        Varnish with a dead backend → real 503 "Backend fetch failed" / Guru Meditation.
 * - `startSquid({mode?})`      Squid to a dead origin → its real error page (X-Squid-Error); "accel" (reverse
 *                              proxy, default: Squid 5.7 sends 502 ERR_READ_ERROR) or "forward" (browser proxy;
 *                              fetch `s.target` with `{proxy: s.url}`: 503 ERR_CONNECT_FAIL 111).
 * - `startLighttpd({upstreamPort?})` lighttpd mod_proxy to a closed port (503) or the given one (a hang-up
 *                              upstream gives 500) → its real error answer.
 * - `startHealthy({status?, body?, headers?})`  plain node HTTP server (200 "Hello" page by default).
 * - `startStalled()`           node TCP server that accepts connections and never answers.
 * - `startHangup()`            node TCP server that accepts and immediately closes (an upstream that "resets").
 * - `startSwitchableUpstream({up?})` a node HTTP server on a reserved port with `up()`, `down()`, `isUp()`;
 *                              while down nothing listens on the port (connection refused), so a proxy in
 *                              front of it returns its 502 until `up()`.
 * - `fetchRaw(url, {timeoutMs?, headers?, proxy?})` one GET over a plain socket → `{status, headers, body, raw, http}` where
 *                              `http` is the response as `curl -si` would save it (headers as sent, body de-chunked).
 * - `freePort()`, `closedPort()` free loopback ports (the latter is guaranteed unused at the time of the call).
 * - `stopAllSync()` (sync) kills everything still running; installed on process exit automatically.
 *
 * Example: `const s = await startNginx502(); const r = await fetchRaw(s.url); … await s.stop();`
 */

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, chmodSync, readFileSync, existsSync, chownSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";
import http from "node:http";

/**
 * @typedef {object} ServerHandle
 * @property {string} url       Base URL, e.g. `http://127.0.0.1:41234/`.
 * @property {number} port      Listening port.
 * @property {string} dir       Temp dir with the generated config and logs ("" for pure node servers).
 * @property {string} name      What this is, for messages.
 * @property {() => Promise<void>} stop  Stops the server (idempotent) and removes its temp dir.
 * @property {() => string} [logs]      The server's captured stderr/stdout and error log, for debugging failures.
 */

/**
 * @typedef {ServerHandle & {up: () => Promise<void>, down: () => Promise<void>, isUp: () => boolean}} SwitchableHandle
 */

/** @type {Set<{killSync: () => void}>} live processes and servers, killed on exit */
const live = new Set();

/** Kills every server this module started that is still running (sync: usable in an exit handler). */
export function stopAllSync() {
  for (const l of [...live]) {
    try {
      l.killSync();
    } catch {
      /* best effort on exit */
    }
  }
  live.clear();
}
process.on("exit", stopAllSync);
// A killed test run must not leave servers behind on their ports.
for (const [sig, code] of /** @type {const} */ ([
  ["SIGINT", 130],
  ["SIGTERM", 143],
])) {
  process.once(sig, () => {
    stopAllSync();
    process.exit(code);
  });
}

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

/**
 * Daemons live in /usr/sbin, which a non-login or non-root PATH often lacks.
 * @param {string} name
 */
function sbin(name) {
  for (const d of ["/usr/sbin", "/usr/local/sbin", "/sbin"]) {
    if (existsSync(join(d, name))) return join(d, name);
  }
  return name;
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free loopback port (the OS picks it; there is a small race until the caller binds it). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A port nothing listens on (checked by a refused connect), for "upstream is down". */
export async function closedPort() {
  for (let i = 0; i < 20; i++) {
    const p = await freePort();
    if (!(await canConnect(p))) return p;
  }
  throw new Error("closedPort: could not find an unused port");
}

/** @param {number} port @param {number} [timeoutMs] */
function canConnect(port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    const done = (/** @type {boolean} */ ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

/** @param {string} prefix */
function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `gd-srv-${prefix}-`));
  // Workers of nginx/apache/lighttpd/squid drop root privileges and must still reach their files.
  chmodSync(dir, 0o777);
  return dir;
}

/**
 * Spawns a server in the foreground, waits until `port` accepts connections, and returns a stop
 * function. Rejects (with the server's output) if it exits early or never listens.
 * @param {string} name
 * @param {string} cmd
 * @param {string[]} args
 * @param {{port: number, dir: string, errorLog?: string, readyMs?: number, env?: Record<string,string>}} o
 */
async function runDaemon(name, cmd, args, o) {
  let out = "";
  const child = spawn(cmd, args, {
    cwd: o.dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...(o.env || {}) },
    detached: true, // own process group, so stop() also reaches forked workers
  });
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  /** @type {number|null} */
  let exitCode = null;
  let exited = false;
  const exitP = new Promise((resolve) => {
    child.once("exit", (code, sig) => {
      exited = true;
      exitCode = code ?? (sig ? 128 : 0);
      resolve(undefined);
    });
    child.once("error", (e) => {
      out += String(e);
      exited = true;
      exitCode = 127;
      resolve(undefined);
    });
  });
  const logs = () => {
    let s = `$ ${cmd} ${args.join(" ")}\n${out}`;
    if (o.errorLog && existsSync(o.errorLog)) s += `\n--- ${o.errorLog}\n${readFileSync(o.errorLog, "utf8").slice(-4000)}`;
    return s;
  };
  const killGroup = (/** @type {NodeJS.Signals} */ sig) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      try {
        child.kill(sig);
      } catch {
        /* already gone */
      }
    }
  };
  const entry = {
    killSync: () => {
      killGroup("SIGKILL");
      rmSync(o.dir, { recursive: true, force: true });
    },
  };
  live.add(entry);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup("SIGTERM");
    const t = await Promise.race([exitP.then(() => "exit"), sleep(5000).then(() => "timeout")]);
    if (t === "timeout") {
      killGroup("SIGKILL");
      await Promise.race([exitP, sleep(2000)]);
    }
    // Workers that outlived the master (different group after setsid) still die with SIGKILL above.
    live.delete(entry);
    rmSync(o.dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (o.readyMs ?? 15000);
  while (Date.now() < deadline) {
    if (exited) {
      const l = logs();
      await stop();
      throw new Error(`${name} exited (code ${exitCode}) before listening:\n${l}`);
    }
    if (await canConnect(o.port, 300)) return { stop, logs };
    await sleep(50);
  }
  const l = logs();
  await stop();
  throw new Error(`${name} did not listen on 127.0.0.1:${o.port} in time:\n${l}`);
}

/**
 * @param {string} name @param {number} port @param {string} dir
 * @param {{stop: () => Promise<void>, logs: () => string}} d
 * @param {Array<{stop: () => Promise<void>}>} [extra] helper servers to stop afterwards
 * @returns {ServerHandle}
 */
function handle(name, port, dir, d, extra = []) {
  return {
    name,
    port,
    dir,
    url: `http://127.0.0.1:${port}/`,
    logs: d.logs,
    stop: async () => {
      await d.stop();
      for (const e of extra) await e.stop();
    },
  };
}

// --- node helpers ----------------------------------------------------------------------------

/**
 * Tracks a node server and its sockets so stop() never waits on keep-alive connections.
 * @param {net.Server} server @param {string} name @param {number} port
 * @returns {ServerHandle}
 */
function nodeHandle(server, name, port) {
  /** @type {Set<net.Socket>} */
  const socks = new Set();
  server.on("connection", (s) => {
    socks.add(s);
    s.on("close", () => socks.delete(s));
    // Proxies reset connections they give up on; that is expected here, not a crash.
    s.on("error", () => {});
  });
  let stopped = false;
  const entry = {
    killSync: () => {
      for (const s of socks) s.destroy();
      server.close();
    },
  };
  live.add(entry);
  return {
    name,
    port,
    dir: "",
    url: `http://127.0.0.1:${port}/`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      live.delete(entry);
      for (const s of socks) s.destroy();
      await new Promise((r) => server.close(() => r(undefined)));
    },
  };
}

/** @param {net.Server} server @param {number} port */
function listen(server, port = 0) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const a = server.address();
      resolve(typeof a === "object" && a ? a.port : port);
    });
  });
}

/**
 * A plain healthy HTTP server (the "site is fine" case).
 * @param {{status?: number, body?: string, headers?: Record<string,string>}} [o]
 * @returns {Promise<ServerHandle & {hits: () => number}>}
 */
export async function startHealthy(o = {}) {
  let hits = 0;
  const body =
    o.body ??
    "<!doctype html><html><head><title>Hello</title></head><body><h1>Hello</h1><p>This site works.</p></body></html>";
  const server = http.createServer((req, res) => {
    hits++;
    res.writeHead(o.status ?? 200, { "content-type": "text/html; charset=utf-8", ...(o.headers || {}) });
    res.end(body);
  });
  const port = /** @type {number} */ (await listen(server));
  return { ...nodeHandle(server, "healthy node server", port), hits: () => hits };
}

/** A TCP server that accepts connections and never says anything (a hung application). */
export async function startStalled() {
  const server = net.createServer(() => {
    /* hold the socket open, say nothing */
  });
  const port = /** @type {number} */ (await listen(server));
  return nodeHandle(server, "stalled upstream", port);
}

/** A TCP server that accepts and closes at once, without a response (a crashing application). */
export async function startHangup() {
  const server = net.createServer((s) => s.destroy());
  const port = /** @type {number} */ (await listen(server));
  return nodeHandle(server, "hang-up upstream", port);
}

/**
 * An upstream that can be taken down and brought back on the same port. While down, nothing
 * listens, so connects are refused (what a proxy sees when the app server has crashed).
 * @param {{up?: boolean, body?: string}} [o]
 * @returns {Promise<SwitchableHandle>}
 */
export async function startSwitchableUpstream(o = {}) {
  const port = await closedPort();
  const body =
    o.body ??
    "<!doctype html><html><head><title>Back online</title></head><body><h1>Back online</h1><p>The upstream is up.</p></body></html>";
  /** @type {ServerHandle|null} */
  let cur = null;
  let stopped = false;
  const up = async () => {
    if (cur || stopped) return;
    const server = http.createServer((req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(body);
    });
    // The port was reserved by closedPort(); retry briefly if the kernel still holds it.
    for (let i = 0; ; i++) {
      try {
        await listen(server, port);
        break;
      } catch (e) {
        if (i > 40) throw e;
        await sleep(50);
      }
    }
    cur = nodeHandle(server, "switchable upstream", port);
  };
  const down = async () => {
    const c = cur;
    cur = null;
    if (c) await c.stop();
  };
  if (o.up) await up();
  return {
    name: "switchable upstream",
    port,
    dir: "",
    url: `http://127.0.0.1:${port}/`,
    up,
    down,
    isUp: () => cur !== null,
    stop: async () => {
      stopped = true;
      await down();
    },
  };
}

// --- nginx -----------------------------------------------------------------------------------

/**
 * nginx as a reverse proxy in front of `upstreamPort`.
 * With `returnStatus` it answers every request with that status instead (nginx's built-in page
 * for it, as `limit_req` gives 503); `serverTokens: false` drops the version from the signature.
 * `headerBuffers` sets large_client_header_buffers (e.g. "2 1k").
 * @param {{upstreamPort?: number, readTimeout?: number, connectTimeout?: number, returnStatus?: number, serverTokens?: boolean, headerBuffers?: string}} o
 * @returns {Promise<ServerHandle>}
 */
export async function startNginxProxy(o) {
  const dir = tempDir("nginx");
  const port = await freePort();
  const conf = join(dir, "nginx.conf");
  const t = (/** @type {string} */ n) => join(dir, n);
  writeFileSync(
    conf,
    `${isRoot ? "user root;\n" : ""}worker_processes 1;
pid ${t("nginx.pid")};
error_log ${t("error.log")} warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${t("client_body")};
  proxy_temp_path ${t("proxy")};
  fastcgi_temp_path ${t("fastcgi")};
  uwsgi_temp_path ${t("uwsgi")};
  scgi_temp_path ${t("scgi")};
  server {
    listen 127.0.0.1:${port};
    server_name localhost;
    server_tokens ${o.serverTokens === false ? "off" : "on"};
${o.headerBuffers ? `    large_client_header_buffers ${o.headerBuffers};\n` : ""}    location / {
${
  o.returnStatus
    ? `      return ${o.returnStatus};`
    : `      proxy_pass http://127.0.0.1:${o.upstreamPort};
      proxy_connect_timeout ${o.connectTimeout ?? 2}s;
      proxy_read_timeout ${o.readTimeout ?? 2}s;
      proxy_next_upstream off;`
}
    }
  }
}
`,
  );
  const d = await runDaemon("nginx", sbin("nginx"), ["-c", conf, "-p", dir, "-e", t("error.log"), "-g", "daemon off;"], {
    port,
    dir,
    errorLog: t("error.log"),
  });
  return handle("nginx", port, dir, d);
}

/**
 * nginx reverse proxy to a closed port: its real 502 Bad Gateway page.
 * @param {{serverTokens?: boolean}} [o]
 */
export async function startNginx502(o = {}) {
  return startNginxProxy({ upstreamPort: await closedPort(), serverTokens: o.serverTokens });
}

/**
 * nginx answering every request with `status` from its built-in error pages (e.g. 503 as
 * limit_req sends it, 500).
 * @param {number} status
 * @param {{serverTokens?: boolean}} [o]
 */
export async function startNginxStatus(status, o = {}) {
  return startNginxProxy({ returnStatus: status, serverTokens: o.serverTokens });
}

/** nginx to an upstream that accepts and never answers, read timeout 2 s: its real 504 page. */
export async function startNginx504() {
  const up = await startStalled();
  try {
    const s = await startNginxProxy({ upstreamPort: up.port, readTimeout: 2 });
    return { ...s, stop: async () => (await s.stop(), await up.stop()) };
  } catch (e) {
    await up.stop();
    throw e;
  }
}

/**
 * nginx with header buffers of 1 KB in front of a healthy upstream: the page loads (200) until the
 * browser sends a header line longer than 1 KB (a big cookie), which nginx refuses with its real
 * "400 Bad Request — Request Header Or Cookie Too Large" page.
 */
export async function startNginxHeaderLimit() {
  const up = await startHealthy();
  try {
    const s = await startNginxProxy({ upstreamPort: up.port, headerBuffers: "2 1k" });
    return { ...s, upstream: up, stop: async () => (await s.stop(), await up.stop()) };
  } catch (e) {
    await up.stop();
    throw e;
  }
}

/**
 * nginx in front of a switchable upstream (down by default): 502 until `upstream.up()`.
 * @param {{up?: boolean}} [o]
 * @returns {Promise<ServerHandle & {upstream: SwitchableHandle}>}
 */
export async function startNginxSwitchable(o = {}) {
  const upstream = await startSwitchableUpstream({ up: o.up ?? false });
  try {
    const s = await startNginxProxy({ upstreamPort: upstream.port });
    return { ...s, upstream, stop: async () => (await s.stop(), await upstream.stop()) };
  } catch (e) {
    await upstream.stop();
    throw e;
  }
}

// --- Apache ----------------------------------------------------------------------------------

const APACHE_MODULES = "/usr/lib/apache2/modules";

/**
 * Apache httpd with mod_proxy in front of `upstreamPort`, from a minimal self-contained config.
 * `signature` (default true, as Debian's stock security.conf has `ServerSignature On`) adds the
 * `<address>Apache/… Server at … Port …</address>` line to error pages.
 * @param {{upstreamPort: number, signature?: boolean}} o
 * @returns {Promise<ServerHandle>}
 */
export async function startApacheProxy(o) {
  const dir = tempDir("apache");
  const port = await freePort();
  const conf = join(dir, "httpd.conf");
  const mods = ["mpm_event", "authz_core", "proxy", "proxy_http"]
    .map((m) => `LoadModule ${m}_module ${APACHE_MODULES}/mod_${m}.so`)
    .join("\n");
  writeFileSync(
    conf,
    `ServerRoot "${dir}"
${mods}
Listen 127.0.0.1:${port}
ServerName 127.0.0.1
PidFile ${join(dir, "httpd.pid")}
ErrorLog ${join(dir, "error.log")}
LogLevel warn
ServerTokens OS
ServerSignature ${o.signature === false ? "Off" : "On"}
DefaultRuntimeDir ${dir}
Mutex file:${dir} default
${isRoot ? "User www-data\nGroup www-data\n" : ""}StartServers 1
ServerLimit 1
ThreadsPerChild 16
MaxRequestWorkers 16
ProxyTimeout 3
ProxyPass / http://127.0.0.1:${o.upstreamPort}/ retry=0
ProxyPassReverse / http://127.0.0.1:${o.upstreamPort}/
`,
  );
  const d = await runDaemon("apache2", sbin("apache2"), ["-f", conf, "-D", "FOREGROUND"], {
    port,
    dir,
    errorLog: join(dir, "error.log"),
  });
  return handle("apache", port, dir, d);
}

/**
 * Apache mod_proxy to an upstream that hangs up without answering: real 502 "Proxy Error".
 * (A refused connect gives 503 instead, see startApache503; a stalled upstream also ends in this
 * 502 after ProxyTimeout, not in a 504.)
 * @param {{signature?: boolean}} [o]
 */
export async function startApache502(o = {}) {
  const up = await startHangup();
  try {
    const s = await startApacheProxy({ upstreamPort: up.port, signature: o.signature });
    return { ...s, stop: async () => (await s.stop(), await up.stop()) };
  } catch (e) {
    await up.stop();
    throw e;
  }
}

/**
 * Apache mod_proxy to a closed port (Apache answers a refused connect with 503).
 * @param {{signature?: boolean}} [o]
 */
export async function startApache503(o = {}) {
  return startApacheProxy({ upstreamPort: await closedPort(), signature: o.signature });
}

// --- HAProxy ---------------------------------------------------------------------------------

/**
 * HAProxy in front of `upstreamPort`. `check` health-checks the server (so a dead one is marked
 * DOWN); `timeoutServerMs` bounds the wait for the server's answer.
 * @param {{upstreamPort: number, check?: boolean, timeoutServerMs?: number}} o
 * @returns {Promise<ServerHandle>}
 */
export async function startHaproxy(o) {
  const dir = tempDir("haproxy");
  const port = await freePort();
  const conf = join(dir, "haproxy.cfg");
  writeFileSync(
    conf,
    `global
  pidfile ${join(dir, "haproxy.pid")}
  maxconn 64
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server ${o.timeoutServerMs ?? 5000}ms
frontend fe
  bind 127.0.0.1:${port}
  default_backend app
backend app
  server app1 127.0.0.1:${o.upstreamPort}${o.check ? " check inter 200ms fall 1 rise 1" : ""}
`,
  );
  const d = await runDaemon("haproxy", sbin("haproxy"), ["-f", conf, "-db"], { port, dir });
  return handle("haproxy", port, dir, d);
}

/** HAProxy whose only backend server is down (health-checked): real 503 "No server is available". */
export async function startHaproxy503() {
  const h = await startHaproxy({ upstreamPort: await closedPort(), check: true });
  // Wait for the first failed health check, so the page is the "no server available" one.
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const r = await fetchRaw(h.url).catch(() => null);
    if (r && r.status === 503) break;
    await sleep(100);
  }
  return h;
}

/** HAProxy to an upstream that hangs up without answering: real 502 "invalid or incomplete response". */
export async function startHaproxy502() {
  return withUpstream(await startHangup(), (up) => startHaproxy({ upstreamPort: up.port }));
}

/** HAProxy to a stalled upstream, `timeout server` 1.5 s: real 504 "didn't respond in time". */
export async function startHaproxy504() {
  return withUpstream(await startStalled(), (up) => startHaproxy({ upstreamPort: up.port, timeoutServerMs: 1500 }));
}

/**
 * Starts a front server for a node upstream; the handle's stop() stops both.
 * @template {ServerHandle} T
 * @param {ServerHandle} up
 * @param {(up: ServerHandle) => Promise<T>} start
 * @returns {Promise<T>}
 */
async function withUpstream(up, start) {
  try {
    const s = await start(up);
    return { ...s, stop: async () => (await s.stop(), await up.stop()) };
  } catch (e) {
    await up.stop();
    throw e;
  }
}

// --- Varnish ---------------------------------------------------------------------------------

/** Varnish with a dead backend: real 503 "Backend fetch failed" (Guru Meditation, XID). */
export async function startVarnish503() {
  const dir = tempDir("varnish");
  const port = await freePort();
  const admin = await freePort();
  const dead = await closedPort();
  const args = [
    "-F",
    "-n",
    dir,
    "-a",
    `127.0.0.1:${port}`,
    "-b",
    `127.0.0.1:${dead}`,
    "-T",
    `127.0.0.1:${admin}`,
    "-s",
    "malloc,16m",
    "-p",
    "connect_timeout=1",
  ];
  // Without privilege separation: its jail users need access to the temp dir otherwise.
  if (isRoot) args.push("-j", "none");
  const d = await runDaemon("varnishd", sbin("varnishd"), args, { port, dir, readyMs: 30000 });
  return handle("varnish", port, dir, d);
}

// --- Squid -----------------------------------------------------------------------------------

/**
 * Squid to a dead origin: its real error page. `mode: "accel"` (default) is a reverse proxy in
 * front of the site (`url` is the site); `mode: "forward"` is a browser's proxy: fetch
 * `target` through it with `fetchRaw(target, {proxy: s.url})` to get its connect-failure page.
 * @param {{mode?: "accel"|"forward"}} [o]
 * @returns {Promise<ServerHandle & {target: string}>}
 */
export async function startSquid(o = {}) {
  const dir = tempDir("squid");
  const port = await freePort();
  const dead = await closedPort();
  const conf = join(dir, "squid.conf");
  const front =
    o.mode === "forward"
      ? `http_port 127.0.0.1:${port}
acl to_dead port ${dead}
http_access allow localhost to_dead
http_access deny all`
      : `http_port 127.0.0.1:${port} accel defaultsite=localhost no-vhost
cache_peer 127.0.0.1 parent ${dead} 0 no-query originserver name=origin connect-timeout=2
cache_peer_access origin allow all
never_direct allow all
http_access allow all`;
  writeFileSync(
    conf,
    `${front}
pid_filename ${join(dir, "squid.pid")}
cache_log ${join(dir, "cache.log")}
access_log none
cache_store_log none
coredump_dir ${dir}
cache deny all
shutdown_lifetime 0 seconds
connect_retries 0
forward_max_tries 1
visible_hostname gateway-doctor-test
${isRoot ? "cache_effective_user proxy\n" : ""}`,
  );
  if (isRoot) {
    // Squid writes its log after dropping to the proxy user.
    const pw = spawnSync("id", ["-u", "proxy"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "proxy"], { encoding: "utf8" });
    if (pw.status === 0) chownSync(dir, Number(pw.stdout.trim()), Number(gid.stdout.trim()));
  }
  const d = await runDaemon("squid", sbin("squid"), ["-N", "-f", conf], {
    port,
    dir,
    errorLog: join(dir, "cache.log"),
    readyMs: 30000,
  });
  return { ...handle("squid", port, dir, d), target: `http://127.0.0.1:${dead}/` };
}

// --- lighttpd --------------------------------------------------------------------------------

/**
 * lighttpd with mod_proxy in front of `upstreamPort` (a closed port by default): its real error answer.
 * @param {{upstreamPort?: number}} [o]
 * @returns {Promise<ServerHandle>}
 */
export async function startLighttpd(o = {}) {
  const dir = tempDir("lighttpd");
  const port = await freePort();
  const dead = o.upstreamPort ?? (await closedPort());
  const conf = join(dir, "lighttpd.conf");
  writeFileSync(
    conf,
    `server.modules = ("mod_proxy")
server.bind = "127.0.0.1"
server.port = ${port}
server.document-root = "${dir}"
server.pid-file = "${join(dir, "lighttpd.pid")}"
server.errorlog = "${join(dir, "error.log")}"
${isRoot ? 'server.username = "www-data"\nserver.groupname = "www-data"\n' : ""}proxy.server = ("" => (("host" => "127.0.0.1", "port" => ${dead})))
`,
  );
  const d = await runDaemon("lighttpd", sbin("lighttpd"), ["-D", "-f", conf], {
    port,
    dir,
    errorLog: join(dir, "error.log"),
  });
  return handle("lighttpd", port, dir, d);
}

// --- client ----------------------------------------------------------------------------------

/**
 * @typedef {object} RawResponse
 * @property {number} status
 * @property {Array<{name: string, value: string}>} headers  As sent, in order.
 * @property {string} body   De-chunked body (utf-8 decoded, lossy).
 * @property {Buffer} raw    The exact bytes on the wire.
 * @property {string} http   Status line + headers + blank line + de-chunked body, like `curl -si` saves.
 */

/** @param {Buffer} b */
function dechunk(b) {
  /** @type {Buffer[]} */
  const parts = [];
  let i = 0;
  for (;;) {
    const eol = b.indexOf("\r\n", i);
    if (eol < 0) break;
    const n = parseInt(b.subarray(i, eol).toString("latin1").split(";")[0].trim(), 16);
    if (!Number.isFinite(n) || n === 0) break;
    parts.push(b.subarray(eol + 2, eol + 2 + n));
    i = eol + 2 + n + 2;
  }
  return Buffer.concat(parts);
}

/**
 * One `GET` over a plain socket (HTTP/1.1, Connection: close), so the response is exactly what
 * the server sent — no client library normalising headers.
 * @param {string} url
 * With `proxy` (a proxy's base URL) the request goes to the proxy in absolute form.
 * @param {string} url
 * @param {{timeoutMs?: number, headers?: Record<string,string>, proxy?: string}} [o]
 * @returns {Promise<RawResponse>}
 */
export function fetchRaw(url, o = {}) {
  const u = new URL(url);
  const via = o.proxy ? new URL(o.proxy) : u;
  const target = o.proxy ? u.href : `${u.pathname}${u.search}`;
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: via.hostname, port: Number(via.port || 80) });
    /** @type {Buffer[]} */
    const chunks = [];
    s.setTimeout(o.timeoutMs ?? 15000, () => {
      s.destroy();
      reject(new Error(`fetchRaw ${url}: timed out`));
    });
    s.once("connect", () => {
      const extra = Object.entries(o.headers || {})
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join("");
      s.write(
        `GET ${target} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: gateway-doctor-tests\r\n` +
          `Accept: text/html,*/*\r\n${extra}Connection: close\r\n\r\n`,
      );
    });
    s.on("data", (d) => chunks.push(Buffer.from(d)));
    s.once("error", reject);
    s.once("end", () => {
      const raw = Buffer.concat(chunks);
      const sep = raw.indexOf("\r\n\r\n");
      if (sep < 0) return reject(new Error(`fetchRaw ${url}: no complete header block (${raw.length} bytes)`));
      const head = raw.subarray(0, sep).toString("latin1");
      const [statusLine, ...lines] = head.split("\r\n");
      const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(statusLine);
      if (!m) return reject(new Error(`fetchRaw ${url}: bad status line ${JSON.stringify(statusLine)}`));
      const headers = lines.map((l) => {
        const i = l.indexOf(":");
        return { name: l.slice(0, i).trim(), value: l.slice(i + 1).trim() };
      });
      let bodyBuf = raw.subarray(sep + 4);
      if (headers.some((h) => h.name.toLowerCase() === "transfer-encoding" && /chunked/i.test(h.value))) {
        bodyBuf = dechunk(bodyBuf);
      }
      const body = bodyBuf.toString("utf8");
      resolve({ status: Number(m[1]), headers, body, raw, http: `${head}\r\n\r\n${body}` });
    });
  });
}
