import type { Law, ResidualSpace } from '../laws/law';
import { minimizeBounded } from './lbfgsb';
import { levenbergMarquardt } from './levenbergMarquardt';
import { compileLaw, type Coordinates } from './model';
import { newtonPolish } from './newtonPolish';
import { huberObjective, leastSquaresResiduals } from './objective';
import type { MinimizeResult } from './optimizer';
import type { FitMethod } from './types';

/** One law, one dataset, one criterion: everything a start or a bootstrap resample refits. */
export interface FitProblem {
  law: Law;
  coords: Coordinates;
  method: FitMethod;
  space: ResidualSpace;
  delta: number;
  /** Variables in declared order. */
  x: readonly Float64Array[];
  /** Response in the fit's space. */
  y: Float64Array;
}

export interface Tolerance {
  gradient: number;
  objective: number;
  maxIterations: number;
  /** Consecutive iterations meeting the objective test before stopping (L-BFGS-B only). */
  patience: number;
}

/** A subset of rows with multiplicities, as a bootstrap resample draws them. */
export interface Subset {
  index: ArrayLike<number>;
  weights: Float64Array;
}

/** Called after each iteration; true stops the run there (reason `monitor`). L-BFGS-B only. */
export type Monitor = (x: Float64Array, f: number, g: Float64Array, iteration: number) => boolean;

export interface Solver {
  (start: Float64Array, monitor?: Monitor): MinimizeResult;
  /** The law kernel's parameter geometry (see ParameterGeometry), or null. */
  readonly geometry: Float64Array | null;
}

/** With `refine`, the Huber fit ends with Newton steps (see newtonPolish): for the final best fit only. */
export function makeSolver(problem: FitProblem, tolerance: Tolerance, subset?: Subset, refine = false): Solver {
  const x = subset ? problem.x.map((c) => gather(c, subset.index)) : problem.x;
  const y = subset ? gather(problem.y, subset.index) : problem.y;
  const weights = subset ? subset.weights : null;
  const model = compileLaw(problem.law, x, problem.space);
  const dim = problem.law.parameters.length;
  const { lower, upper } = problem.coords;
  if (problem.method === 'huber') {
    const objective = huberObjective(model, dim, y, weights, problem.delta);
    const opts = {
      gradientTolerance: tolerance.gradient,
      objectiveTolerance: tolerance.objective,
      maxIterations: tolerance.maxIterations,
      patience: tolerance.patience,
    };
    const geometry = objective.geometry ?? null;
    const solve = (start: Float64Array, monitor?: Monitor): MinimizeResult => {
      const result = minimizeBounded(objective, start, lower, upper, { ...opts, preconditioner: geometry, monitor });
      return refine ? newtonPolish(objective, result, lower, upper) : result;
    };
    return Object.assign(solve, { geometry });
  }
  const residuals = leastSquaresResiduals(model, dim, y, weights);
  const opts = { gradientTolerance: tolerance.gradient, objectiveTolerance: tolerance.objective, maxIterations: tolerance.maxIterations };
  return Object.assign((start: Float64Array) => levenbergMarquardt(residuals, start, lower, upper, opts), { geometry: null });
}

function gather(column: Float64Array, index: ArrayLike<number>): Float64Array {
  const out = new Float64Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = column[index[i]];
  return out;
}
