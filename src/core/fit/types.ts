import type { ResidualSpace } from '../laws/law';

/**
 * The fitting engine's public shapes. Results are plain JSON: no typed arrays, no NaN or
 * Infinity (null stands for "undefined"), so the server can cache them and the CLI can print
 * them as they are.
 */

/** `huber`: Σ Huber_δ(residual) by L-BFGS-B (the Chinchilla approach 3 fit); `least-squares`: ½·Σ residual² by Levenberg–Marquardt. */
export type FitMethod = 'huber' | 'least-squares';

/** Columns of numbers keyed by variable and response name (`N`, `D`, `L`, ...); extra columns are ignored. */
export type FitData = Readonly<Record<string, ArrayLike<number>>>;

export interface FitOptions {
  method?: FitMethod;
  /** Space of the residuals; `log` (default) compares log L̂ with log L. */
  space?: ResidualSpace;
  /** Huber threshold on residuals; default 1e-3 (Hoffmann et al. 2022). */
  delta?: number;
  /** Starting points (natural scale, parameter order), replacing the law's start grid. */
  starts?: readonly (readonly number[])[];
  /** Natural-scale bounds by parameter name, replacing the law's. */
  bounds?: Readonly<Record<string, readonly [number, number]>>;
  /**
   * Parameters held at these values (natural scale) instead of fitted, e.g. a law's published
   * exponents when a small sweep can only pin down its scale. They are reported in `params`
   * with the point interval [v, v].
   */
  fixed?: Readonly<Record<string, number>>;
  /** Bootstrap resamples; 0 turns the bootstrap (and the intervals) off. Default 1000. */
  resamples?: number;
  /** Bootstrap seed; the same seed and data give the same intervals. Default 0. */
  seed?: number;
  /** Run identifier per row: the bootstrap resamples runs, keeping each run's points together. */
  groups?: ArrayLike<number | string>;
  /** Interval coverage. Default 0.95. */
  ciLevel?: number;
  /** Inputs of derived quantities by name (e.g. `C`, `k`, `D_inference`, `target`), over the laws' defaults. */
  inputs?: Readonly<Record<string, number>>;
  /** Points to predict at, as columns keyed by variable name. */
  predict?: Readonly<Record<string, ArrayLike<number>>>;
  /** Rows with NaN or out-of-domain values: dropped with a warning (default) or the fit fails. */
  invalidRows?: 'drop' | 'fail';
  /** Keep each resample's parameters in the result (for drawing bands later). */
  keepSamples?: boolean;
  /** A start "reached the best" when its objective is within this relative distance. Default 1e-5. */
  bestTolerance?: number;
  /**
   * Stop a start where its path joins an earlier start's (see FitSuccess.startOutcomes); only
   * laws whose kernel declares a parameter geometry (Chinchilla) do. Default true; false runs
   * every start to its end, slower, for a count with no joined starts.
   */
  joinStarts?: boolean;
  /**
   * Threads the starts are screened and the bootstrap refitted on: default one per core, 1 for
   * the calling thread only. The result is the same either way (see parallel.ts); only the
   * time differs.
   */
  threads?: number;
  tolerance?: { gradient?: number; objective?: number; maxIterations?: number };
}

export type IssueSeverity = 'error' | 'warning' | 'info';

/** A data problem or a warning about the fit, with a stable code such as `data/non-positive`. */
export interface FitIssue {
  code: string;
  severity: IssueSeverity;
  message: string;
  /** Parameters concerned, for fit warnings. */
  params?: string[];
  /** Column concerned, for data problems. */
  column?: string;
  /** 0-based indices into the input rows (at most 50 listed). */
  rows?: number[];
}

export type Interval = [number, number];

export interface DerivedResult {
  id: string;
  title: string;
  unit?: string;
  inputs: Record<string, number>;
  value: number | null;
  ci: Interval | null;
}

export interface PredictionResult {
  points: Record<string, number[]>;
  value: (number | null)[];
  ci: (Interval | null)[];
}

/**
 * How the multi-start's runs ended. Each start's L-BFGS-B run goes to the screening tolerance
 * (projected gradient ≤ 1e-5, or three iterations in a row each lowering f by ≤ 1e-8 relative,
 * or 1,000 iterations), unless it joins: after an iteration, its parameters came within 0.01
 * of a point on the path of an earlier start, in the law kernel's parameter geometry (for
 * Chinchilla: e, a − α·mean(log N), b − β·mean(log D), α·sd(log N) and β·sd(log D) each within
 * 0.01), at a point where every parameter still moves some prediction by ≥ 0.1% per unit. It
 * is stopped there and counted as ending where that earlier start ended. That is an inference,
 * not a run to the end: running every start to its end as well, the two disagreed for none of
 * 6,639 joins on bench/fit-chinchilla.ts's sweeps and for 0.4% of joins on small (40-point)
 * sweeps with a second minimum beside the best. Laws without a declared geometry, and
 * `joinStarts: false`, run every start to its end (the joined counts are then 0).
 */
export interface StartOutcomes {
  /** Its own run ended within the tolerance of the best objective. */
  reachedBest: number;
  /** Stopped early, having joined the path of a start counted in `reachedBest`. */
  joinedBest: number;
  /** Its own run converged to a worse objective (another local minimum, or a plateau where a term vanished). */
  endedElsewhere: number;
  /** Stopped early, having joined the path of a start counted in `endedElsewhere` or `unfinished`. */
  joinedElsewhere: number;
  /** Its own run stopped above the best without converging (iteration limit, failed line search, undefined start). */
  unfinished: number;
}

export interface BootstrapSummary {
  resamples: number;
  seed: number;
  /** What was resampled: whole runs (`groups` given) or single points. */
  unit: 'run' | 'point';
  units: number;
  /** Resamples whose refit was undefined (left out of the intervals). */
  failed: number;
  unconverged: number;
  /** Per resample, the parameters in declared order (with `keepSamples`). */
  samples?: number[][];
}

interface FitCommon {
  law: string;
  method: FitMethod;
  space: ResidualSpace;
  /** Huber threshold, or null for least squares. */
  delta: number | null;
  n_points: number;
  problems: FitIssue[];
  warnings: FitIssue[];
}

export interface FitSuccess extends FitCommon {
  ok: true;
  /** Natural-scale values by the law's parameter names. */
  params: Record<string, number>;
  ci: Record<string, Interval>;
  ciLevel: number;
  /** The parameters that were held fixed (`FitOptions.fixed`), when any were. */
  fixed?: Record<string, number>;
  /** Huber: Σ Huber_δ(residual); least squares: ½·Σ residual². At the best start, on all kept points. */
  objective: number;
  converged: boolean;
  /** Distinct usable starting points the multi-start ran. */
  starts: number;
  /**
   * Starts that reached the best objective, `startOutcomes.reachedBest + startOutcomes.joinedBest`:
   * those whose own run (to the screening tolerance, see StartOutcomes) ended within
   * `bestTolerance` (relative) of `objective`, and those stopped early where their path joined
   * the path of an earlier start whose own run ended there. Few means a rugged objective, or
   * plateaus where runs stall: other start grids might miss the best.
   */
  startsAtBest: number;
  /** How every start's run ended; the five counts sum to `starts`. */
  startOutcomes: StartOutcomes;
  iterations: number;
  /** Root mean square residual, in the fit's space. */
  rmse: number;
  /** From the residual sum of squares, counting the noise variance as a parameter. */
  aic: number;
  bic: number;
  /** Condition number of the column-scaled Gram matrix JᵀJ at the optimum (large: flat directions). */
  condition: number | null;
  /** Input row of each kept point, and its residual (prediction − observation, fit space). */
  rows: number[];
  residuals: number[];
  derived: DerivedResult[];
  predictions?: PredictionResult;
  bootstrap: BootstrapSummary | null;
}

export interface FitFailure extends FitCommon {
  ok: false;
  params: Record<string, never>;
  ci: Record<string, never>;
  objective: null;
  converged: false;
}

export type FitResult = FitSuccess | FitFailure;
