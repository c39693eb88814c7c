/**
 * The servers one test file starts, stopped together when the file ends (extension.test.mjs,
 * actions.test.mjs).
 */

/** @typedef {{stop: () => Promise<void>}} Stoppable */

export function serverPool() {
  /** @type {Stoppable[]} */
  const all = [];
  return {
    /**
     * Keeps a server started for this file and hands it back.
     * @template {Stoppable} T @param {Promise<T>} p @returns {Promise<T>}
     */
    async track(p) {
      const h = await p;
      all.push(h);
      return h;
    },
    /** Stops every kept server; one failing to stop does not keep the others running. */
    async stopAll() {
      for (const h of all.splice(0)) await h.stop().catch(() => {});
    },
  };
}
