/**
 * Saturation points: where more test-time compute stops paying, i.e. the marginal gain per
 * unit cost falls below a threshold the user sets (the saturation of parallel and sequential
 * scaling in "Scaling over Scaling", Wang et al. 2025, whose TTSPM bounds it the same way).
 */

/**
 * Smallest x in [lo, hi] with slope(x) < epsilon, past the slope's peak (gains rise before
 * they fall on S-shaped curves), by a geometric scan then bisection; NaN if none.
 */
export function firstBelow(slope: (x: number) => number, epsilon: number, lo: number, hi: number): number {
  if (!(epsilon > 0)) return NaN;
  const steps = 400;
  const ratio = Math.pow(hi / lo, 1 / steps);
  let peak = lo;
  let peakValue = -Infinity;
  let x = lo;
  for (let i = 0; i <= steps; i++, x *= ratio) {
    const s = slope(x);
    if (s > peakValue) {
      peakValue = s;
      peak = x;
    }
  }
  if (!(peakValue >= epsilon)) return peakValue < epsilon ? lo : NaN;
  let a = peak;
  let b = peak * ratio;
  while (b <= hi && slope(b) >= epsilon) {
    a = b;
    b *= ratio;
  }
  if (b > hi) return NaN;
  for (let i = 0; i < 100; i++) {
    const m = Math.sqrt(a * b);
    if (slope(m) >= epsilon) a = m;
    else b = m;
    if (b / a - 1 < 1e-12) break;
  }
  return b;
}

export interface DataSaturation {
  /** Index of the first point after which the gain per unit cost falls below ε, or null. */
  index: number | null;
  cost: number | null;
  value: number | null;
  /** Gain per unit cost from each point to the next. */
  rates: number[];
}

/**
 * Saturation read off measured points (cost ascending): the first point from which the gain
 * per unit cost to the next point, and to every later point, stays below ε.
 */
export function dataSaturation(cost: ArrayLike<number>, value: ArrayLike<number>, epsilon: number): DataSaturation {
  const rates: number[] = [];
  for (let i = 0; i + 1 < cost.length; i++) rates.push((value[i + 1] - value[i]) / (cost[i + 1] - cost[i]));
  for (let i = 0; i < rates.length; i++) {
    let all = true;
    for (let j = i; j < rates.length; j++) {
      // Gain from point i to any later point, per unit cost, is what stopping at i gives up.
      const r = (value[j + 1] - value[i]) / (cost[j + 1] - cost[i]);
      if (!(r < epsilon)) {
        all = false;
        break;
      }
    }
    if (all) return { index: i, cost: cost[i], value: value[i], rates };
  }
  return { index: null, cost: null, value: null, rates };
}
