/**
 * The shell's module graph (extension/**.js): no import cycles, every module opens with a JSDoc
 * line saying what it is for, and no module outside the platform layer (lib/platform*.js) names the
 * browser API (eslint.config.js enforces that per line; this checks the layout the rule relies on).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = new URL('../../extension', import.meta.url).pathname;

/** @param {string} dir @returns {string[]} */
function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'engine' ? [] : jsFiles(p);
    return e.name.endsWith('.js') ? [p] : [];
  });
}

const files = jsFiles(root);
/** Static imports of each module, as absolute paths (the generated engine left out). */
const graph = new Map(files.map((f) => {
  const src = readFileSync(f, 'utf8');
  const deps = [...src.matchAll(/^import\s[^;]*?from\s+'(\.[^']+)';/gms)]
    .map((m) => resolve(dirname(f), /** @type {string} */ (m[1])))
    .filter((p) => !p.includes(`${root}/engine/`));
  return [f, deps];
}));

test('the shell has its modules where the rest expects them', () => {
  assert.ok(files.length > 15, `modules found: ${files.length}`);
  for (const m of ['lib/platform.js', 'lib/url.js', 'background/main.js', 'background/navigation.js', 'background/badge.js', 'background/actions.js']) {
    assert.ok(files.includes(join(root, m)), m);
  }
  for (const [f, deps] of graph) for (const d of deps) assert.ok(graph.has(d), `${relative(root, f)} imports ${relative(root, d)}, not found`);
});

test('no import cycles', () => {
  /** @type {Map<string, 'open'|'done'>} */
  const seen = new Map();
  /** @type {string[]} */
  const cycles = [];
  /** @param {string} f @param {string[]} path */
  const visit = (f, path) => {
    if (seen.get(f) === 'done') return;
    if (seen.get(f) === 'open') {
      cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(root, p)).join(' → '));
      return;
    }
    seen.set(f, 'open');
    for (const d of graph.get(f) ?? []) visit(d, [...path, f]);
    seen.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f, []);
  assert.deepEqual(cycles, []);
});

test('every module opens with a line saying what it is for', () => {
  for (const f of files) assert.match(readFileSync(f, 'utf8'), /^\/\*\*\n \* \S/, relative(root, f));
});

test('only the platform layer (lib/platform.js, its worker half and the popup\'s head script) calls the browser API', () => {
  const platform = new Set(['lib/platform.js', 'lib/platform-worker.js', 'lib/platform-popup-head.js'].map((f) => join(root, f)));
  for (const f of files) {
    // Code only: comments (JSDoc types name chrome.* types) are left out.
    const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const calls = /\b(chrome|browser)\.[a-zA-Z]/.test(code);
    assert.equal(calls, platform.has(f), relative(root, f));
  }
});
