/**
 * Reading a failed page. `readPage` is injected with chrome.scripting.executeScript (through
 * `readTab`) into that one tab's document only after an error response, so it must be
 * self-contained (no closures, no imports). Everything it returns is page-controlled and treated
 * as hostile text.
 */
import { runInTab } from '../lib/platform.js';
import { MAX_URL_CHARS, clipUrl } from '../lib/url.js';

/** Visible text cap (characters). */
export const MAX_TEXT = 64 * 1024;
/** HTML cap (characters): three quarters from the top of a long page, a quarter from its end. */
export const MAX_HTML = 128 * 1024;
export const MAX_TITLE = 2048;

/**
 * @typedef {{url: string, title: string, text: string, html: string, status: number|null}} PageRead
 */

/**
 * Runs in the page. Walks text nodes (skipping script/style) up to `maxText`, so a huge body costs
 * a bounded walk, not a layout of the whole document as innerText would. With `failedOnly` (the
 * status read without webRequest) a page whose own status is not 4xx/5xx returns its status and
 * nothing else: a healthy page costs a timing lookup, a failed one is read in the same call.
 * @param {number} maxText
 * @param {number} maxHtml
 * @param {number} maxTitle
 * @param {boolean} [failedOnly]
 * @returns {PageRead}
 */
export function readPage(maxText, maxHtml, maxTitle, failedOnly = false) {
  let status = null;
  try {
    const nav = /** @type {PerformanceNavigationTiming & {responseStatus?: number}} */ (
      performance.getEntriesByType('navigation')[0]
    );
    if (nav && typeof nav.responseStatus === 'number' && nav.responseStatus > 0) status = nav.responseStatus;
  } catch {
    // No navigation timing: status stays unknown.
  }
  if (failedOnly && !(status !== null && status >= 400)) {
    return { url: String(location.href), title: '', text: '', html: '', status };
  }
  const doc = document;
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE']);
  /** @type {string[]} */
  const parts = [];
  let len = 0;
  if (doc.body) {
    const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n && len < maxText; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (parent && skip.has(parent.tagName)) continue;
      const s = (n.nodeValue || '').replace(/\s+/g, ' ').trim();
      if (s) {
        parts.push(s);
        len += s.length + 1;
      }
    }
  }
  // A long page is sent as its head and its tail: vendor signatures sit in the footer, and the
  // engine reads both ends (crate/src/page.rs).
  const whole = doc.documentElement ? doc.documentElement.outerHTML : '';
  const tail = Math.floor(maxHtml / 4);
  const html = whole.length <= maxHtml ? whole : `${whole.slice(0, maxHtml - tail - 1)}\n${whole.slice(-tail)}`;
  return {
    url: String(location.href),
    title: String(doc.title || '').slice(0, maxTitle),
    text: parts.join('\n').slice(0, maxText),
    html,
    status,
  };
}

/**
 * Checks and trims what came back from the page: the result crosses from a hostile world.
 * @param {unknown} r
 * @returns {PageRead|null}
 */
export function sanitizeRead(r) {
  if (!r || typeof r !== 'object') return null;
  const o = /** @type {Record<string, unknown>} */ (r);
  /** @param {unknown} v @param {number} max */
  const str = (v, max) => (typeof v === 'string' ? v.slice(0, max) : '');
  const status = typeof o.status === 'number' && Number.isInteger(o.status) && o.status > 0 && o.status < 1000 ? o.status : null;
  return {
    url: clipUrl(str(o.url, MAX_URL_CHARS)),
    title: str(o.title, MAX_TITLE),
    text: str(o.text, MAX_TEXT),
    html: str(o.html, MAX_HTML),
    status,
  };
}

/**
 * Reads the page in one tab; null when the document is gone or cannot be scripted (the browser's
 * own pages, the web store). With `failedOnly`, only the status unless it is 4xx/5xx (readPage).
 * @param {number} tabId
 * @param {string|null} documentId this document only, when known
 * @param {boolean} [failedOnly]
 * @returns {Promise<PageRead|null>}
 */
export async function readTab(tabId, documentId, failedOnly = false) {
  try {
    // A status read runs after load (or the fallback timer) and must not wait for idle; a page
    // read at commit waits for the document to be parsed.
    const result = await runInTab({ tabId, documentId }, readPage, [MAX_TEXT, MAX_HTML, MAX_TITLE, failedOnly], failedOnly);
    return sanitizeRead(result);
  } catch {
    return null;
  }
}
