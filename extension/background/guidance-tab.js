/**
 * "Open the guidance in a new tab": one guidance tab (popup.html?tab=<id>) per failed tab, reused
 * while it is open. A page that fails again and again (a maintenance page that refreshes itself
 * every second) must not open a tab each time. Which tab shows which tab's guidance is kept in
 * storage.session (`guide:<source tab id>`), so a restarted worker still knows.
 */
import { extensionUrl, getTab, openTab, storage } from '../lib/platform.js';

/** @param {number} tabId */
const guideKey = (tabId) => `guide:${tabId}`;

/**
 * The open work per source tab: errors in quick succession queue behind each other, so the second
 * finds the tab the first opened.
 * @type {Map<number, Promise<number|undefined>>}
 */
const queue = new Map();

/**
 * Shows the guidance for a failed tab: the tab already showing it when there is one, else a new
 * background tab next to it. Resolves with the guidance tab's id.
 * @param {number} tabId the failed tab
 * @returns {Promise<number|undefined>}
 */
export function openGuidance(tabId) {
  const run = (queue.get(tabId) ?? Promise.resolve(undefined)).catch(() => undefined).then(() => ensureGuidance(tabId));
  queue.set(tabId, run);
  const done = () => {
    if (queue.get(tabId) === run) queue.delete(tabId);
  };
  run.then(done, done);
  return run;
}

/** @param {number} tabId */
async function ensureGuidance(tabId) {
  const url = extensionUrl(`popup.html?tab=${tabId}`);
  const k = guideKey(tabId);
  const known = (await storage.session.get(k))[k];
  if (typeof known === 'number') {
    const g = await getTab(known).catch(() => null);
    // Still open and still on this tab's guidance (the user may have gone elsewhere in it). It
    // follows the tab's state by itself (popup.js listens to storage), so nothing more to do.
    if (g && (g.url === url || g.pendingUrl === url)) return known;
  }
  const tab = await getTab(tabId).catch(() => null);
  const opened = await openTab({
    url,
    active: false,
    ...(tab ? { index: tab.index + 1, windowId: tab.windowId, openerTabId: tabId } : {}),
  });
  if (typeof opened.id === 'number') await storage.session.set({ [k]: opened.id });
  return opened.id;
}

/**
 * A tab closed: forget the guidance tab it had (the guidance tab itself stays open).
 * @param {number} tabId
 */
export async function forgetGuidance(tabId) {
  queue.delete(tabId);
  await storage.session.remove(guideKey(tabId));
}
