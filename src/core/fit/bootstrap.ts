import { createRandom } from './random';
import { makeSolver, type FitProblem, type Tolerance } from './solver';

/**
 * Nonparametric bootstrap over runs: each resample draws as many units (runs, or points when
 * no runs are given) as the data has, with replacement, and refits from the best fit. Drawn
 * units enter the objective with their multiplicity as a weight, so nothing is copied twice.
 */

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** Unit of each row, or null for one unit per row. */
  groups: Int32Array | null;
  units: number;
}

export interface BootstrapRun {
  /** θ of every resample whose refit was defined. */
  thetas: Float64Array[];
  failed: number;
  unconverged: number;
}

export function runBootstrap(problem: FitProblem, best: Float64Array, opts: BootstrapOptions, tolerance: Tolerance): BootstrapRun {
  const n = problem.y.length;
  const random = createRandom(opts.seed);
  const drawn = new Float64Array(opts.units);
  const thetas: Float64Array[] = [];
  let failed = 0;
  let unconverged = 0;
  for (let b = 0; b < opts.resamples; b++) {
    drawn.fill(0);
    for (let k = 0; k < opts.units; k++) drawn[random.int(opts.units)]++;
    let m = 0;
    for (let i = 0; i < n; i++) if (drawn[opts.groups ? opts.groups[i] : i] > 0) m++;
    const index = new Int32Array(m);
    const weights = new Float64Array(m);
    for (let i = 0, k = 0; i < n; i++) {
      const w = drawn[opts.groups ? opts.groups[i] : i];
      if (w > 0) {
        index[k] = i;
        weights[k++] = w;
      }
    }
    const result = makeSolver(problem, tolerance, { index, weights })(best);
    if (!Number.isFinite(result.f)) {
      failed++;
      continue;
    }
    if (!result.converged) unconverged++;
    thetas.push(result.x);
  }
  return { thetas, failed, unconverged };
}
