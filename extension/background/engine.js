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
  return wasmDiagnose(input);
}
