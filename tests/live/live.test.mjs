/**
 * Live capture tests: start each real server from tests/servers/servers.mjs on 127.0.0.1, take the
 * error response it really sends, and check that the release CLI
 * (`target/release/gateway-doctor diagnose - --format json`) names the right provider and fault.
 *
 * Run: `node --test tests/live/live.test.mjs` (needs the release CLI and the apt packages; see
 * tests/steps/10-live.sh). With `GD_CAPTURE=1` each response is also saved as
 * `tests/fixtures/<provider>/live-<name>.http` plus an `.expect.json` built from the same
 * expectations, so the corpus keeps real pages (that is how the committed live-* fixtures were made).
 */

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as S from "../servers/servers.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = process.env.GD_CLI || join(ROOT, "target/release/gateway-doctor");
const CAPTURE = process.env.GD_CAPTURE === "1";

/**
 * @typedef {object} Case
 * @property {string} name            fixture name suffix (live-<name>)
 * @property {() => Promise<import("../servers/servers.mjs").ServerHandle & {target?: string}>} start
 * @property {boolean} [viaProxy]     fetch `target` through the server as a forward proxy
 * @property {number} status          the status the real server sends
 * @property {RegExp[]} raw           markers the raw response must contain (guards against a changed server)
 * @property {{is_error: boolean, provider: string|null, fault: string, variant?: string, meaning?: string, ids?: string[]}} expect
 * @property {string} source          what produced the page, for the fixture's expect file
 */

/** @type {Case[]} */
const CASES = [
  {
    name: "502-closed-port",
    start: S.startNginx502,
    status: 502,
    raw: [/^Server: nginx\//m, /<center>nginx\/[\d.]+<\/center>/],
    expect: { is_error: true, provider: "nginx", fault: "origin", variant: "bad-gateway", meaning: "http-502" },
    source: "live capture: Debian nginx 1.22.1 proxy_pass to a closed port on 127.0.0.1 (tests/servers startNginx502)",
  },
  {
    name: "504-stalled-upstream",
    start: S.startNginx504,
    status: 504,
    raw: [/^Server: nginx\//m, /504 Gateway Time-out/],
    expect: { is_error: true, provider: "nginx", fault: "origin", variant: "gateway-timeout", meaning: "http-504" },
    source: "live capture: Debian nginx 1.22.1, upstream accepts and never answers, proxy_read_timeout 2s (startNginx504)",
  },
  {
    name: "502-server-tokens-off",
    start: () => S.startNginx502({ serverTokens: false }),
    status: 502,
    raw: [/^Server: nginx\r?$/m, /<hr><center>nginx<\/center>/],
    expect: { is_error: true, provider: "nginx", fault: "origin", variant: "bad-gateway", meaning: "http-502" },
    source: "live capture: Debian nginx 1.22.1 with server_tokens off, proxy_pass to a closed port (startNginx502)",
  },
  {
    name: "503-service-temporarily-unavailable",
    start: () => S.startNginxStatus(503),
    status: 503,
    raw: [/503 Service Temporarily Unavailable/, /<center>nginx\/[\d.]+<\/center>/],
    expect: { is_error: true, provider: "nginx", fault: "origin", variant: "service-unavailable", meaning: "http-503" },
    source: "live capture: Debian nginx 1.22.1 built-in 503 page (`return 503`, the page limit_req sends) (startNginxStatus)",
  },
  {
    name: "500-internal-error",
    start: () => S.startNginxStatus(500, { serverTokens: false }),
    status: 500,
    raw: [/500 Internal Server Error/, /<center>nginx<\/center>/],
    expect: { is_error: true, provider: "nginx", fault: "origin", variant: "default-error-page", meaning: "http-500" },
    source: "live capture: Debian nginx 1.22.1 built-in 500 page, server_tokens off (`return 500`) (startNginxStatus)",
  },
  {
    name: "502-proxy-error",
    start: () => S.startApache502(),
    status: 502,
    raw: [/^Server: Apache\//m, /<title>502 Proxy Error<\/title>/, /<address>Apache\/[^<]+ Server at [^<]+ Port \d+<\/address>/],
    expect: { is_error: true, provider: "apache", fault: "origin", variant: "proxy-error", meaning: "http-502" },
    source:
      "live capture: Debian Apache 2.4 mod_proxy_http to an upstream that accepts and hangs up, ServerSignature On (startApache502)",
  },
  {
    name: "502-proxy-error-no-signature",
    start: () => S.startApache502({ signature: false }),
    status: 502,
    raw: [/^Server: Apache\//m, /Proxy Error/],
    expect: { is_error: true, provider: "apache", fault: "origin", variant: "proxy-error", meaning: "http-502" },
    source: "live capture: Debian Apache 2.4 mod_proxy_http, upstream hangs up, ServerSignature Off (startApache502)",
  },
  {
    name: "503-connect-refused",
    start: () => S.startApache503(),
    status: 503,
    raw: [/^Server: Apache\//m, /Service Unavailable/],
    expect: { is_error: true, provider: "apache", fault: "origin", variant: "service-unavailable", meaning: "http-503" },
    source: "live capture: Debian Apache 2.4 mod_proxy_http to a closed port (Apache answers 503), ServerSignature On (startApache503)",
  },
  {
    name: "503-no-server",
    start: S.startHaproxy503,
    status: 503,
    raw: [/No server is available to handle this request/],
    expect: { is_error: true, provider: "haproxy", fault: "origin", variant: "no-server", meaning: "http-503" },
    source: "live capture: Debian HAProxy 2.6, only backend server health-checked down (startHaproxy503)",
  },
  {
    name: "502-invalid-response",
    start: S.startHaproxy502,
    status: 502,
    raw: [/The server returned an invalid or incomplete response/],
    expect: { is_error: true, provider: "haproxy", fault: "origin", variant: "bad-gateway", meaning: "http-502" },
    source: "live capture: Debian HAProxy 2.6, backend accepts and hangs up (startHaproxy502)",
  },
  {
    name: "504-server-timeout",
    start: S.startHaproxy504,
    status: 504,
    raw: [/The server didn't respond in time/],
    expect: { is_error: true, provider: "haproxy", fault: "origin", variant: "gateway-timeout", meaning: "http-504" },
    source: "live capture: Debian HAProxy 2.6, backend accepts and never answers, timeout server 1.5s (startHaproxy504)",
  },
  {
    name: "503-backend-fetch-failed",
    start: S.startVarnish503,
    status: 503,
    raw: [/^Server: Varnish/m, /Guru Meditation/, /XID: \d+/],
    expect: {
      is_error: true,
      provider: "varnish",
      fault: "origin",
      variant: "backend-fetch-failed",
      meaning: "http-503",
      ids: ["varnish-xid"],
    },
    source: "live capture: Debian Varnish 7.1 with -b to a closed port (startVarnish503)",
  },
  {
    name: "502-accel-read-error",
    start: () => S.startSquid(),
    status: 502,
    raw: [/^X-Squid-Error: /m, /The requested URL could not be retrieved/],
    expect: { is_error: true, provider: "squid", fault: "origin", variant: "error-page", meaning: "http-502" },
    source: "live capture: Debian Squid 5.7 as reverse proxy (accel, cache_peer originserver) to a closed port (startSquid)",
  },
  {
    name: "503-forward-connect-fail",
    start: () => S.startSquid({ mode: "forward" }),
    viaProxy: true,
    status: 503,
    raw: [/^X-Squid-Error: ERR_CONNECT_FAIL/m, /Connection refused/],
    expect: { is_error: true, provider: "squid", fault: "origin", variant: "error-page", meaning: "http-503" },
    source: "live capture: Debian Squid 5.7 as a forward proxy, request for a closed port on 127.0.0.1 (startSquid forward)",
  },
  {
    name: "503-proxy-closed-port",
    start: S.startLighttpd,
    status: 503,
    raw: [/^Server: lighttpd\//m, /503 Service Unavailable/],
    expect: { is_error: true, provider: "lighttpd", fault: "origin", variant: "default-error-page", meaning: "http-503" },
    source: "live capture: Debian lighttpd 1.4.69 mod_proxy to a closed port (startLighttpd)",
  },
  {
    name: "500-proxy-hangup",
    start: async () => {
      const up = await S.startHangup();
      const s = await S.startLighttpd({ upstreamPort: up.port }).catch(async (e) => {
        await up.stop();
        throw e;
      });
      return { ...s, stop: async () => (await s.stop(), await up.stop()) };
    },
    status: 500,
    raw: [/^Server: lighttpd\//m, /500 Internal Server Error/],
    expect: { is_error: true, provider: "lighttpd", fault: "origin", variant: "default-error-page", meaning: "http-500" },
    source: "live capture: Debian lighttpd 1.4.69 mod_proxy to an upstream that accepts and hangs up (lighttpd answers 500)",
  },
];

/** Provider directory of a case's fixture. */
const dirOf = (/** @type {Case} */ c) => c.expect.provider ?? "generic";

/**
 * Runs the release CLI on a raw response.
 * @param {string} raw
 * @returns {any}
 */
function diagnose(raw) {
  const r = spawnSync(CLI, ["diagnose", "-", "--format", "json"], { input: raw, encoding: "utf8", timeout: 20000 });
  assert.equal(r.status, 0, `CLI failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * @param {any} d diagnosis
 * @param {Case["expect"]} e
 * @param {string} what
 */
function assertDiagnosis(d, e, what) {
  const got = { is_error: d.is_error, provider: d.provider, fault: d.fault };
  assert.deepEqual(got, { is_error: e.is_error, provider: e.provider, fault: e.fault }, `${what}: ${JSON.stringify(d.evidence)}`);
  if (e.variant) assert.equal(d.variant, e.variant, `${what}: variant`);
  if (e.meaning) assert.equal(d.meaning, e.meaning, `${what}: meaning`);
  for (const k of e.ids || []) {
    assert.ok(
      d.ids.some((/** @type {{kind: string}} */ i) => i.kind === k),
      `${what}: id ${k} missing in ${JSON.stringify(d.ids)}`,
    );
  }
}

/** @param {Case} c @param {string} http */
function saveFixture(c, http) {
  const dir = join(ROOT, "tests/fixtures", dirOf(c));
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `live-${c.name}`);
  writeFileSync(`${base}.http`, http);
  writeFileSync(`${base}.expect.json`, JSON.stringify({ ...c.expect, source: c.source }, null, 2) + "\n");
}

describe("real servers' error pages through the release CLI", { concurrency: 1 }, () => {
  test("the release CLI exists", () => {
    assert.ok(existsSync(CLI), `${CLI} missing: run ./build.sh first`);
  });

  for (const c of CASES) {
    test(`${dirOf(c)}: ${c.name}`, async () => {
      const s = await c.start();
      try {
        const r = c.viaProxy && s.target ? await S.fetchRaw(s.target, { proxy: s.url }) : await S.fetchRaw(s.url);
        assert.equal(r.status, c.status, `status from ${s.name}:\n${r.http}`);
        for (const re of c.raw) assert.match(r.http, re, `${s.name} response lacks ${re}`);
        if (CAPTURE) saveFixture(c, r.http);
        assertDiagnosis(diagnose(r.http), c.expect, `${s.name} ${c.name}`);
        // The wire bytes (chunked or not) must give the same answer as the de-chunked text.
        assertDiagnosis(diagnose(r.raw.toString("latin1")), c.expect, `${s.name} ${c.name} (raw bytes)`);
      } finally {
        await s.stop();
      }
    });
  }

  test("the CLI's own fetch (--url): a real nginx 502, a refused port, a stalled server", async () => {
    /** @param {string[]} args */
    const run = (args) => {
      const r = spawnSync(CLI, ["diagnose", ...args, "--format", "json"], { encoding: "utf8", timeout: 30000 });
      assert.equal(r.status, 0, `CLI ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
      return JSON.parse(r.stdout);
    };
    const n = await S.startNginx502();
    try {
      const d = run(["--url", n.url]);
      assert.deepEqual([d.is_error, d.provider, d.variant, d.fault], [true, "nginx", "bad-gateway", "origin"]);
    } finally {
      await n.stop();
    }
    const refused = run(["--url", `http://127.0.0.1:${await S.closedPort()}/`]);
    assert.deepEqual([refused.is_error, refused.provider, refused.meaning], [true, "browser", "net-refused"]);
    const st = await S.startStalled();
    try {
      // Only the meaning is asserted: the server accepted and then stalled, which is arguably the
      // origin's fault, while a connect timeout is the network's; the CLI does not tell them apart yet.
      const d = run(["--url", st.url, "--timeout", "2"]);
      assert.deepEqual([d.is_error, d.provider, d.meaning], [true, "browser", "net-timeout"]);
    } finally {
      await st.stop();
    }
  });

  test("a healthy server's page is not an error", async () => {
    const s = await S.startHealthy();
    try {
      const r = await S.fetchRaw(s.url);
      assert.equal(r.status, 200);
      const d = diagnose(r.http);
      assert.equal(d.is_error, false);
      assert.equal(d.fault, "none");
    } finally {
      await s.stop();
    }
  });

  test("nginx in front of a switchable upstream: 502 while down, a normal page once it is back", async () => {
    const s = await S.startNginxSwitchable();
    try {
      let r = await S.fetchRaw(s.url);
      assert.equal(r.status, 502);
      let d = diagnose(r.http);
      assert.equal(d.is_error, true);
      assert.equal(d.provider, "nginx");
      assert.equal(d.fault, "origin");

      await s.upstream.up();
      r = await S.fetchRaw(s.url);
      assert.equal(r.status, 200, r.http);
      assert.match(r.http, /^Server: nginx\//m);
      d = diagnose(r.http);
      assert.equal(d.is_error, false, JSON.stringify(d.evidence));
      assert.equal(d.fault, "none");

      await s.upstream.down();
      r = await S.fetchRaw(s.url);
      assert.equal(r.status, 502, "down again");
    } finally {
      await s.stop();
    }
  });
});
