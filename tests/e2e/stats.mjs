/**
 * The summary statistics every benchmark prints (tests/e2e/bench-*.mjs, tests/bench-wasm.mjs):
 * one definition of the median and of a percentile, so figures from different scripts compare.
 */

/**
 * A sorted copy, ascending.
 * @param {number[]} xs
 * @returns {number[]}
 */
export const sorted = (xs) => [...xs].sort((a, b) => a - b);

/**
 * The median: the middle value, or the mean of the two middle values of an even count; NaN for
 * no values.
 * @param {number[]} xs
 * @returns {number}
 */
export function median(xs) {
  const v = sorted(xs);
  const m = Math.floor(v.length / 2);
  if (!v.length) return NaN;
  return v.length % 2 ? (v[m] ?? NaN) : ((v[m - 1] ?? NaN) + (v[m] ?? NaN)) / 2;
}

/**
 * The `p` quantile (0–1) by nearest rank, never interpolated: a value that was measured.
 * @param {number[]} xs
 * @param {number} p e.g. 0.9 for p90
 * @returns {number}
 */
export function percentile(xs, p) {
  return sorted(xs)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
}
