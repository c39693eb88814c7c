/**
 * tools/bundle.mjs, which joins the popup's modules into dist's one popup.js: a joined graph runs
 * as the modules did (renamed imports, dependency order, a module instance shared by its
 * importers, import.meta.url still the module's own), forms it does not handle fail the build,
 * and the real popup joins with every one of its modules once.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundle, inlineStyles } from '../../tools/bundle.mjs';

/** @param {Record<string, string>} files @param {(dir: string) => Promise<void>|void} fn */
async function withFiles(files, fn) {
  const dir = mkdtempSync(join(tmpdir(), 'gd-bundle-'));
  try {
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a joined graph runs as its modules did', async () => {
  await withFiles({
    'main.js': "import { count as n, bump } from './lib/counter.js';\nimport { twice } from './lib/math.js';\nbump();\nglobalThis.__gdBundle = { n: n(), t: twice(21) };\n",
    'lib/counter.js': "import { one } from './math.js';\nlet c = 0;\nexport function bump() { c += one; }\nexport const count = () => c;\n",
    'lib/math.js': "export const one = 1;\nexport function twice(x) { return 2 * x; }\nexport const here = import.meta.url;\nglobalThis.__gdHere = here;\n",
  }, async (dir) => {
    const out = bundle(join(dir, 'main.js'), dir);
    assert.doesNotMatch(out, /^\s*(import|export)\s/m, 'no import or export left');
    assert.equal(out.match(/^\/\/ ---- lib\/math\.js$/gm)?.length, 1, 'a module shared by two importers is in once');
    writeFileSync(join(dir, 'out.js'), out);
    await import(pathToFileURL(join(dir, 'out.js')).href);
    const g = /** @type {any} */ (globalThis);
    assert.deepEqual(g.__gdBundle, { n: 1, t: 42 });
    assert.equal(g.__gdHere, pathToFileURL(join(dir, 'lib/math.js')).href, 'import.meta.url is the module\'s own');
  });
});

test('forms the bundler does not handle fail instead of shipping', async () => {
  for (const src of ["export default 1;\n", "import * as m from './b.js';\n", "export { a };\nconst a = 1;\n", "export let x = 1;\n"]) {
    await withFiles({ 'main.js': src, 'b.js': 'export const b = 1;\n' }, (dir) => {
      assert.throws(() => bundle(join(dir, 'main.js'), dir), /bundle:/, src);
    });
  }
});

test('the popup joins, each of its modules once', () => {
  const root = new URL('../../extension/', import.meta.url).pathname;
  const out = bundle(join(root, 'popup.js'), root);
  const parts = [...out.matchAll(/^\/\/ ---- (\S+)$/gm)].map((m) => m[1]);
  assert.equal(parts.at(-1), 'popup.js', 'the entry runs last');
  assert.equal(new Set(parts).size, parts.length);
  for (const m of ['lib/platform.js', 'lib/dom.js', 'popup/actions.js', 'popup/probe-views.js']) assert.ok(parts.includes(m), m);
});

test('inlineStyles writes the stylesheets into the page, extra ones under their id', async () => {
  await withFiles({ 'a.css': 'p { color: red; }\n', 'b/c.css': '.x { margin: 0; }\n' }, (dir) => {
    const html = '<html><head>\n  <link rel="stylesheet" href="a.css">\n</head><body></body></html>';
    const out = inlineStyles(html, dir, { 'c-css': 'b/c.css' });
    assert.match(out, /<style>\np \{ color: red; \}\n {2}<\/style>/);
    assert.match(out, /<style id="c-css">\n\.x \{ margin: 0; \}\n {2}<\/style>\n<\/head>/);
    assert.doesNotMatch(out, /<link/);
  });
});
