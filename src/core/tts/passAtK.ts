import { buildCurves, type ProblemCurves } from './curves';

/**
 * pass@k and pass^k from n samples of which c are correct.
 *
 * pass@k, the unbiased estimator of Chen et al. (2021, "Evaluating Large Language Models
 * Trained on Code"): the chance that a random k-subset of the n samples holds a correct one,
 *   pass@k = 1 − C(n−c, k) / C(n, k).
 * pass^k, the chance that all k tries succeed (Yao et al. 2024, τ-bench):
 *   pass^k = C(c, k) / C(n, k).
 * Both ratios are products of k factors in [0, 1], C(n−c, k)/C(n, k) = Π_{j<k} (n−c−j)/(n−j),
 * built up one k at a time: no binomial of a large n is ever formed, so n in the thousands is
 * as accurate as n = 10 (relative error about k ulps).
 */

/** pass@k for k = 1..kMax (default n) into `out[k − 1]`. */
export function passAtKCurve(n: number, c: number, kMax = n, out: Float64Array = new Float64Array(kMax)): Float64Array {
  let miss = 1;
  for (let k = 1; k <= kMax; k++) {
    // Past k = n − c + 1 the factor is 0 and stays so: every k-subset holds a correct sample.
    miss *= Math.max(0, n - c - k + 1) / (n - k + 1);
    out[k - 1] = 1 - miss;
  }
  return out;
}

/** pass^k for k = 1..kMax into `out[k − 1]`. */
export function passHatKCurve(n: number, c: number, kMax = n, out: Float64Array = new Float64Array(kMax)): Float64Array {
  let all = 1;
  for (let k = 1; k <= kMax; k++) {
    all *= Math.max(0, c - k + 1) / (n - k + 1);
    out[k - 1] = all;
  }
  return out;
}

/** pass@k for one k, by Chen et al.'s product Π_{i=n−c+1}^{n} (1 − k/i). */
export function passAtK(n: number, c: number, k: number): number {
  if (k > n) return NaN;
  if (n - c < k) return 1;
  let miss = 1;
  for (let i = n - c + 1; i <= n; i++) miss *= 1 - k / i;
  return 1 - miss;
}

/** pass^k for one k. */
export function passHatK(n: number, c: number, k: number): number {
  if (k > n) return NaN;
  let all = 1;
  for (let j = 0; j < k; j++) all *= Math.max(0, c - j) / (n - j);
  return all;
}

/**
 * Per-problem curves for k = 1..K from per-problem counts. Problems with the same (n, c) share
 * one stored curve, so the aggregate and its bootstrap cost O(distinct counts × K).
 */
export function passAtKCurves(n: Int32Array, c: Int32Array, K: number): ProblemCurves {
  return buildCurves(n.length, K, (i) => n[i] * 67108864 + c[i], (i, out) => passAtKCurve(n[i], c[i], K, out));
}

export function passHatKCurves(n: Int32Array, c: Int32Array, K: number): ProblemCurves {
  return buildCurves(n.length, K, (i) => n[i] * 67108864 + c[i], (i, out) => passHatKCurve(n[i], c[i], K, out));
}
