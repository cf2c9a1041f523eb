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
  starts: number;
  startsAtBest: number;
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
