/** Background service worker: loads the engine (placeholder until the extension shell lands). */
import init, { warm } from '../engine/engine.js';

export const ready = init({ module_or_path: new URL('../engine/engine_bg.wasm', import.meta.url) }).then(() => warm());
