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

/** Top-level names reserved for local use or for names that never exist in public DNS. */
const RESERVED_TLDS = new Set(['localhost', 'local', 'internal', 'invalid', 'test', 'example', 'home.arpa', 'lan', 'intranet', 'corp']);

/**
 * Is this host local or reserved: loopback, a private, link-local or shared address, or a name
 * no public DNS holds (localhost, .local, .internal, .invalid, .test, .example, a single label)?
 * Such a host is never sent to a third party (a public DNS resolver, a checker, an archive): it
 * would leak the user's network, and no outside service can see it anyway.
 * @param {string} host a URL's hostname (IPv6 in brackets or not)
 * @returns {boolean}
 */
export function isLocalHost(host) {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (!h) return true;
  if (h.includes(':')) {
    // IPv6: unspecified, loopback, unique-local fc00::/7, link-local fe80::/10, or IPv4-mapped.
    if (h === '::' || h === '::1' || /^f[cd]/.test(h) || /^fe[89ab]/.test(h)) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped ? isLocalHost(mapped[1] ?? '') : false;
  }
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31)
      || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (!h.includes('.')) return true;
  const labels = h.split('.');
  return RESERVED_TLDS.has(labels[labels.length - 1] ?? '') || RESERVED_TLDS.has(labels.slice(-2).join('.'));
}
