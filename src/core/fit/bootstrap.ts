import type { MinimizeResult } from './optimizer';
import { parallelRefits, type ProblemSpec } from './parallel';
import { createRandom } from './random';
import { makeSolver, type FitProblem, type Tolerance } from './solver';

/**
 * Nonparametric bootstrap over runs: each resample draws as many units (runs, or points when
 * no runs are given) as the data has, with replacement, and refits from the best fit. Drawn
 * units enter the objective with their multiplicity as a weight, so nothing is copied twice.
 * With a ProblemSpec (a registry law), the refits run on every core (see parallel.ts).
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

export function runBootstrap(
  problem: FitProblem,
  best: Float64Array,
  opts: BootstrapOptions,
  tolerance: Tolerance,
  spec?: ProblemSpec,
  threads?: number,
): BootstrapRun {
  const draws: Draws = { seed: opts.seed, groups: opts.groups, units: opts.units };
  const results = spec
    ? parallelRefits(problem, spec, best, tolerance, draws, opts.resamples, threads)
    : Array.from({ length: opts.resamples }, (_, b) => refitResample(problem, best, tolerance, draws, b));
  const thetas: Float64Array[] = [];
  let failed = 0;
  let unconverged = 0;
  for (const result of results) {
    if (!Number.isFinite(result.f)) {
      failed++;
      continue;
    }
    if (!result.converged) unconverged++;
    thetas.push(result.x);
  }
  return { thetas, failed, unconverged };
}

/** How resamples are drawn: everything a thread needs to draw resample b by itself. */
export interface Draws {
  seed: number;
  groups: Int32Array | null;
  units: number;
}

/**
 * Resample b's refit. Each resample draws from its own stream (seeded from the bootstrap's seed
 * and b), so any thread can draw any resample and the set is the same however they are shared.
 */
export function refitResample(problem: FitProblem, best: Float64Array, tolerance: Tolerance, draws: Draws, b: number): MinimizeResult {
  const n = problem.y.length;
  const { groups, units } = draws;
  const random = createRandom(resampleSeed(draws.seed, b));
  const drawn = new Float64Array(units);
  for (let k = 0; k < units; k++) drawn[random.int(units)]++;
  let m = 0;
  for (let i = 0; i < n; i++) if (drawn[groups ? groups[i] : i] > 0) m++;
  const index = new Int32Array(m);
  const weights = new Float64Array(m);
  for (let i = 0, k = 0; i < n; i++) {
    const w = drawn[groups ? groups[i] : i];
    if (w > 0) {
      index[k] = i;
      weights[k++] = w;
    }
  }
  return makeSolver(problem, tolerance, { index, weights })(best);
}

/** A 32-bit seed for resample b of a bootstrap seeded `seed` (mixed, so neighbouring (seed, b) are unrelated). */
function resampleSeed(seed: number, b: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x85ebca6b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ (b >>> 0), 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15), 0x165667b1);
  return (h ^ (h >>> 16)) >>> 0;
}
