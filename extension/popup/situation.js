/**
 * The popup's framing of a failure that is no outage (issue 13, item 2), shown under the verdict
 * and before the actions: a cookie or header too large (what fixes it), a firewall's block (the
 * block id to copy, what commonly triggers blocks, what to send the site's owner), a page blocked
 * by the browser itself (another extension or a policy, and how to find which). The engine's
 * verdict stays the title; these are the shell's words. Everything from the page is text.
 */
import { h } from '../lib/dom.js';
import { situationOf } from '../lib/verdict.js';
import { openExtensionsPage } from '../lib/platform.js';
import { copyButton } from './actions.js';

/** @typedef {import('../background/engine.js').Diagnosis} Diagnosis */
/** @typedef {import('./actions.js').Context} Context */
/** @typedef {import('../popup.js').StateReply} StateReply */

/**
 * The section for the diagnosis' situation, or null for an outage (or nothing at all).
 * @param {Diagnosis} d
 * @param {StateReply} s
 * @param {Context} ctx
 * @returns {HTMLElement|null}
 */
export function situationSection(d, s, ctx) {
  const situation = situationOf(d);
  const box = (/** @type {(HTMLElement|null)[]} */ ...children) =>
    h('section', { id: 'situation', class: `situation ${situation}`, 'data-situation': situation }, ...children);
  switch (situation) {
    case 'client-fixable':
      // The first action (clear this site's cookies, ticked) follows at once: one sentence here,
      // and for a hidden error the clean answer that shows it is this browser's request.
      return box(
        s.state?.cleanStatus != null ? h('p', { id: 'clean-answer' }, ctx.t('sit_hidden_clean', String(s.state.cleanStatus))) : null,
        h('p', { id: 'situation-text' }, ctx.t('sit_fix_text')));
    case 'firewall-block':
      return box(...firewallBlock(d, s, ctx));
    case 'blocked-by-client':
      // ERR_BLOCKED_BY_ADMINISTRATOR: a policy, not an extension; only the administrator can lift it.
      return box(...(d.meaning === 'net-blocked-by-policy' ? blockedByPolicy(ctx) : blockedByClient(ctx)));
    default:
      return null;
  }
}

/**
 * A firewall's block: not an outage; its id with a Copy button; what commonly triggers one; and
 * folded, what to send the owner (copyable as one text).
 * @param {Diagnosis} d
 * @param {StateReply} s
 * @param {Context} ctx
 */
function firewallBlock(d, s, ctx) {
  const { t } = ctx;
  // The engine lists the block's own id first (Cloudflare's Ray ID, Sucuri's block id, …).
  const id = d.ids[0] ?? null;
  const url = s.state?.url ?? s.tab?.url ?? '';
  const at = s.state?.at ? new Date(s.state.at) : new Date();
  // UTC to the second: what a firewall's log shows, whatever the reader's time zone.
  const time = `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  const report = [
    t('sit_report_intro'),
    id ? t('sit_report_id', [id.label, id.value]) : null,
    t('sit_report_time', time),
    url ? t('sit_report_url', url) : null,
  ].filter((x) => x != null).join('\n');
  return [
    h('p', { id: 'situation-text' }, t('sit_block_text')),
    id
      ? h('p', { id: 'block-id' }, t('sit_block_id', id.label), ' ', h('code', { id: 'block-id-value' }, id.value), ' ', copyButton(t, id.value, id.label))
      : h('p', { id: 'block-id', class: 'help' }, t('sit_block_no_id')),
    h('h2', { id: 'h-triggers' }, t('sit_block_triggers')),
    h('ul', { id: 'block-triggers', 'aria-labelledby': 'h-triggers' },
      h('li', null, t('sit_block_vpn')),
      h('li', null, t('sit_block_ext')),
      h('li', null, t('sit_block_net'))),
    h('details', { id: 'block-owner' },
      h('summary', null, t('sit_block_owner')),
      h('p', null, t('sit_block_owner_text')),
      h('pre', { id: 'block-report' }, report),
      reportCopy(t, report)),
  ];
}

/**
 * The owner's report's Copy button, with a label of its own (the id's says "Copy").
 * @param {import('../lib/i18n.js').Translate} t
 * @param {string} report
 */
function reportCopy(t, report) {
  const b = copyButton(t, report, t('sit_report_copy'));
  b.id = 'block-report-copy';
  b.textContent = t('sit_report_copy');
  return b;
}

/**
 * A page the browser itself blocked (ERR_BLOCKED_BY_CLIENT): another extension or a policy, and
 * how to find which. Chromium's extensions page opens from a button (an extension may open it, a
 * page may not link to it); Firefox's is named, to be typed.
 * @param {Context} ctx
 */
function blockedByClient(ctx) {
  const { t } = ctx;
  const chrome = ctx.browser !== 'firefox';
  const extensionsPage = chrome ? 'chrome://extensions' : 'about:addons';
  const status = h('span', { class: 'action-status', role: 'status' });
  const open = chrome
    ? h('button', { type: 'button', id: 'open-extensions' }, t('btnOpenExtensions'))
    : null;
  open?.addEventListener('click', () => {
    openExtensionsPage().catch((e) => { status.textContent = `${t('actionFailed')} ${e instanceof Error ? e.message : String(e)}`; });
  });
  return [
    h('p', { id: 'situation-text' }, t('sit_client_text')),
    h('h2', { id: 'h-find' }, t('sit_client_find')),
    h('ol', { id: 'find-blocker', class: 'steps', 'aria-labelledby': 'h-find' },
      h('li', null, t('sit_client_ext', extensionsPage), ' ', open ?? t('sit_client_type'), ' ', status),
      h('li', null, t('sit_client_private')),
      h('li', null, t('sit_client_allow')),
      h('li', null, t('sit_client_policy', chrome ? 'chrome://management' : 'about:policies'))),
  ];
}

/**
 * A page a policy blocked (ERR_BLOCKED_BY_ADMINISTRATOR): whoever manages the browser decides.
 * @param {Context} ctx
 */
function blockedByPolicy(ctx) {
  const { t } = ctx;
  return [
    h('p', { id: 'situation-text' }, t('sit_policy_text')),
    h('p', null, t('sit_client_policy', ctx.browser !== 'firefox' ? 'chrome://management' : 'about:policies')),
  ];
}
