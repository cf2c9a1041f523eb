/** What the optimizers share: the problem they see and what they hand back. */

export interface Objective {
  readonly dim: number;
  /** f(x), writing ∇f into `grad`; non-finite where the model is undefined. */
  evaluate(x: Float64Array, grad: Float64Array): number;
  /** How the parameters trade off, when the law's kernel knows (see ParameterGeometry). */
  readonly geometry?: Float64Array | null;
}

export interface Residuals {
  /** Number of residuals. */
  readonly m: number;
  readonly dim: number;
  /** r_i into `r` and, when `jac` is given, ∂r_i/∂x_j into jac[i * dim + j]; false where undefined. */
  evaluate(x: Float64Array, r: Float64Array, jac: Float64Array | null): boolean;
}

/** `monitor`: stopped by the caller's monitor (the multi-start, when a start's fate is already known). */
export type StopReason = 'gradient' | 'objective' | 'step' | 'line-search' | 'max-iterations' | 'undefined-start' | 'monitor';

export interface MinimizeResult {
  x: Float64Array;
  f: number;
  /** Largest component of the projected gradient at x. */
  projectedGradient: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: StopReason;
}

/** Largest component of P(x − g) − x, the step to the projected steepest-descent point. */
export function projectedGradientNorm(x: Float64Array, g: Float64Array, lower: Float64Array, upper: Float64Array): number {
  let norm = 0;
  for (let j = 0; j < x.length; j++) {
    let gj = g[j];
    if (gj < 0) gj = Math.max(x[j] - upper[j], gj);
    else gj = Math.min(x[j] - lower[j], gj);
    norm = Math.max(norm, Math.abs(gj));
  }
  return norm;
}

export function clampInto(out: Float64Array, x: ArrayLike<number>, lower: Float64Array, upper: Float64Array): Float64Array {
  for (let j = 0; j < out.length; j++) out[j] = Math.min(upper[j], Math.max(lower[j], x[j]));
  return out;
}
