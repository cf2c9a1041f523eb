import { choleskySolve } from './linalg';
import { clampInto, projectedGradientNorm, type MinimizeResult, type Residuals, type StopReason } from './optimizer';

/**
 * Levenberg–Marquardt for f(x) = ½·Σ r_i(x)², with the law's analytic Jacobian, Marquardt's
 * diagonal scaling (so log-scale and exponent parameters are damped on their own scales),
 * Nielsen's damping update, and box bounds: variables held at a bound by the gradient are
 * removed from the step, the rest of the step is projected into the box.
 */

export interface LmOptions {
  maxIterations: number;
  gradientTolerance: number;
  objectiveTolerance: number;
  stepTolerance: number;
  /** As in L-BFGS-B: no decrease possible in double precision counts as converged below this gradient. */
  stallTolerance: number;
}

export const defaultLm: LmOptions = {
  maxIterations: 1000,
  gradientTolerance: 1e-12,
  objectiveTolerance: 1e-15,
  stepTolerance: 1e-13,
  stallTolerance: 1e-6,
};

export function levenbergMarquardt(
  residuals: Residuals,
  start: ArrayLike<number>,
  lower: Float64Array,
  upper: Float64Array,
  options: Partial<LmOptions> = {},
): MinimizeResult {
  const opts = { ...defaultLm, ...options };
  const n = residuals.dim;
  const m = residuals.m;
  let x: Float64Array = clampInto(new Float64Array(n), start, lower, upper);
  let r = new Float64Array(m);
  let J = new Float64Array(m * n);
  let rt = new Float64Array(m);
  let Jt = new Float64Array(m * n);
  let xt: Float64Array = new Float64Array(n);
  const g = new Float64Array(n);
  const A = new Float64Array(n * n);
  const M = new Float64Array(n * n);
  const step = new Float64Array(n);
  const freeIndex = new Int32Array(n);

  let evaluations = 1;
  if (!residuals.evaluate(x, r, J)) {
    return { x, f: Infinity, projectedGradient: NaN, iterations: 0, evaluations, converged: false, reason: 'undefined-start' };
  }
  let cost = halfSquares(r);
  let lambda = -1;
  let nu = 2;
  let iterations = 0;
  let reason: StopReason = 'max-iterations';
  let pg = 0;

  while (iterations < opts.maxIterations) {
    normalEquations(J, r, m, n, A, g);
    pg = projectedGradientNorm(x, g, lower, upper);
    if (pg <= opts.gradientTolerance) {
      reason = 'gradient';
      break;
    }
    let nFree = 0;
    for (let j = 0; j < n; j++) {
      const held = (x[j] <= lower[j] && g[j] > 0) || (x[j] >= upper[j] && g[j] < 0);
      if (!held) freeIndex[nFree++] = j;
    }
    if (lambda < 0) {
      let maxDiag = 0;
      for (let j = 0; j < n; j++) maxDiag = Math.max(maxDiag, A[j * n + j]);
      lambda = 1e-3 * maxDiag;
    }

    let accepted = false;
    while (!accepted) {
      // Marquardt: (A + λ·diag(A))·δ = −g on the free variables.
      for (let a = 0; a < nFree; a++) {
        const ja = freeIndex[a];
        for (let b = 0; b < nFree; b++) M[a * nFree + b] = A[ja * n + freeIndex[b]];
        M[a * nFree + a] += lambda * Math.max(A[ja * n + ja], 1e-300);
        step[a] = -g[ja];
      }
      const solved = choleskySolve(M, step, nFree);
      for (let j = 0; j < n; j++) xt[j] = x[j];
      if (solved) for (let a = 0; a < nFree; a++) xt[freeIndex[a]] += step[a];
      clampInto(xt, xt, lower, upper);

      let stepNorm = 0;
      let xNorm = 0;
      let predicted = 0;
      for (let j = 0; j < n; j++) {
        const sj = xt[j] - x[j];
        stepNorm += sj * sj;
        xNorm += x[j] * x[j];
        let As = 0;
        for (let k = 0; k < n; k++) As += A[j * n + k] * (xt[k] - x[k]);
        predicted -= g[j] * sj + 0.5 * sj * As;
      }
      if (solved && Math.sqrt(stepNorm) <= opts.stepTolerance * (Math.sqrt(xNorm) + opts.stepTolerance)) {
        reason = 'step';
        break;
      }
      const ok = solved && residuals.evaluate(xt, rt, Jt);
      evaluations++;
      const trialCost = ok ? halfSquares(rt) : Infinity;
      if (trialCost < cost) {
        const rho = predicted > 0 ? (cost - trialCost) / predicted : 0;
        lambda *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
        nu = 2;
        accepted = true;
      } else {
        lambda *= nu;
        nu *= 2;
        if (!(lambda < 1e30)) {
          reason = 'line-search';
          break;
        }
      }
    }
    if (!accepted) break;
    iterations++;
    [x, xt] = [xt, x];
    [r, rt] = [rt, r];
    [J, Jt] = [Jt, J];
    const prev = cost;
    cost = halfSquares(r);
    if (prev - cost <= opts.objectiveTolerance * Math.max(prev, 1e-300)) {
      normalEquations(J, r, m, n, A, g);
      pg = projectedGradientNorm(x, g, lower, upper);
      reason = 'objective';
      break;
    }
  }
  const converged =
    reason === 'gradient' || reason === 'objective' || reason === 'step' || (reason === 'line-search' && pg <= opts.stallTolerance);
  return { x, f: cost, projectedGradient: pg, iterations, evaluations, converged, reason };
}

function halfSquares(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return 0.5 * s;
}

function normalEquations(J: Float64Array, r: Float64Array, m: number, n: number, A: Float64Array, g: Float64Array): void {
  A.fill(0);
  g.fill(0);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    const ri = r[i];
    for (let j = 0; j < n; j++) {
      const jij = J[row + j];
      g[j] += jij * ri;
      for (let k = 0; k <= j; k++) A[j * n + k] += jij * J[row + k];
    }
  }
  for (let j = 0; j < n; j++) for (let k = 0; k < j; k++) A[k * n + j] = A[j * n + k];
}
