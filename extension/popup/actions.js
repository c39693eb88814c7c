/**
 * The popup's action controls: for each of the engine's actions its title, summary and steps
 * (only this OS's and browser's), and the control that does it (reload, hard reload, clear this
 * site's cache, auto-retry with its countdown, the browser's DNS page, the probes), each reporting
 * what happened under it. Everything from the page or the engine is inserted as text.
 */
import { h } from '../lib/dom.js';
import { BROWSING_DATA, requestPermission } from '../lib/platform.js';
import { situationOf, stepsFor } from '../lib/verdict.js';
import { probeControl } from './probe-views.js';

/** @typedef {import('../background/engine.js').Diagnosis} Diagnosis */
/** @typedef {import('../background/engine.js').Action} Action */
/** @typedef {import('../background/engine.js').Step} Step */
/** @typedef {import('../background/state.js').RetryRecord} RetryRecord */
/** @typedef {import('../lib/i18n.js').Translate} Translate */
/**
 * What the controls need from the popup: the translator, the tab, this OS and browser (for the
 * steps), the messenger to the service worker, and the state it answered with.
 * @typedef {{t: Translate, tabId: number|null, os: string, browser: 'chrome'|'firefox',
 *   send: (msg: Record<string, unknown>) => Promise<any>}} Context
 * @typedef {import('../popup.js').StateReply} StateReply
 */

/** Probe-backed actions: their control comes from probe-views.js. */
const PROBE_ACTIONS = new Set(['check-down', 'check-dns', 'provider-status', 'archived-copy']);
/** Actions shown as guidance panels. */
const PANEL_ACTIONS = new Set(['try-other-browser', 'disable-cdn', 'contact-host', 'owner-checklist']);

/** Last outcome per action, kept across re-renders (the tab reloading re-renders the popup). @type {Map<string, string>} */
const outcomes = new Map();
/** @type {ReturnType<typeof setInterval>|null} */
let countdownTimer = null;

/** Stops the auto-retry countdown (before a re-render). */
export function stopCountdown() {
  if (countdownTimer) clearInterval(countdownTimer);
  countdownTimer = null;
}

/**
 * A copy-to-clipboard button for a value.
 * @param {Translate} t
 * @param {string} value
 * @param {string} what accessible name suffix
 */
export function copyButton(t, value, what) {
  const b = h('button', { type: 'button', class: 'copy', 'aria-label': `${t('copy')}: ${what}` }, t('copy'));
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value);
      b.textContent = t('copied');
    } catch {
      b.textContent = t('copyFailed');
    }
  });
  return b;
}

/**
 * Steps as a list, code in copyable blocks; only the steps for this OS and browser.
 * @param {Context} ctx
 * @param {Step[]|undefined} steps
 */
function stepList(ctx, steps) {
  const list = stepsFor(steps ?? [], ctx.os, ctx.browser);
  if (!list.length) return null;
  return h('ol', { class: 'steps' }, list.map((st) =>
    h('li', null, st.text, st.code ? h('div', { class: 'snippet' }, h('pre', null, h('code', null, st.code)), copyButton(ctx.t, st.code, st.text.slice(0, 60))) : null)));
}

/**
 * One action: the engine's title and summary, its steps, and the control that does it.
 * @param {Action} a
 * @param {Diagnosis} d
 * @param {StateReply} s
 * @param {Context} ctx
 */
export function actionControl(a, d, s, ctx) {
  const { t, tabId, send } = ctx;
  // A cookie too large: this control's job is the cookies, so it says so (the engine's title is
  // the general "clear this site's cache").
  const cookies = a.id === 'clear-site-cache' && situationOf(d) === 'client-fixable';
  const title = cookies ? t('clearCookiesTitle') : a.title;
  const summary = cookies ? t('clearCookiesSummary') : a.summary;
  const head = [h('h3', null, title), summary && summary !== title ? h('p', { class: 'summary' }, summary) : null];
  if (PANEL_ACTIONS.has(a.id)) {
    return h('details', { class: 'action panel', 'data-action': a.id },
      h('summary', null, a.title),
      a.summary ? h('p', { class: 'summary' }, a.summary) : null,
      stepList(ctx, a.steps) ?? h('p', null, t('noSteps')));
  }
  const box = h('div', { class: 'action', 'data-action': a.id }, head);
  const status = h('p', { class: 'action-status', role: 'status' }, outcomes.get(a.id) ?? '');
  /** @param {string} text */
  const report = (text) => {
    outcomes.set(a.id, text);
    status.textContent = text;
  };
  switch (a.id) {
    case 'reload':
    case 'hard-reload': {
      const label = t(a.id === 'reload' ? 'btnReload' : 'btnHardReload');
      const reload = async (/** @type {boolean} */ resend) => { await send({ type: a.id, tabId, resend }); };
      box.appendChild(s.state?.form ? resendGuard(ctx, label, a.id, () => reload(true), status) : button(t, label, () => reload(false), status));
      break;
    }
    case 'auto-retry':
      box.appendChild(retryControl(s.retry, status, ctx));
      break;
    case 'clear-site-cache': {
      // A cookie or header too large is fixed by deleting the site's cookies: the box starts
      // ticked there (and only there), its sign-out warning shown with it.
      const cookiesFirst = cookies;
      const cb = h('input', { type: 'checkbox', id: 'clear-cookies', 'aria-describedby': 'cookie-warning', checked: cookiesFirst });
      // The sign-out warning is for someone about to delete cookies: shown once the box is ticked.
      const warning = h('p', { class: 'warning', id: 'cookie-warning', 'aria-live': 'polite', hidden: !cookiesFirst }, t('cookiesWarning'));
      const go = button(t, t(cookiesFirst ? 'btnClearCookies' : 'btnClearCache'), async () => {
        // Asked for on first use, in this click (a prompt needs the click: nothing awaited before
        // it); granted once, it resolves at once without asking again.
        if (!(await requestPermission(BROWSING_DATA))) {
          report(t('cacheNeedsPermission'));
          return;
        }
        const r = await send({ type: 'clear-site-cache', tabId, cookies: cb.checked });
        report(t(r.reloaded === false ? 'cacheClearedNoReload' : 'cacheCleared', String(r.origin)));
      }, status);
      go.id = 'clear-site-data';
      // The button says what it will delete.
      cb.addEventListener('change', () => {
        // The user's choice, which a re-render keeps (popup.js).
        cb.setAttribute('data-touched', '');
        warning.hidden = !cb.checked;
        go.textContent = t(cb.checked ? 'btnClearCookies' : 'btnClearCache');
      });
      box.appendChild(h('p', { class: 'check' }, cb, ' ', h('label', { for: 'clear-cookies' }, t('alsoCookies'))));
      box.appendChild(warning);
      box.appendChild(go);
      break;
    }
    case 'flush-dns': {
      const steps = stepList(ctx, a.steps);
      if (steps) box.appendChild(steps);
      if (ctx.browser !== 'firefox') {
        box.appendChild(button(t, t('btnOpenDnsPage'), async () => {
          await send({ type: 'open-dns-page' });
        }, status));
      }
      break;
    }
    default:
      if (PROBE_ACTIONS.has(a.id)) {
        // The probes issue's control: says what it contacts, runs the `probe` message, shows the result.
        box.appendChild(probeControl(a, d, { tabId, t, send, ...(s.state?.url ? { url: s.state.url } : {}) }));
      }
  }
  if (a.id !== 'flush-dns') {
    const steps = stepList(ctx, a.steps);
    // Its own id, so a re-render restores this panel's state and no other's.
    if (steps) box.appendChild(h('details', { class: 'how', id: `how-${a.id}` }, h('summary', null, t('stepByStep')), steps));
  }
  box.appendChild(status);
  return box;
}

/**
 * A button that runs an async task and reports failure in `status`.
 * @param {Translate} t
 * @param {string} label
 * @param {() => Promise<void>} task
 * @param {HTMLElement} status
 */
function button(t, label, task, status) {
  const b = h('button', { type: 'button' }, label);
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await task();
    } catch (e) {
      status.textContent = `${t('actionFailed')} ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

/**
 * On a page that answered a form: a button that first shows what reloading does (sends the form
 * again: a second order, a second payment) and only then offers to do it, as the user's own click.
 * @param {Context} ctx
 * @param {string} label
 * @param {string} key ids of the warning and the confirming button
 * @param {() => Promise<void>} task
 * @param {HTMLElement} status
 */
function resendGuard(ctx, label, key, task, status) {
  const { t } = ctx;
  const wrap = h('div', { class: 'resend' });
  const warning = h('p', { class: 'warning', id: `${key}-resend-warning`, role: 'alert', hidden: true }, t('resendWarning'));
  const confirm = button(t, t('btnResendForm'), task, status);
  confirm.id = `${key}-resend`;
  confirm.hidden = true;
  const first = h('button', { type: 'button', 'aria-describedby': `${key}-resend-warning` }, label);
  first.addEventListener('click', () => {
    warning.hidden = false;
    confirm.hidden = false;
    confirm.focus();
  });
  wrap.append(first, warning, confirm);
  return wrap;
}

/**
 * Start button, or the countdown and a cancel button while a retry runs.
 * @param {RetryRecord|null} r
 * @param {HTMLElement} status
 * @param {Context} ctx
 */
function retryControl(r, status, ctx) {
  const { t, tabId, send } = ctx;
  const wrap = h('div', { class: 'retry', id: 'retry' });
  if (r && r.stopped === 'back') {
    // A form's page: the site answers again, the form was not sent; sending it is the user's call.
    wrap.appendChild(h('p', { id: 'retry-back' }, t('retryBackForm', r.host || r.origin)));
    wrap.appendChild(resendGuard(ctx, t('btnReload'), 'retry', async () => {
      await send({ type: 'reload', tabId, resend: true });
    }, status));
    return wrap;
  }
  if (r && r.stopped === 'cap') {
    wrap.appendChild(h('p', { id: 'retry-stopped' }, t('retryCapped', [String(r.siteUsed), r.host || r.origin])));
    return wrap;
  }
  if (!r) {
    wrap.appendChild(button(t, t('btnStartRetry'), async () => {
      await send({ type: 'retry-start', tabId });
    }, status));
    return wrap;
  }
  const count = h('p', { id: 'retry-countdown', 'aria-live': 'off' });
  const tick = () => {
    const left = Math.max(0, Math.round((r.nextAt - Date.now()) / 1000));
    const mm = Math.floor(left / 60);
    const ss = String(left % 60).padStart(2, '0');
    count.textContent = left > 0
      ? t('retryCountdown', [`${mm}:${ss}`, String(r.attempt + 1), String(r.cap)])
      : t('retryChecking');
  };
  tick();
  countdownTimer = setInterval(tick, 1000);
  wrap.appendChild(count);
  if (r.offline) wrap.appendChild(h('p', { id: 'retry-offline' }, t('retryOffline')));
  if (r.retryAfter) wrap.appendChild(h('p', { id: 'retry-after' }, t('retryHonours', String(r.retryAfter))));
  if (r.lastStatus != null) {
    const last = !r.lastStatus ? t('retryNoAnswer') : r.lastStatus >= 300 && r.lastStatus < 400 ? t('retryRedirected') : String(r.lastStatus);
    wrap.appendChild(h('p', { id: 'retry-last' }, t('retryLast', last)));
  }
  const cancel = button(t, t('btnCancelRetry'), async () => {
    await send({ type: 'retry-cancel', tabId });
  }, status);
  cancel.id = 'retry-cancel';
  wrap.appendChild(cancel);
  return wrap;
}
