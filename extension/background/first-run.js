/**
 * The first-run page (welcome.html), opened when the extension is installed. Once: a flag in
 * storage.local stands behind runtime.onInstalled's "install", because Chromium reports an
 * extension loaded from the command line (--load-extension) as installed again on every browser
 * start with the same profile (seen with Debian's Chromium, tests/e2e/optout.test.mjs), and a page
 * that greets the user at each start would be a nuisance. Uninstalling clears the flag with the
 * rest of the extension's storage, so a real reinstall greets again.
 */
import { extensionUrl, openTab, storage } from '../lib/platform.js';

export const FIRST_RUN_KEY = 'firstRunShown';

/** Opens the first-run page unless it was opened before in this profile. */
export async function openFirstRun() {
  const got = await storage.local.get(FIRST_RUN_KEY);
  if (got[FIRST_RUN_KEY]) return;
  await storage.local.set({ [FIRST_RUN_KEY]: Date.now() });
  await openTab({ url: extensionUrl('welcome.html') });
}
