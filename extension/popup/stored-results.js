/**
 * The probe results kept for a tab (storage.session `probe:<tabId>`, written by the worker when a
 * probe answers): a control shows the last one when the popup opens, and each new one (the
 * automatic check, a click in another window) while it is on the page.
 */
import { offStorageChanged, onStorageChanged, storage } from '../lib/platform.js';

/**
 * Calls `fill` with the tab's stored results now and on every change, until `el` leaves the page.
 * @param {number} tabId
 * @param {Element} el the control; once it is gone (a re-render), its listener goes too
 * @param {(stored: unknown) => void} fill
 * @returns {Promise<void>} once the stored results were read and passed to `fill`
 */
export async function followResults(tabId, el, fill) {
  const k = `probe:${tabId}`;
  // Listening before reading: an answer landing in between is not missed.
  /** @type {import('../lib/platform.js').StorageListener} */
  const onChange = (changes, area) => {
    if (!el.isConnected) {
      offStorageChanged(onChange);
      return;
    }
    if (area === 'session' && changes[k]) fill(changes[k].newValue);
  };
  onStorageChanged(onChange);
  fill((await storage.session.get(k))[k]);
}
