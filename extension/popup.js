/**
 * The popup (also opened as a tab with popup.html?tab=<id>): shows the engine's diagnosis for one
 * tab — verdict, status, where it failed — then the engine's actions in order, each a control
 * marked data-action="<id>", and folded below them the meaning, provider, fault path, evidence
 * and request ids. Everything from the page or the engine is inserted as text.
 */
import { applyI18n, translator } from './lib/i18n.js';
import { append, clear, h, svg } from './lib/dom.js';
import { HOPS, actionsFor, engineOs, failed, hopStates, reframeHidden, situationOf } from './lib/verdict.js';
import { historyLine } from './popup/probe-views.js';
import { actionControl, copyButton, stopCountdown } from './popup/actions.js';
import { apiSection } from './popup/api-calls.js';
import { situationSection } from './popup/situation.js';
import { excludedView, neverControl } from './popup/never.js';
import { activeTabId, isFirefox as onFirefox, onStorageChanged, openOptionsPage, platformOs, popupHead, sendMessage } from './lib/platform.js';

/** @typedef {import('./background/engine.js').Diagnosis} Diagnosis */
/** @typedef {import('./background/state.js').RetryRecord} RetryRecord */
/** @typedef {import('./lib/i18n.js').Translate} Translate */
/**
 * @typedef {{ok: boolean, error?: string, tab: {id: number, url: string, title: string}|null,
 *   state: {url: string, pageRead: boolean, manual: boolean, form?: boolean, at?: number, cleanStatus?: number|null}|null, diagnosis: Diagnosis|null,
 *   retry: RetryRecord|null, settings: import('./lib/settings.js').Settings, lang: import('./lib/lang.js').Lang,
 *   headers?: boolean, storageError?: string|null, site?: string|null, excluded?: boolean}} StateReply
 *   `storageError`: the worker's last failed write of a tab's state (shown, never swallowed);
 *   `site`: the tab's site as "never on this site" names it, `excluded`: the extension is off there
 */

const app = /** @type {HTMLElement} */ (document.getElementById('app'));
const isFirefox = onFirefox();
/** Evidence lines shown before "N more" (a list of one more is shown whole). */
const EVIDENCE_SHOWN = 5;

/** @type {Translate} */
let t = (k) => k;
/** @type {number|null} */
let tabId = null;
let os = 'linux';

/**
 * @param {Record<string, unknown>} msg
 * @returns {Promise<any>}
 */
async function send(msg) {
  return checked(await sendMessage(msg));
}

/**
 * The worker's reply, or its error thrown.
 * @param {any} r
 */
function checked(r) {
  if (!r || !r.ok) throw new Error(r?.error ?? 'no answer');
  return r;
}

async function main() {
  // The OS and the tab's state are asked at once: neither answer waits for the other. The head
  // script (lib/platform-popup-head.js) asked both before this module loaded.
  const head = popupHead();
  const osReady = (head ? head.os : platformOs()).catch(() => '');
  const q = new URLSearchParams(location.search).get('tab');
  if (head) {
    tabId = await head.tabId;
  } else if (q && /^\d{1,10}$/.test(q)) {
    tabId = Number(q);
  } else {
    tabId = await activeTabId();
  }
  const asked = tabId == null ? undefined : head ? head.state : sendMessage({ type: 'get-state', tabId });
  asked?.catch(() => {});
  os = engineOs(await osReady);
  const openTab = document.getElementById('open-tab');
  if (openTab && tabId != null) openTab.setAttribute('href', `popup.html?tab=${tabId}`);
  if (q) openTab?.remove();
  onStorageChanged((changes, area) => {
    if (area !== 'session' || tabId == null) return;
    if (`tab:${tabId}` in changes || `retry:${tabId}` in changes) refresh().catch(showError);
  });
  await refresh(asked);
}

/**
 * Asks the worker for the tab's state and renders it.
 * @param {Promise<any>} [asked] the answer to a get-state already sent (the first render's)
 */
async function refresh(asked) {
  if (tabId == null) {
    renderMessage('noTab');
    return;
  }
  /** @type {StateReply} */
  const s = asked ? checked(await asked) : await send({ type: 'get-state', tabId });
  const tr = await translator(s.settings.lang);
  t = tr.t;
  document.documentElement.lang = s.lang;
  applyI18n(document, t);
  render(s);
}

/** @param {string} key */
function renderMessage(key) {
  clear(app);
  app.setAttribute('aria-busy', 'false');
  append(app, [h('p', { class: 'message' }, t(key))]);
}

/** @param {unknown} e */
function showError(e) {
  const p = h('p', { class: 'error', role: 'alert' }, t('popupError'), ' ', String(e instanceof Error ? e.message : e));
  app.appendChild(p);
}

/** @param {StateReply} s */
function render(s) {
  // A re-render (the tab reloaded, a retry ticked) must not close panels or lose keyboard focus.
  // Each panel by its own key: a panel without one would share the empty key with every other.
  const keyOf = (/** @type {Element} */ el) => el.id || el.getAttribute('data-action') || '';
  /** @type {Map<string, boolean>} */
  const open = new Map();
  for (const el of app.querySelectorAll('details')) {
    const k = keyOf(el);
    if (k) open.set(k, el.hasAttribute('open'));
  }
  // Nor change a box the user ticked or unticked (deleting cookies too must stay what they chose;
  // for a cookie too large the box starts ticked). Boxes never touched take their new default.
  /** @type {Map<string, boolean>} */
  const boxes = new Map();
  for (const el of app.querySelectorAll('input[type="checkbox"][data-touched]')) {
    if (el instanceof HTMLInputElement && keyOf(el)) boxes.set(keyOf(el), el.checked);
  }
  const active = document.activeElement;
  const focusBox = active && app.contains(active) ? active.closest('[data-action], [id]') : null;
  const focusKey = focusBox ? keyOf(focusBox) : '';
  clear(app);
  stopCountdown();
  app.setAttribute('aria-busy', 'false');
  // A hidden error that a clean request does not repeat is this browser's to fix (verdict.js).
  const d = s.diagnosis ? reframeHidden(s.diagnosis, s.state?.cleanStatus, t('sit_hidden_verdict')) : null;
  const site = s.site ?? '';
  // A page that is fine says so, unless asked for more or recognised as a vendor's page that is
  // no failure but no ordinary page either (a browser check). A page that failed (an error, a
  // block) never reads "loaded fine". A site the user turned it off for says so first.
  if (s.excluded && site) {
    const done = () => refresh().then(() => app.appendChild(h('p', { id: 'never-status', class: 'status-line', role: 'status' }, t('never_turned_on'))));
    append(app, [excludedView({ site, t, send, done: () => { done().catch(showError); } })]);
  } else if (!d || (!failed(d) && !s.state?.manual && !d.provider)) {
    renderHealthy(s);
  } else {
    renderDiagnosis(d, s);
  }
  if (site && !s.excluded) append(app, [neverControl({ site, tabId, t, send, done: () => { refresh().catch(showError); } })]);
  if (s.storageError) app.appendChild(h('p', { id: 'storage-error', class: 'error', role: 'alert' }, t('storageWriteFailed', s.storageError)));
  for (const el of app.querySelectorAll('details')) {
    const was = open.get(keyOf(el));
    if (was !== undefined) el.toggleAttribute('open', was);
  }
  for (const el of app.querySelectorAll('input[type="checkbox"]')) {
    const was = boxes.get(keyOf(el));
    if (!(el instanceof HTMLInputElement) || was === undefined) continue;
    el.setAttribute('data-touched', '');
    if (was === el.checked) continue;
    el.checked = was;
    el.dispatchEvent(new Event('change'));
  }
  if (focusKey) {
    const box = [...app.querySelectorAll('[data-action], [id]')].find((el) => keyOf(el) === focusKey);
    const target = box?.matches('button, summary, input, a') ? box : box?.querySelector('button, summary, input, a');
    if (target instanceof HTMLElement) target.focus();
  }
}

/** @param {StateReply} s */
function renderHealthy(s) {
  const btn = h('button', { id: 'diagnose-now', type: 'button', class: 'primary' }, t('diagnoseAnyway'));
  const status = h('p', { class: 'status-line', role: 'status' });
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    status.textContent = t('diagnosing');
    try {
      await send({ type: 'diagnose-now', tabId });
      await refresh();
    } catch (e) {
      btn.disabled = false;
      status.textContent = `${t('cannotDiagnose')} ${e instanceof Error ? e.message : String(e)}`;
    }
  });
  append(app, [
    h('section', { class: 'verdict fault-none', id: 'healthy' },
      h('h1', { id: 'verdict' }, t('healthyTitle')),
      h('p', { id: 'healthy-text' }, t('healthyText')),
      s.tab?.url ? h('p', { class: 'url' }, s.tab.url) : null),
    // The page's own API calls, read once now (popup/api-calls.js); their verdict replaces the above when they fail.
    tabId != null && /^https?:/.test(s.tab?.url ?? '') ? apiSection({ t, tabId, send }) : null,
    h('p', null, btn),
    status,
  ]);
}

/**
 * @param {Diagnosis} d
 * @param {StateReply} s
 */
function renderDiagnosis(d, s) {
  // meaning_title usually starts with the code ("502 Bad Gateway"): show the code once, marked up.
  const code = d.status != null ? String(d.status) : d.net_error ?? '';
  const title = d.meaning_title ?? '';
  const rest = title.startsWith(code) ? title.slice(code.length).trim() : title;
  const statusLine = [h('span', { id: 'status-code', class: 'code' }, code), rest ? ' ' : '', rest ? h('span', { id: 'meaning-title' }, rest) : null];
  // The first screen (400 × 600): the verdict, where it failed, then what to do. Everything that
  // explains it (meaning, who answered, the path picture, evidence, request ids, hints) is folded
  // below the actions.
  append(app, [
    h('section', { class: `verdict fault-${d.fault} sit-${situationOf(d)}`, id: 'summary', 'data-fault': d.fault, 'data-situation': situationOf(d) },
      // A recognised page that is no failure (a firewall's block, a browser check) has its own
      // verdict; any other page that is fine gets the plain "no error".
      h('h1', { id: 'verdict' }, failed(d) || d.provider ? d.verdict : t('noErrorFound')),
      h('p', { class: 'status-line', id: 'status' }, ...statusLine),
      // A block is no failure of any hop: "where it failed: nothing wrong" would contradict it.
      d.fault_label && !(situationOf(d) === 'firewall-block' && d.fault === 'none') ? h('p', { class: 'where' }, h('span', { class: 'where-label' }, t('whereLabel')), h('span', { id: 'fault-label' }, d.fault_label)) : null,
      s.state?.url ? h('p', { class: 'url' }, s.state.url) : null),
  ]);
  if (s.state?.url) {
    const url = s.state.url;
    historyLine(url, t).then((line) => {
      if (line) document.getElementById('summary')?.appendChild(line);
    }).catch(() => {});
  }

  /** @type {import('./popup/actions.js').Context} */
  const ctx = { t, tabId, os, browser: isFirefox ? 'firefox' : 'chrome', send };
  // What kind of failure (an outage, a cookie too large, a block) frames the rest: its words
  // first, then the actions in the order that suits it.
  const situation = situationSection(d, s, ctx);
  if (situation) app.appendChild(situation);
  const visitor = actionsFor(situationOf(d), d.actions.filter((a) => !a.owner));
  const owner = d.actions.filter((a) => a.owner);
  if (failed(d) && visitor.length) {
    append(app, [
      h('section', { 'aria-labelledby': 'h-actions', id: 'actions' },
        h('h2', { id: 'h-actions' }, t('actionsHeading')),
        visitor.map((a) => actionControl(a, d, s, ctx))),
    ]);
  }
  append(app, [details(d, s)]);
  if (failed(d) && owner.length) {
    append(app, [
      h('details', { id: 'owner-panel', class: 'owner' },
        h('summary', null, t('ownerHeading')),
        owner.map((a) => actionControl(a, d, s, ctx))),
    ]);
  }
}

/**
 * The folded part: the meaning, who answered, the path picture, the evidence, a hint when no
 * headers were read, and the request ids.
 * @param {Diagnosis} d
 * @param {StateReply} s
 */
function details(d, s) {
  // A page that is no failure has no actions: its details are the whole answer, shown open.
  const box = h('details', { id: 'more', class: 'more', ...(failed(d) ? {} : { open: '' }) }, h('summary', null, t('moreDetails')));
  if (d.meaning_text) append(box, [h('p', { id: 'meaning' }, d.meaning_text)]);
  append(box, [
    h('section', { 'aria-labelledby': 'h-provider', id: 'provider-section' },
      h('h2', { id: 'h-provider' }, t('providerHeading')),
      h('p', null, ...whoAnswered(d)),
      d.note ? h('p', { id: 'note', class: 'note' }, d.note) : null),
    faultPath(d),
  ]);

  if (d.evidence.length) {
    // The engine lists the strongest first; past the first few, the rest wait behind a toggle.
    const line = (/** @type {Diagnosis['evidence'][number]} */ e) =>
      h('li', null, h('span', { class: 'src' }, t(`source_${e.source.replace(/-/g, '_')}`) || e.source), ' ',
        h('span', { class: 'detail' }, e.detail));
    const shown = d.evidence.length > EVIDENCE_SHOWN + 1 ? EVIDENCE_SHOWN : d.evidence.length;
    const rest = d.evidence.slice(shown);
    append(box, [
      h('section', { 'aria-labelledby': 'h-evidence', id: 'evidence' },
        h('h2', { id: 'h-evidence' }, t('evidenceHeading')),
        h('ul', null, d.evidence.slice(0, shown).map(line)),
        rest.length ? h('details', { id: 'evidence-more' },
          h('summary', null, t('evidenceMore', String(rest.length))),
          h('ul', null, rest.map(line))) : null),
    ]);
  }

  // Diagnosed without response headers (Chromium, as shipped): say so, and where to turn them on.
  if (d.is_error && s.headers === false) {
    append(box, [
      h('p', { id: 'headers-hint', class: 'help' }, t('headersOffHint'), ' ',
        h('button', { type: 'button', id: 'headers-options', onclick: () => openOptionsPage() }, t('openOptions'))),
    ]);
  }

  if (d.ids.length) {
    append(box, [
      h('section', { 'aria-labelledby': 'h-ids', id: 'request-ids' },
        h('h2', { id: 'h-ids' }, t('idsHeading')),
        h('ul', null, d.ids.map((id) =>
          h('li', null, h('span', { class: 'src' }, id.label), ' ', h('code', null, id.value), ' ', copyButton(t, id.value, id.label))))),
    ]);
  }
  return box;
}

/**
 * "Who answered": the provider, then the variant. Variant names usually start with the provider's
 * ("nginx 502 Bad Gateway: …"): then the name is said once, the variant carrying on from it.
 * @param {Diagnosis} d
 */
function whoAnswered(d) {
  const name = d.provider_name ?? t('providerUnknown');
  const provider = h('span', { id: 'provider', 'data-provider': d.provider ?? '' }, name);
  const v = d.variant_name;
  if (!v) return [provider];
  const variant = (/** @type {string} */ text) => h('span', { id: 'variant', 'data-variant': d.variant ?? '' }, text);
  if (d.provider_name && v.toLowerCase().startsWith(d.provider_name.toLowerCase())) {
    return [provider, variant(v.slice(d.provider_name.length))];
  }
  return [provider, ' — ', variant(v)];
}

/**
 * The fault path: You → Network → CDN → Host, the failing hop highlighted.
 * @param {Diagnosis} d
 */
function faultPath(d) {
  const cdnSeen = d.provider_kind === 'cdn';
  const states = hopStates(d.fault, cdnSeen);
  const ol = h('ol', { class: 'path', id: 'fault-path', 'aria-labelledby': 'h-path' });
  HOPS.forEach((hop, i) => {
    const state = states[hop];
    const li = h('li', { class: `hop ${state}`, 'data-hop': hop, 'data-state': state, ...(state === 'fail' ? { 'aria-current': 'step' } : {}) },
      hopIcon(state),
      h('span', { class: 'hop-name' }, t(`hop_${hop}`)),
      h('span', { class: 'hop-state' }, t(`hopState_${state}`)));
    ol.appendChild(li);
    if (i < HOPS.length - 1) li.appendChild(h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'));
  });
  return h('section', { 'aria-labelledby': 'h-path', id: 'fault' },
    h('h2', { id: 'h-path' }, t('pathHeading')),
    ol);
}

/** @param {string} state */
function hopIcon(state) {
  const s = svg('svg', { width: 14, height: 14, viewBox: '0 0 14 14', 'aria-hidden': 'true', class: 'hop-icon' });
  s.appendChild(svg('circle', { cx: 7, cy: 7, r: 6, class: `dot ${state}` }));
  return s;
}

main().catch(showError);
