/**
 * The toolbar badge of a tab: the diagnosis' mark (the status code, or DNS, TLS, … for a network
 * error) coloured by whose fault it is, with the verdict as its tooltip; taken off when the tab is
 * fine again.
 */
import { message } from '../lib/platform.js';
import { paintBadge, resetBadge } from '../lib/platform-worker.js';
import { badgeFor } from '../lib/verdict.js';

/**
 * @param {number} tabId
 * @param {import('./engine.js').Diagnosis} d
 */
export async function setBadge(tabId, d) {
  const b = badgeFor(d);
  if (!b.text) return clearBadge(tabId);
  await paintBadge(tabId, { ...b, title: `${message('extName')}: ${d.verdict}`.slice(0, 500) });
}

/** @param {number} tabId */
export async function clearBadge(tabId) {
  try {
    await resetBadge(tabId, message('extName'));
  } catch {
    // The tab is gone.
  }
}
