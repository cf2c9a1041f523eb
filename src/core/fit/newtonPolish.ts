import { choleskySolve } from './linalg';
import { projectedGradientNorm, type MinimizeResult, type Objective } from './optimizer';

/**
 * Newton steps from an L-BFGS-B optimum, with the Hessian from central differences of the
 * analytic gradient. A Huber objective with most residuals beyond δ has a nearly flat valley
 * at its minimum; a quasi-Newton model stalls there a few 1e-13 (relative) above the bottom,
 * which Newton's method, seeing the true curvature, reaches in a few steps. Only steps that
 * lower f are taken, so the result is never worse than the start.
 */
export function newtonPolish(objective: Objective, start: MinimizeResult, lower: Float64Array, upper: Float64Array, maxSteps = 10): MinimizeResult {
  const n = objective.dim;
  let x = Float64Array.from(start.x);
  const g = new Float64Array(n);
  let f = objective.evaluate(x, g);
  let evaluations = start.evaluations + 1;
  if (!Number.isFinite(f)) return start;
  const H = new Float64Array(n * n);
  const M = new Float64Array(n * n);
  const step = new Float64Array(n);
  const xp = new Float64Array(n);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  const trial = new Float64Array(n);
  const gt = new Float64Array(n);
  const free: number[] = [];
  let iterations = start.iterations;

  for (let s = 0; s < maxSteps; s++) {
    free.length = 0;
    for (let j = 0; j < n; j++) {
      const held = (x[j] <= lower[j] && g[j] > 0) || (x[j] >= upper[j] && g[j] < 0);
      if (!held) free.push(j);
    }
    if (free.length === 0) break;
    for (const j of free) {
      const h = 1e-6 * Math.max(1, Math.abs(x[j]));
      xp.set(x);
      xp[j] = x[j] + h;
      objective.evaluate(xp, gp);
      xp[j] = x[j] - h;
      objective.evaluate(xp, gm);
      evaluations += 2;
      for (let k = 0; k < n; k++) H[k * n + j] = (gp[k] - gm[k]) / (2 * h);
    }
    const k = free.length;
    let improved = false;
    // Levenberg damping only when the Hessian is not positive definite (a kink in the way).
    for (let mu = 0; mu < 1e3 && !improved; mu = mu === 0 ? 1e-10 : mu * 100) {
      let trace = 0;
      for (const j of free) trace += Math.abs(H[j * n + j]);
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) M[a * k + b] = 0.5 * (H[free[a] * n + free[b]] + H[free[b] * n + free[a]]);
        M[a * k + a] += (mu * trace) / k;
        step[a] = -g[free[a]];
      }
      if (!choleskySolve(M, step, k)) continue;
      for (let t = 1; t > 1e-4 && !improved; t *= 0.5) {
        trial.set(x);
        for (let a = 0; a < k; a++) {
          const j = free[a];
          trial[j] = Math.min(upper[j], Math.max(lower[j], x[j] + t * step[a]));
        }
        const ft = objective.evaluate(trial, gt);
        evaluations++;
        if (ft < f) {
          x = Float64Array.from(trial);
          f = ft;
          g.set(gt);
          improved = true;
        }
      }
    }
    iterations++;
    if (!improved) break;
  }
  if (!(f < start.f)) return start;
  return { ...start, x, f, iterations, evaluations, projectedGradient: projectedGradientNorm(x, g, lower, upper) };
}
