/**
 * tools/bundle.mjs, which ships the popup as one file: the real popup joins with every module it
 * imports, as one file that reads no other module and does not depend on its modules' own
 * addresses; inlineStyles writes the stylesheets into the page.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
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

const root = new URL('../../extension/', import.meta.url).pathname;

/** Every module the popup imports, by following its import lines (the source is the truth). */
function popupGraph() {
  /** @type {Set<string>} */
  const seen = new Set();
  /** @param {string} f */
  const visit = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const m of readFileSync(f, 'utf8').matchAll(/^import\s[^;]*?from\s*'(\.[^']+)';/gm)) visit(new URL(String(m[1]), `file://${f}`).pathname);
  };
  visit(join(root, 'popup.js'));
  return [...seen].map((f) => relative(root, f)).sort();
}

test('the popup ships as one file holding every module it imports', () => {
  const { code, inputs } = bundle(join(root, 'popup.js'));
  const joined = inputs.map((p) => relative(root, join(process.cwd(), p))).sort();
  const graph = popupGraph();
  assert.ok(graph.length > 10, `the popup's graph was read (${graph.length} modules)`);
  assert.deepEqual(joined, graph);
  assert.doesNotMatch(code, /^\s*import\s/m, 'no module left to load');
  // A module finding files by its own address would look beside dist/popup.js instead.
  assert.doesNotMatch(code, /import\.meta/, 'no module depends on its own address');
});

test('a popup module that is missing fails the build instead of shipping', async () => {
  await withFiles({ 'main.js': "import { b } from './gone.js';\nconsole.log(b);\n" }, (dir) => {
    assert.throws(() => bundle(join(dir, 'main.js')), /gone\.js/);
  });
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
