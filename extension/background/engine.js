/**
 * The engine (Rust compiled to wasm) behind one ready promise: listeners are registered at once
 * and await this before their first diagnosis. Every call into it goes through `engineCall`, which
 * replaces the instance after a trap (lib/engine-recovery.js says why).
 */
import init, { __wbg_reset_state as resetInstance, diagnose as wasmDiagnose, warm, version } from '../engine/engine.js';
import { recoverable } from '../lib/engine-recovery.js';

/** Resolves once the wasm module is instantiated and the rules are compiled. */
export const ready = init({ module_or_path: new URL('../engine/engine_bg.wasm', import.meta.url) }).then(() => {
  warm();
  return version();
});

/**
 * Runs calls into the engine; after a trap the engine is a fresh instance (its rules compiled
 * again at once, as at start) before the error goes on to the caller.
 */
export const engineCall = recoverable({
  reset: () => {
    resetInstance();
    warm();
  },
  onReset: (e) => console.warn('gateway-doctor: the engine trapped and was restarted:', e),
});

/**
 * The engine's types, generated from the Rust types into engine.d.ts by the build (tsify):
 * re-exported here so the shell imports them from one place.
 * @typedef {import('../engine/engine.js').PageInput} PageInput
 * @typedef {import('../engine/engine.js').Header} Header
 * @typedef {import('../engine/engine.js').Diagnosis} Diagnosis
 * @typedef {import('../engine/engine.js').Action} Action
 * @typedef {import('../engine/engine.js').Step} Step
 * @typedef {import('../engine/engine.js').Evidence} Evidence
 * @typedef {import('../engine/engine.js').RequestId} RequestId
 * @typedef {import('../engine/engine.js').Fault} Fault
 * @typedef {import('../engine/engine.js').ProviderKind} ProviderKind
 * @typedef {import('../engine/engine.js').ProbeRequest} ProbeRequest
 * @typedef {import('../engine/engine.js').ProbeReply} ProbeReply
 * @typedef {import('../engine/engine.js').ProbeAnswer} ProbeAnswer
 * @typedef {import('../engine/engine.js').ProbeError} ProbeError
 */

/**
 * Runs the engine on one page.
 * @param {PageInput} input
 * @returns {Promise<Diagnosis>}
 */
export async function diagnose(input) {
  await ready;
  return engineCall.run(() => wasmDiagnose(input));
}
