/**
 * Assembles the loadable extensions: dist/chrome (MV3 service worker) and dist/firefox
 * (MV3 with background scripts and gecko settings) from extension/, manifest.json and the
 * wasm-bindgen output in target/pkg. One manifest source, adjusted per browser here. The popup's
 * modules are joined into one file by esbuild and its stylesheets written into its page
 * (tools/bundle.mjs).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundle, inlineStyles } from './bundle.mjs';

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
  // The popup as one file: it opens faster than as eleven modules (tools/bundle.mjs says why).
  writeFileSync(join(dir, 'popup.js'), bundle(join(root, 'extension', 'popup.js')).code);
  // And its styles in the page, the probe results' too (popup/probe-views.js looks for them by id).
  const popupHtml = readFileSync(join(root, 'extension', 'popup.html'), 'utf8');
  writeFileSync(join(dir, 'popup.html'), inlineStyles(popupHtml, join(root, 'extension'), { 'probe-views-css': 'popup/probe-views.css' }));
}
console.log('dist/chrome and dist/firefox assembled');
