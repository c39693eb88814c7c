/**
 * What the engine decides for the shell besides a diagnosis, so the shell keeps no second copy
 * that could disagree with it: how to read a `Retry-After` header, and which browser network
 * errors are no failure to diagnose.
 */
import { engineCall, ready } from './engine.js';
import { ignoredNetErrors, retryAfterSeconds } from '../engine/engine.js';

/** @type {ReadonlySet<string>|null} */
let ignored = null;

/** The engine's ignored network errors, once the engine is ready. */
export const ignoredErrors = ready.then(() => (ignored = new Set(engineCall.run(() => ignoredNetErrors()))));
// Nothing works without the engine; its own failure is logged where `ready` is awaited.
ignoredErrors.catch(() => {});

/** The same set now, or null until the engine is ready (the first event of a cold worker). */
export function ignoredErrorsNow() {
  return ignored;
}

/**
 * Seconds a `Retry-After` value asks for, read by the engine (delta-seconds or an HTTP date);
 * null when there is none or it is neither.
 * @param {string|null} value
 * @param {number} nowMs
 * @returns {Promise<number|null>}
 */
export async function retryAfter(value, nowMs) {
  if (value == null) return null;
  await ready;
  return engineCall.run(() => retryAfterSeconds(value, nowMs)) ?? null;
}
