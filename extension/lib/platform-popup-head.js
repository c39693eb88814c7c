/**
 * The platform layer's one classic script: run by popup.html's <head> while the popup's modules
 * are still loading, it asks the browser which tab, the worker for that tab's state, and the OS,
 * so the answers travel while the module bundle loads and compiles (about 20 ms earlier than the
 * modules could ask; tests/e2e/bench-browser.mjs). platform.js `popupHead()` hands the promises to
 * popup.js; everything else about the popup stays in modules. A classic script because a module
 * runs only after the whole document is parsed.
 */
(() => {
  const q = new URLSearchParams(location.search).get('tab');
  /** @type {Promise<number|null>} */
  const tabId = q && /^\d{1,10}$/.test(q)
    ? Promise.resolve(Number(q))
    : chrome.tabs.query({ active: true, currentWindow: true }).then(([tab]) => tab?.id ?? null);
  const state = tabId.then((id) => (id == null ? null : chrome.runtime.sendMessage({ type: 'get-state', tabId: id })));
  const os = chrome.runtime.getPlatformInfo().then((info) => info.os);
  // Handled where they are used (popup.js); these keep a failure from being reported as unhandled first.
  for (const p of [tabId, state, os]) p.catch(() => {});
  Object.defineProperty(globalThis, 'gdPopupHead', { value: Object.freeze({ tabId, state, os }) });
})();
