/**
 * Assembles the loadable extensions: dist/chrome (MV3 service worker) and dist/firefox
 * (MV3 with background scripts and gecko settings) from extension/, manifest.json and the
 * wasm-bindgen output in target/pkg. One manifest source, adjusted per browser here.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const source = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));

/** @param {any} m */
function forChrome(m) {
  const out = structuredClone(m);
  delete out.browser_specific_settings;
  return out;
}

/** @param {any} m */
function forFirefox(m) {
  const out = structuredClone(m);
  const sw = out.background.service_worker;
  out.background = { scripts: [sw], type: 'module' };
  // Firefox has no favicon/offscreen permissions; drop any Chrome-only ones listed here.
  const chromeOnly = new Set(['offscreen', 'favicon']);
  out.permissions = (out.permissions || []).filter((/** @type {string} */ p) => !chromeOnly.has(p));
  // Firefox's navigation timing has no responseStatus, so there the status can only come from
  // webRequest: required, not optional (Chromium makes it optional for its per-request cost).
  out.permissions.unshift('webRequest');
  out.optional_permissions = (out.optional_permissions || []).filter((/** @type {string} */ p) => p !== 'webRequest');
  if (!out.optional_permissions.length) delete out.optional_permissions;
  delete out.minimum_chrome_version;
  return out;
}

for (const [name, make] of /** @type {const} */ ([['chrome', forChrome], ['firefox', forFirefox]])) {
  const dir = join(root, 'dist', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'extension'), dir, { recursive: true });
  mkdirSync(join(dir, 'engine'), { recursive: true });
  for (const f of ['engine.js', 'engine_bg.wasm']) {
    cpSync(join(root, 'target', 'pkg', f), join(dir, 'engine', f));
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(make(source), null, 2) + '\n');
}
console.log('dist/chrome and dist/firefox assembled');
