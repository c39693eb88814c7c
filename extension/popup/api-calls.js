/**
 * The popup's "failing API calls" part, on a tab whose page loaded: asks the worker once, on this
 * opening, to read the page's resource timing (background/api-watch.js), and lists the failing
 * endpoints by host with the engine's verdict for each host, what the browser hides (status 0),
 * and per endpoint "down for everyone?" and "tell me when it answers". When calls fail, the
 * healthy verdict above gives way to the API's. Everything from the page goes in as text.
 */
import { h, append, clear } from '../lib/dom.js';
import { onStorageChanged } from '../lib/platform.js';
import { verdictKey } from '../lib/api-calls.js';
import { renderProbe } from './probe-views.js';

/**
 * @typedef {import('../lib/i18n.js').Translate} Translate
 * @typedef {import('../lib/api-calls.js').Endpoint} Endpoint
 * @typedef {import('../background/api-retry.js').ApiRetry} ApiRetry
 * @typedef {{host: string, status: number, count: number, endpoints: Endpoint[], fault: string, verdict: string,
 *   meaning_title: string|null, fault_label: string|null}} HostVerdict
 * @typedef {{hosts: HostVerdict[], hidden: {host: string, count: number}[], read: boolean, supported: boolean,
 *   checked: number, watched: boolean, retry: ApiRetry|null}} ApiReply
 * @typedef {{t: Translate, tabId: number, send: (msg: Record<string, unknown>) => Promise<any>}} ApiContext
 */

/** The last answer, kept across the popup's re-renders (the page is read once per opening). @type {ApiReply|null} */
let last = null;
/** @type {Promise<void>|null} */
let asking = null;
/** The section on screen (a re-render makes a new one). @type {HTMLElement|null} */
let shown = null;
/** @type {ApiContext|null} */
let context = null;
/** "Down for everyone?" results per endpoint, kept across re-renders. @type {Map<string, HTMLElement>} */
const results = new Map();
/** @type {ReturnType<typeof setInterval>|null} */
let ticker = null;

/**
 * The section, empty until the worker answers; filled again from the kept answer on a re-render.
 * Call from the healthy view (after its #verdict and #healthy-text are in the page).
 * @param {ApiContext} ctx
 * @returns {HTMLElement}
 */
export function apiSection(ctx) {
  context = ctx;
  shown = h('section', { id: 'api-calls', 'aria-busy': last ? 'false' : 'true' });
  const section = shown;
  if (last) queueMicrotask(() => fill(section));
  if (!asking) {
    asking = ask(true);
    onStorageChanged((changes, area) => {
      // What webRequest saw since, or the watch moving on: the answer again, without a new read.
      if (area === 'session' && (`api:${ctx.tabId}` in changes || `apiretry:${ctx.tabId}` in changes)) ask(false).catch(() => {});
    });
  }
  return section;
}

/** @param {boolean} read */
async function ask(read) {
  if (!context) return;
  try {
    last = /** @type {ApiReply} */ (await context.send({ type: 'api-calls', tabId: context.tabId, read }));
  } catch {
    return;
  }
  if (shown) fill(shown);
}

/** Renders `last` into the section and, when calls fail, the verdict above. @param {HTMLElement} section */
function fill(section) {
  const a = last;
  if (!a || !context || !section.isConnected) return;
  const { t } = context;
  if (ticker) clearInterval(ticker);
  ticker = null;
  clear(section);
  section.setAttribute('aria-busy', 'false');
  const top = a.hosts[0];
  if (top) {
    // The page loaded, but what it shows depends on calls that fail: lead with that.
    const verdict = document.getElementById('verdict');
    if (verdict) verdict.textContent = t(verdictKey(top.fault), [top.host, String(top.status)]);
    document.getElementById('healthy')?.setAttribute('class', `verdict fault-${top.fault}`);
    const text = document.getElementById('healthy-text');
    if (text) text.textContent = t('apiLoadedText');
    section.setAttribute('aria-labelledby', 'h-api');
    append(section, [h('h2', { id: 'h-api' }, t('apiHeading')), a.hosts.map((x) => hostBlock(x, a))]);
  } else {
    if (a.read && a.supported) {
      if (a.checked) append(section, [h('p', { id: 'api-none', class: 'help' }, t('apiNone', String(a.checked)))]);
    } else if (a.read && !a.watched) append(section, [h('p', { id: 'api-unsupported', class: 'help' }, t('apiUnsupported'))]);
  }
  if (a.hidden.length) {
    const list = a.hidden.map((x) => t('apiHiddenHost', [x.host, String(x.count)])).join(t('listSeparator'));
    append(section, [h('p', { id: 'api-hidden', class: 'help', 'data-hosts': a.hidden.map((x) => x.host).join(' ') }, t('apiHidden', list))]);
  }
  if (top || a.hidden.length) append(section, [h('p', { id: 'api-source', class: 'help' }, t(a.watched ? 'apiWatchedNote' : 'apiReadOnce'))]);
}

/**
 * One failing host: the verdict for it (the engine's meaning and fault for its status), then its
 * endpoints, each with its actions.
 * @param {HostVerdict} x
 * @param {ApiReply} a
 */
function hostBlock(x, a) {
  const { t } = /** @type {ApiContext} */ (context);
  return h('div', { class: 'api-host', 'data-host': x.host, 'data-fault': x.fault, 'data-status': String(x.status) },
    h('h3', { class: 'api-verdict' }, t(verdictKey(x.fault), [x.host, String(x.status)])),
    h('p', { class: 'api-meaning' }, [x.meaning_title, x.fault_label ? `${t('whereLabel')} ${x.fault_label}` : null].filter(Boolean).join(' · ')),
    h('ul', { class: 'api-endpoints' }, x.endpoints.map((e) => endpointItem(e, a.retry))));
}

/**
 * @param {Endpoint} e
 * @param {ApiRetry|null} retry
 */
function endpointItem(e, retry) {
  const { t, tabId, send } = /** @type {ApiContext} */ (context);
  const slot = h('div', { class: 'api-result', 'aria-live': 'polite' });
  const kept = results.get(e.url);
  if (kept) slot.appendChild(kept);
  const check = h('button', { type: 'button', 'data-api-action': 'check-down' }, t('apiCheckDown'));
  check.addEventListener('click', async () => {
    check.disabled = true;
    clear(slot);
    append(slot, [h('p', { class: 'probe-running' }, t('pv_running'))]);
    /** @type {any} */
    let reply;
    try {
      reply = await send({ type: 'api-check-down', tabId, endpoint: e.url });
    } catch (err) {
      reply = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    const box = renderProbe('check-down', reply, t);
    results.set(e.url, box);
    clear(slot);
    slot.appendChild(box);
    check.disabled = false;
  });
  const mine = retry && retry.endpoint === e.url ? retry : null;
  const when = new Date(e.last).toLocaleTimeString();
  return h('li', { class: 'api-endpoint', 'data-endpoint': e.url, 'data-status': String(e.status), 'data-count': String(e.count) },
    h('code', { class: 'api-path' }, e.path || '/'), ' ',
    h('span', { class: 'api-stats' }, t('apiEndpointStats', [String(e.status), String(e.count), when])),
    h('div', { class: 'api-actions' }, check, ' ', mine ? null : watchButton(e)),
    mine ? watchView(mine) : null,
    slot);
}

/** @param {Endpoint} e */
function watchButton(e) {
  const { t, tabId, send } = /** @type {ApiContext} */ (context);
  const b = h('button', { type: 'button', 'data-api-action': 'auto-retry' }, t('apiWatch'));
  b.addEventListener('click', async () => {
    b.disabled = true;
    await send({ type: 'api-retry-start', tabId, endpoint: e.url }).catch(() => { b.disabled = false; });
  });
  return b;
}

/** The watch of one endpoint: counting down, stopped at the cap, or answering again. @param {ApiRetry} r */
function watchView(r) {
  const { t, tabId, send } = /** @type {ApiContext} */ (context);
  const box = h('div', { class: 'api-watch', id: 'api-watch', 'data-state': r.stopped ?? 'running' });
  if (r.stopped === 'back') {
    const reload = h('button', { type: 'button', id: 'api-reload' }, t('btnReload'));
    reload.addEventListener('click', () => { send({ type: 'reload', tabId }).catch(() => {}); });
    append(box, [h('p', { id: 'api-back', role: 'status' }, t('apiBack', [r.host, String(r.lastStatus ?? '')])), reload]);
    return box;
  }
  if (r.stopped) {
    append(box, [h('p', { id: 'api-capped' }, t('apiCapped', [String(r.siteUsed), r.host]))]);
    return box;
  }
  const count = h('p', { id: 'api-countdown' });
  const tick = () => {
    const left = Math.max(0, Math.round((r.nextAt - Date.now()) / 1000));
    count.textContent = left > 0
      ? t('apiWatching', [r.host, `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`, String(r.attempt + 1), String(r.cap)])
      : t('retryChecking');
  };
  tick();
  ticker = setInterval(() => (box.isConnected ? tick() : undefined), 1000);
  const stop = h('button', { type: 'button', id: 'api-watch-stop' }, t('apiWatchStop'));
  stop.addEventListener('click', () => { send({ type: 'api-retry-cancel', tabId }).catch(() => {}); });
  append(box, [count, r.lastStatus != null ? h('p', { id: 'api-last' }, t('apiWatchLast', r.lastStatus ? String(r.lastStatus) : t('retryNoAnswer'))) : null, stop]);
  return box;
}
