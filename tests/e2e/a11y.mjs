/**
 * Runs axe-core (from node_modules) in a page. Extension pages forbid injected script tags (CSP
 * script-src 'self'), so the library is evaluated through the DevTools protocol instead.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{id: string, impact: string|null, help: string, nodes: string[]}[]>} violations
 */
export async function axeViolations(page) {
  await page.evaluate(`${AXE}\n;void 0`);
  return page.evaluate(async () => {
    const axe = /** @type {any} */ (globalThis).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((/** @type {any} */ v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((/** @type {any} */ n) => n.target.join(' ')),
    }));
  });
}
