/**
 * Hook for the network probes (check-down, check-dns, provider-status, archived-copy) that the
 * probes issue implements. A probe module calls `registerProbe(kind, fn)`; the popup sends
 * `{type: 'probe', kind, tabId}` and gets `{available: false}` until a handler is registered.
 */

/**
 * @typedef {{tabId: number, url: string, host: string|null, action: import('./engine.js').Action|null, alt?: boolean, archive?: string}} ProbeContext
 *   `alt`: use the alternative service for this run (after the usual one could not be reached);
 *   `archive`: for archived-copy, the archive clicked (else the one the settings lead with)
 * @typedef {(ctx: ProbeContext) => Promise<Record<string, unknown>>} ProbeFn
 */

/** @type {Map<string, ProbeFn>} */
const probes = new Map();

/** Probe kinds the popup may ask for: the engine's action ids that need the network. */
export const PROBE_KINDS = Object.freeze(['check-down', 'check-dns', 'provider-status', 'archived-copy']);

/**
 * @param {string} kind
 * @param {ProbeFn} fn
 */
export function registerProbe(kind, fn) {
  if (!PROBE_KINDS.includes(kind)) throw new Error(`unknown probe kind ${kind}`);
  probes.set(kind, fn);
}

/**
 * @param {string} kind
 * @param {ProbeContext} ctx
 * @returns {Promise<Record<string, unknown>>}
 */
export async function runProbe(kind, ctx) {
  const fn = probes.get(kind);
  if (!fn) return { available: false, kind };
  return { available: true, kind, result: await fn(ctx) };
}
