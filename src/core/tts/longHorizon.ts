/**
 * Long-horizon execution ("The Illusion of Diminishing Returns: Measuring Long Horizon
 * Execution in LLMs", Sinha et al. 2025). If each step of a task succeeds independently with
 * probability p, a task of H steps succeeds with p^H, so the horizon at success rate s is
 *   H_s(p) = ln(s) / ln(p),
 * which grows like 1/(1 − p) as p → 1: a small gain in per-step accuracy stretches the
 * horizon far more than it moves any single-step benchmark.
 */

/** Steps at which success falls to `success` (default 0.5), for per-step accuracy p. */
export function horizonLength(p: number, success = 0.5): number {
  if (!(p > 0) || !(success > 0 && success < 1)) return NaN;
  if (p >= 1) return Infinity;
  return Math.log(success) / Math.log(p);
}

/** dH/dp at p: how many steps one more unit of per-step accuracy buys. */
export function horizonSlope(p: number, success = 0.5): number {
  if (!(p > 0 && p < 1)) return NaN;
  const lp = Math.log(p);
  return -Math.log(success) / (p * lp * lp);
}

export interface HorizonGain {
  from: number;
  to: number;
  /** Horizons at p and p + Δp. */
  before: number;
  after: number;
  /** after / before. */
  ratio: number;
}

/** How a gain Δp in per-step accuracy changes the horizon at a success rate. */
export function horizonGain(p: number, deltaP: number, success = 0.5): HorizonGain {
  const before = horizonLength(p, success);
  const after = horizonLength(Math.min(1, p + deltaP), success);
  return { from: p, to: Math.min(1, p + deltaP), before, after, ratio: after / before };
}

/** Per-step accuracy needed to reach a horizon of H steps at a success rate: s^(1/H). */
export function stepAccuracyFor(steps: number, success = 0.5): number {
  return Math.pow(success, 1 / steps);
}
