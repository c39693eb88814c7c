/**
 * The engine (Rust compiled to wasm) behind one ready promise: listeners are registered at once
 * and await this before their first diagnosis.
 */
import init, { diagnose as wasmDiagnose, warm, version } from '../engine/engine.js';

/** Resolves once the wasm module is instantiated and the rules are compiled. */
export const ready = init({ module_or_path: new URL('../engine/engine_bg.wasm', import.meta.url) }).then(() => {
  warm();
  return version();
});

/**
 * @typedef {{name: string, value: string}} Header
 * @typedef {{status?: number, headers: Header[], url?: string, title?: string, text?: string, html?: string,
 *   net_error?: string, ip?: string, lang?: string, now_ms?: number}} PageInput
 * @typedef {{text: string, code?: string, os?: string, browser?: string, stack?: string}} Step  stack: the server-side stack a site-owner step is for (the engine already dropped it where that stack is impossible)
 * @typedef {{id: string, title: string, summary: string, steps?: Step[], owner: boolean, url?: string,
 *   host?: string, delay?: number, api?: string}} Action
 * @typedef {{is_error: boolean, status: number|null, net_error: string|null, meaning: string|null,
 *   meaning_title: string|null, meaning_text: string|null, provider: string|null, provider_name: string|null,
 *   provider_kind: string|null, variant: string|null, variant_name: string|null, fault: string, fault_label: string,
 *   verdict: string, note: string|null, confidence: number,
 *   evidence: {source: string, detail: string, weight: number, rule?: string}[],
 *   ids: {kind: string, label: string, value: string}[], retry_after: number|null, actions: Action[],
 *   status_page: string|null, host: string|null, lang: string}} Diagnosis
 */

/**
 * Runs the engine on one page.
 * @param {PageInput} input
 * @returns {Promise<Diagnosis>}
 */
export async function diagnose(input) {
  await ready;
  return /** @type {Diagnosis} */ (wasmDiagnose(input));
}
