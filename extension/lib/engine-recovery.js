/**
 * Keeps the wasm engine usable after a trap. A trap (WebAssembly.RuntimeError: a Rust panic, which
 * aborts in wasm, or an out-of-bounds access) stops the engine mid-call and leaves its memory in
 * whatever state it was: the allocator or the compiled rules half-written. Every later call on
 * that instance is suspect, so the instance is replaced by a fresh one from the same module before
 * the error goes on; the call that trapped fails, the next one runs on a clean engine.
 */

/**
 * Is this error a trap of a wasm instance?
 * @param {unknown} e
 */
export function isTrap(e) {
  return typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError;
}

/**
 * A wrapper for calls into one engine: `reset` makes a fresh instance (wasm-bindgen's
 * `__wbg_reset_state`), `onReset` hears about each trap (to log it).
 * @param {{reset: () => void, onReset?: (e: unknown) => void}} engine
 */
export function recoverable(engine) {
  /** @param {unknown} e */
  const recover = (e) => {
    if (isTrap(e)) {
      engine.reset();
      engine.onReset?.(e);
    }
    throw e;
  };
  return {
    /**
     * Runs a synchronous call into the engine.
     * @template T
     * @param {() => T} call
     * @returns {T}
     */
    run(call) {
      try {
        return call();
      } catch (e) {
        return recover(e);
      }
    },
    /**
     * Runs an asynchronous call into the engine (a probe: the trap can come after an await).
     * @template T
     * @param {() => Promise<T>} call
     * @returns {Promise<T>}
     */
    async runAsync(call) {
      try {
        return await call();
      } catch (e) {
        return recover(e);
      }
    },
  };
}
