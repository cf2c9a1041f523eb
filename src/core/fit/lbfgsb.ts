import { defaultLineSearch, moreThuente, type LineFunction } from './lineSearch';
import { choleskyFactor, choleskySubstitute } from './linalg';
import { clampInto, projectedGradientNorm, type MinimizeResult, type Objective, type StopReason } from './optimizer';

/**
 * Bounded limited-memory BFGS. Like L-BFGS-B (Byrd, Lu, Nocedal and Zhu 1995) it keeps the
 * last m curvature pairs, takes box constraints, and steps with a Moré–Thuente search capped at
 * the first bound. It picks the active set from the projected gradient rather than from a
 * generalised Cauchy point: laws have a handful of parameters and optima are nearly always
 * interior, where the two coincide; bench/fit-chinchilla.ts checks it against scipy's.
 */

export interface LbfgsbOptions {
  /** Curvature pairs kept (scipy's `maxcor`). */
  memory: number;
  maxIterations: number;
  /** Stop when the projected gradient's largest component is at most this. */
  gradientTolerance: number;
  /** Stop when an iteration lowers f by at most this fraction of |f|. */
  objectiveTolerance: number;
  /**
   * When even a steepest-descent search cannot lower f in double precision, the point counts as
   * converged if the projected gradient is at most this: rounding, not the optimizer, stopped it.
   */
  stallTolerance: number;
  /** Consecutive quasi-Newton iterations that must each meet the objective test: slow valleys make single small steps. */
  patience: number;
  /**
   * Called after every iteration with the new point, objective and gradient; returning true
   * stops the run there (reason `monitor`). The multi-start uses it to stop a start whose fate
   * is already known.
   */
  monitor?: (x: Float64Array, f: number, g: Float64Array, iteration: number) => boolean;
  /**
   * A symmetric positive definite n×n matrix B (row-major) standing in for the identity as the
   * initial Hessian approximation: L-BFGS-B then runs as it would in coordinates φ with
   * θ = T·φ, B = (T·Tᵀ)⁻¹, while the bounds stay boxes in θ. Laws whose parameters trade off
   * strongly (a log-scale against its exponent) take far fewer steps with a B that knows it.
   */
  preconditioner?: Float64Array | null;
}

export const defaultLbfgsb: LbfgsbOptions = {
  memory: 10,
  maxIterations: 2000,
  gradientTolerance: 1e-10,
  objectiveTolerance: 1e-15,
  stallTolerance: 1e-6,
  patience: 1,
};

export function minimizeBounded(
  objective: Objective,
  start: ArrayLike<number>,
  lower: Float64Array,
  upper: Float64Array,
  options: Partial<LbfgsbOptions> = {},
): MinimizeResult {
  const opts = { ...defaultLbfgsb, ...options };
  const n = objective.dim;
  const m = opts.memory;
  const x = clampInto(new Float64Array(n), start, lower, upper);
  const g = new Float64Array(n);
  let f = objective.evaluate(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f)) {
    return { x, f, projectedGradient: NaN, iterations: 0, evaluations, converged: false, reason: 'undefined-start' };
  }

  const S = new Float64Array(m * n);
  const Y = new Float64Array(m * n);
  const rho = new Float64Array(m);
  const alphas = new Float64Array(m);
  let stored = 0;
  let newest = -1;
  const d = new Float64Array(n);
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);
  const free = new Uint8Array(n);
  const B = opts.preconditioner ?? null;
  const q = new Float64Array(n);
  const z = new Float64Array(n);
  // The Cholesky factor of B restricted to the free variables (held ones get an identity row):
  // held variables have d_j = 0, and the model's best step on the others solves B_FF·d_F = −g_F
  // (not −(B⁻¹)_FF·g_F). The free set rarely changes, so the last factor is kept.
  const L = B === null ? null : new Float64Array(n * n);
  let factorMask = -1;
  let factorOk = false;
  const refactor = (): void => {
    if (L === null || B === null) return;
    // (Beyond 30 variables the mask cannot name the free set: refactor every time.)
    let mask = 0;
    for (let j = 0; j < n && j < 30; j++) if (free[j]) mask |= 1 << j;
    if (mask === factorMask && n <= 30) return;
    factorMask = mask;
    L.set(B);
    for (let j = 0; j < n; j++) {
      if (!free[j]) {
        for (let k = 0; k < n; k++) L[j * n + k] = L[k * n + j] = 0;
        L[j * n + j] = 1;
      }
    }
    factorOk = choleskyFactor(L, n);
  };

  // d ← scale·B_FF⁻¹·d on the free variables (held ones are zero in d already).
  const applyH0 = (scale: number): void => {
    if (L !== null && factorOk) choleskySubstitute(L, d, n);
    for (let j = 0; j < n; j++) d[j] = free[j] ? scale * d[j] : 0;
  };
  // yᵀ·B_FF⁻¹·y over the free variables, for the scaling γ.
  const yHy = (slot: number): number => {
    for (let j = 0; j < n; j++) z[j] = q[j] = free[j] ? Y[slot * n + j] : 0;
    if (L !== null && factorOk) choleskySubstitute(L, z, n);
    let yy = 0;
    for (let j = 0; j < n; j++) yy += q[j] * z[j];
    return yy;
  };

  const line = new ProjectedPath(objective, x, d, xt, gt, lower, upper);

  // −H·g on the free variables by the two-loop recursion (run on −g, hence the signs); bound-held
  // components stay at zero.
  const direction = (useMemory: boolean): number => {
    for (let j = 0; j < n; j++) {
      free[j] = (x[j] <= lower[j] && g[j] > 0) || (x[j] >= upper[j] && g[j] < 0) ? 0 : 1;
      d[j] = free[j] ? -g[j] : 0;
    }
    if (B !== null) refactor();
    if (!(useMemory && stored > 0) && B !== null) applyH0(1);
    if (useMemory && stored > 0) {
      for (let k = 0, slot = newest; k < stored; k++, slot = (slot - 1 + m) % m) {
        let a = 0;
        for (let j = 0; j < n; j++) a += S[slot * n + j] * d[j];
        a *= rho[slot];
        alphas[slot] = a;
        for (let j = 0; j < n; j++) d[j] -= a * Y[slot * n + j];
      }
      let sy = 0;
      for (let j = 0; j < n; j++) sy += S[newest * n + j] * Y[newest * n + j];
      if (B === null) {
        let yy = 0;
        for (let j = 0; j < n; j++) yy += Y[newest * n + j] * Y[newest * n + j];
        const gamma = sy / yy;
        for (let j = 0; j < n; j++) d[j] *= gamma;
      } else {
        applyH0(sy / yHy(newest));
      }
      for (let k = 0, slot = (newest - stored + 1 + m) % m; k < stored; k++, slot = (slot + 1) % m) {
        let beta = 0;
        for (let j = 0; j < n; j++) beta += Y[slot * n + j] * d[j];
        beta *= rho[slot];
        const c = alphas[slot] - beta;
        for (let j = 0; j < n; j++) d[j] += c * S[slot * n + j];
      }
    }
    let gd = 0;
    for (let j = 0; j < n; j++) {
      if (!free[j] || (x[j] <= lower[j] && d[j] < 0) || (x[j] >= upper[j] && d[j] > 0)) d[j] = 0;
      gd += g[j] * d[j];
    }
    return gd;
  };

  let iterations = 0;
  let smallSteps = 0;
  let reason: StopReason = 'max-iterations';
  let pg = projectedGradientNorm(x, g, lower, upper);
  while (iterations < opts.maxIterations) {
    if (pg <= opts.gradientTolerance) {
      reason = 'gradient';
      break;
    }
    const quasiNewton = stored > 0;
    let gd = direction(true);
    if (!(gd < 0)) {
      stored = 0;
      gd = direction(false);
      if (!(gd < 0)) {
        reason = 'line-search';
        break;
      }
    }
    let stpmax = Infinity;
    let dnorm = 0;
    for (let j = 0; j < n; j++) {
      dnorm += d[j] * d[j];
      if (d[j] < 0) stpmax = Math.min(stpmax, (lower[j] - x[j]) / d[j]);
      else if (d[j] > 0) stpmax = Math.min(stpmax, (upper[j] - x[j]) / d[j]);
    }
    if (stpmax === Infinity) stpmax = 1e20;
    // Without curvature information the direction is −g, whose length says nothing about scale.
    // (With a preconditioner, the length that matters is d's in φ: √(gᵀ·B⁻¹·g) = √(−g·d).)
    const stp0 = stored === 0 ? Math.min(1 / Math.sqrt(B === null ? dnorm : -gd), stpmax) : Math.min(1, stpmax);
    const ls = moreThuente(line, f, gd, stp0, stpmax, defaultLineSearch);
    evaluations += ls.evaluations;
    if (ls.status === 'fail') {
      if (stored > 0) {
        stored = 0;
        continue;
      }
      reason = 'line-search';
      break;
    }
    if (!ls.current) {
      line.value(ls.stp);
      evaluations++;
    }
    iterations++;
    let sy = 0;
    let yy = 0;
    for (let j = 0; j < n; j++) {
      const y = gt[j] - g[j];
      sy += (xt[j] - x[j]) * y;
      yy += y * y;
    }
    // A pair without positive curvature would break positive definiteness: skip it.
    if (sy > 2.2e-16 * yy) {
      const slot = (newest + 1) % m;
      for (let j = 0; j < n; j++) {
        S[slot * n + j] = xt[j] - x[j];
        Y[slot * n + j] = gt[j] - g[j];
      }
      rho[slot] = 1 / sy;
      newest = slot;
      stored = Math.min(stored + 1, m);
    }
    const fPrev = f;
    f = ls.f;
    for (let j = 0; j < n; j++) {
      x[j] = xt[j];
      g[j] = gt[j];
    }
    pg = projectedGradientNorm(x, g, lower, upper);
    if (opts.monitor?.(x, f, g, iterations)) {
      reason = 'monitor';
      break;
    }
    // A steepest-descent step (first, or after a reset) is too short a test of convergence.
    const small = quasiNewton && fPrev - f <= opts.objectiveTolerance * Math.max(Math.abs(fPrev), Math.abs(f), 1e-300);
    smallSteps = small ? smallSteps + 1 : 0;
    if (smallSteps >= opts.patience) {
      reason = 'objective';
      break;
    }
  }
  const converged = reason === 'gradient' || reason === 'objective' || (reason === 'line-search' && pg <= opts.stallTolerance);
  return { x, f, projectedGradient: pg, iterations, evaluations, converged, reason };
}

/**
 * φ(t) = f(P(x + t·d)) for the line search. A class rather than a closure, so the search's
 * call site always sees the same function and V8 keeps it optimised across many fits.
 */
class ProjectedPath implements LineFunction {
  slope = 0;
  constructor(
    private readonly objective: Objective,
    private readonly x: Float64Array,
    private readonly d: Float64Array,
    private readonly xt: Float64Array,
    private readonly gt: Float64Array,
    private readonly lower: Float64Array,
    private readonly upper: Float64Array,
  ) {}

  value(stp: number): number {
    const { x, d, xt, gt, lower, upper } = this;
    const n = x.length;
    for (let j = 0; j < n; j++) xt[j] = Math.min(upper[j], Math.max(lower[j], x[j] + stp * d[j]));
    const v = this.objective.evaluate(xt, gt);
    let s = 0;
    for (let j = 0; j < n; j++) s += gt[j] * d[j];
    this.slope = s;
    return v;
  }
}
