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
