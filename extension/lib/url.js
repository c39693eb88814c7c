/**
 * The one test of "is this a web page's address": an absolute http: or https: URL. Every module
 * that needs a page's origin, host or link asks here, so they all agree on what a web page is.
 */

/**
 * The parsed URL when `value` is an absolute http(s) URL, else null.
 * @param {unknown} value
 * @returns {URL|null}
 */
export function httpUrl(value) {
  if (typeof value !== 'string') return null;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
  } catch {
    return null;
  }
}

/**
 * Do two URLs name the same document (equal but for the fragment)?
 * @param {string} a
 * @param {string} b
 */
export function sameDocument(a, b) {
  return a.split('#')[0] === b.split('#')[0];
}

/**
 * Longest address we keep (characters). A page can send itself to an address of megabytes
 * (Chromium takes up to 2 MiB); kept whole in per-tab state it would fill storage.session (10 MB)
 * in a few tabs and later tabs would lose theirs. Every address the browser hands us is cut to
 * this on arrival, so two copies of one address still compare equal.
 */
export const MAX_URL_CHARS = 8192;

/**
 * The address cut to MAX_URL_CHARS.
 * @param {string} url
 */
export function clipUrl(url) {
  return url.length > MAX_URL_CHARS ? url.slice(0, MAX_URL_CHARS) : url;
}

/**
 * The address without its query string and fragment: what the archive lookup sends. A query often
 * carries what is the user's own (a session, a token, a search, an order number); the page's
 * path is enough to find its archived copies.
 * @param {string} url
 */
export function withoutQuery(url) {
  const u = httpUrl(url);
  if (!u) return url;
  u.search = '';
  u.hash = '';
  return u.href;
}
