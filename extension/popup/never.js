/**
 * The popup's "never on this site" (lib/excluded-sites.js): under the diagnosis, a button that
 * asks once more before turning the extension off for the tab's site; on a site where it is off,
 * the popup's whole content says so, with a button that turns it back on (the undo). The site's
 * name is inserted as text.
 */
import { h } from '../lib/dom.js';

/** @typedef {import('../lib/i18n.js').Translate} Translate */
/** @typedef {(msg: Record<string, unknown>) => Promise<any>} Send */

/** The site whose confirm step is open, kept across re-renders (a retry tick re-renders). */
let confirming = '';

/**
 * "Never on this site", then its confirm step.
 * @param {{site: string, tabId: number|null, t: Translate, send: Send, done: () => void}} c
 *   `done`: after the site was turned off (the popup asks the worker again)
 */
export function neverControl(c) {
  const { site, t } = c;
  const box = h('section', { id: 'never', class: 'never', 'aria-label': t('never_button') });
  const status = h('p', { class: 'status-line', role: 'status' });
  const ask = () => {
    confirming = site;
    const yes = h('button', { type: 'button', id: 'never-confirm' }, t('never_confirm_yes'));
    const no = h('button', { type: 'button', id: 'never-cancel' }, t('never_cancel'));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await c.send({ type: 'never-site', tabId: c.tabId });
        confirming = '';
        c.done();
      } catch (e) {
        yes.disabled = false;
        status.textContent = `${t('actionFailed')} ${e instanceof Error ? e.message : String(e)}`;
      }
    });
    no.addEventListener('click', () => {
      confirming = '';
      box.replaceChildren(button(), status);
      box.querySelector('button')?.focus();
    });
    box.replaceChildren(h('p', { id: 'never-question' }, t('never_confirm', site)), h('p', { class: 'buttons' }, yes, ' ', no), status);
    yes.focus();
  };
  const button = () => {
    const b = h('button', { type: 'button', id: 'never-site', class: 'quiet' }, t('never_button'));
    b.addEventListener('click', ask);
    return b;
  };
  box.replaceChildren(button(), status);
  if (confirming === site) ask();
  return box;
}

/**
 * The popup on a site where the extension is off: that, and the way back.
 * @param {{site: string, t: Translate, send: Send, done: () => void}} c `done`: after turning it on
 */
export function excludedView(c) {
  const { site, t } = c;
  const status = h('p', { class: 'status-line', role: 'status', id: 'never-status' });
  const on = h('button', { type: 'button', id: 'never-undo', class: 'primary' }, t('never_turn_on'));
  on.addEventListener('click', async () => {
    on.disabled = true;
    try {
      await c.send({ type: 'allow-site', site });
      c.done();
    } catch (e) {
      on.disabled = false;
      status.textContent = `${t('actionFailed')} ${e instanceof Error ? e.message : String(e)}`;
    }
  });
  return h('section', { class: 'verdict fault-none', id: 'excluded', 'data-site': site },
    h('h1', { id: 'verdict' }, t('never_off_title', site)),
    h('p', null, t('never_off_text')),
    h('p', null, on),
    status);
}
