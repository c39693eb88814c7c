/**
 * The popup's shipped form, for dist/ only. The popup must show its verdict about as fast as any
 * page of the extension opens, and each file an extension page loads costs a read through the
 * browser's extension protocol, one after another: eleven modules cost the popup more than all
 * its own work (tests/e2e/bench-browser.mjs). So dist's popup is one module joined by esbuild
 * and its stylesheets are written into its page; the source stays split in small modules.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildSync } from 'esbuild';

/**
 * The module graph from `file` joined into one ES module (esbuild; comments dropped, names and
 * layout kept so a stack trace still reads).
 * @param {string} file absolute path of the entry module
 * @returns {{code: string, inputs: string[]}} the joined module and the files it was made of
 */
export function bundle(file) {
  const out = buildSync({
    entryPoints: [file],
    bundle: true,
    format: 'esm',
    // Chromium and Firefox versions the manifest allows both run ES2022 as written.
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const code = out.outputFiles[0]?.text;
  if (!code || out.warnings.length) throw new Error(`bundle: ${out.warnings.map((w) => w.text).join('; ') || 'no output'}`);
  return { code, inputs: Object.keys(out.metafile.inputs) };
}

/**
 * A page with its stylesheets written into it: one file read instead of three before the first
 * paint. `<link rel="stylesheet" href="x.css">` becomes `<style>` with x.css's text; `extra`
 * stylesheets a module would add later (by id) go in too, under that id, so the module finds them.
 * @param {string} html
 * @param {string} dir the directory the hrefs are relative to
 * @param {Record<string, string>} [extra] element id → stylesheet path relative to `dir`
 * @returns {string}
 */
export function inlineStyles(html, dir, extra = {}) {
  const css = (/** @type {string} */ p) => readFileSync(resolve(dir, p), 'utf8').replace(/<\/style/gi, '<\\/style');
  let out = html.replace(/^([ \t]*)<link rel="stylesheet" href="([^"]+)">$/gm, (_m, indent, href) => `${indent}<style>\n${css(String(href))}${indent}</style>`);
  const more = Object.entries(extra).map(([id, p]) => `  <style id="${id}">\n${css(p)}  </style>\n`).join('');
  out = out.replace('</head>', `${more}</head>`);
  if (/<link rel="stylesheet"/.test(out)) throw new Error('inlineStyles: a stylesheet link left');
  return out;
}
