/**
 * The toolbar badge of a tab: the diagnosis' mark (the status code, or DNS, TLS, … for a network
 * error) coloured by whose fault it is, with the verdict as its tooltip; taken off when the tab is
 * fine again. The tooltip's product name is in the language of the verdict (the option's, not
 * only the browser's).
 */
import { paintBadge, resetBadge } from '../lib/platform-worker.js';
import { translator } from '../lib/i18n.js';
import { badgeFor } from '../lib/verdict.js';
import { settingsNow } from './env.js';

/** The UI's translate function, in the language the options say. */
async function uiText() {
  return (await translator((await settingsNow()).lang)).t;
}

/**
 * @param {number} tabId
 * @param {import('./engine.js').Diagnosis} d
 */
export async function setBadge(tabId, d) {
  const b = badgeFor(d);
  if (!b.text) return clearBadge(tabId);
  const t = await uiText();
  await paintBadge(tabId, { ...b, title: t('tooltipJoin', [t('extName'), d.verdict]).slice(0, 500) });
}

/** @param {number} tabId */
export async function clearBadge(tabId) {
  try {
    await resetBadge(tabId, (await uiText())('extName'));
  } catch {
    // The tab is gone.
  }
}
