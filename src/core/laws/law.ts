/**
 * What a scaling law declares so the fitting engine, the report and the editor can use it
 * without knowing how it was written. A law may be hand-written (the modules next to this one)
 * or built at run time from a formula the user typed (parsed and differentiated symbolically):
 * nothing here assumes the former, so `predict` and `gradient` are plain closures and the fast
 * compiled kernel is optional.
 */

/** Where a variable, response or parameter may live; fitting checks data against it. */
export type Domain = 'positive' | 'nonnegative' | 'real';

export interface Variable {
  /** Column name in the data, e.g. `N`, `D`, `C`, `S1`, `P`. */
  name: string;
  description: string;
  unit?: string;
  domain: Domain;
}

export interface Response {
  /** Column name in the data, e.g. `L` (loss) or `R` (reward). */
  name: string;
  description: string;
  domain: Domain;
}

/**
 * `log`: the optimizer moves log(value). For positive scale factors that span decades
 * (A, B, E, N_c): steps are then relative, and the Chinchilla form becomes the log-sum-exp
 * parameterisation of Hoffmann et al. (2022) approach 3.
 */
export type ParameterScale = 'log' | 'linear';

export interface Parameter {
  /** The name users see in results and formulas: `E`, `A`, `alpha`. */
  name: string;
  latex: string;
  description: string;
  /** Natural-scale bounds; a `log` parameter needs lower > 0. */
  lower: number;
  upper: number;
  scale: ParameterScale;
  /** Starting values on the natural scale; the default start grid is the product over parameters. */
  starts: readonly number[];
}

export interface Citation {
  authors: string;
  year: number;
  title: string;
  url?: string;
}

/** Values by parameter name, on the natural scale. */
export type ParamValues = Readonly<Record<string, number>>;

/** Validated data columns by name (variables and response), all the same length. */
export type DataColumns = Readonly<Record<string, Float64Array>>;

export interface DerivedInput {
  name: string;
  description: string;
  unit?: string;
  /** Omitted: the quantity is only computed when the caller supplies this input. */
  default?: number | ((data: DataColumns) => number);
}

/**
 * A quantity computed from fitted parameters (and inputs such as a compute budget), reported
 * with a bootstrap interval like the parameters themselves.
 */
export interface DerivedQuantity {
  id: string;
  title: string;
  description: string;
  unit?: string;
  inputs: readonly DerivedInput[];
  /** NaN when undefined for these parameters (e.g. a target loss below the asymptote). */
  compute(p: ParamValues, inputs: Readonly<Record<string, number>>): number;
}

export type ResidualSpace = 'log' | 'linear';

/**
 * A law bound to one dataset, in optimizer coordinates θ: θ_j = log(p_j) for `log` parameters
 * and p_j otherwise. Fitting spends nearly all its time here.
 */
export interface CompiledModel {
  readonly n: number;
  /**
   * Writes the prediction of every point into `out` (its log in `log` space) and, when `jac`
   * is given, ∂out_i/∂θ_j into `jac[i * p + j]`. Returns false when some prediction leaves
   * the response domain (e.g. ≤ 0 in log space), so the optimizer can step back.
   */
  evaluate(theta: Float64Array, out: Float64Array, jac: Float64Array | null): boolean;
  /**
   * Optional, for the hottest laws, on models compiled in log space: the Huber objective
   * Σ w_i·Huber_δ(log f_i − y_i) and its gradient in θ in one pass, with no Jacobian stored.
   * Must agree with `evaluate` followed by the engine's own sum (the tests check it).
   */
  logHuber?(y: Float64Array, weights: Float64Array | null, delta: number): HuberKernel;
}

/** f(θ) with its gradient written into `grad`, as the optimizers take it. */
export interface HuberKernel {
  evaluate(theta: Float64Array, grad: Float64Array): number;
}

export interface Law {
  /** Stable registry name, used by `--law` and in results. */
  id: string;
  title: string;
  citation: readonly Citation[];
  formula: { text: string; latex: string };
  variables: readonly Variable[];
  response: Response;
  parameters: readonly Parameter[];
  /** The prediction at one point: `x` holds the variables and `p` the parameters, in declared order. */
  predict(x: ArrayLike<number>, p: ArrayLike<number>): number;
  /** The same prediction, writing ∂f/∂p_j (natural scale) into `grad`. */
  gradient(x: ArrayLike<number>, p: ArrayLike<number>, grad: Float64Array): number;
  /**
   * A faster or numerically safer kernel for a dataset (`columns` in variable order), e.g. a
   * log-sum-exp form. Return undefined for a space it does not handle; the engine then
   * builds one from `predict` and `gradient`.
   */
  compile?(columns: readonly Float64Array[], space: ResidualSpace): CompiledModel | undefined;
  /** Data-aware starting points (natural scale, parameter order); replaces the product of `starts`. */
  startGrid?(data: DataColumns): number[][];
  derived: readonly DerivedQuantity[];
  /** Published coefficients, for defaults and for comparing a fit with the paper. */
  published?: { params: ParamValues; source: string };
}

/** Parameter values by name from a vector in declared order. */
export function namedParams(law: Law, p: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  law.parameters.forEach((q, j) => {
    out[q.name] = p[j];
  });
  return out;
}

/** A vector in declared order from values by name; throws on a missing name. */
export function paramVector(law: Law, values: ParamValues): Float64Array {
  const v = new Float64Array(law.parameters.length);
  law.parameters.forEach((q, j) => {
    const value = values[q.name];
    if (value === undefined) throw new Error(`${law.id}: no value for parameter ${q.name}`);
    v[j] = value;
  });
  return v;
}

/** Evaluates a law at one point given by name, e.g. `evaluateLaw(chinchilla, { N, D }, params)`. */
export function evaluateLaw(law: Law, point: Readonly<Record<string, number>>, params: ParamValues): number {
  const x = law.variables.map((v) => {
    const value = point[v.name];
    if (value === undefined) throw new Error(`${law.id}: no value for variable ${v.name}`);
    return value;
  });
  return law.predict(x, paramVector(law, params));
}

/** The product of the parameters' `starts`, in parameter order. */
export function productGrid(lists: readonly (readonly number[])[]): number[][] {
  let grid: number[][] = [[]];
  for (const list of lists) {
    const next: number[][] = [];
    for (const prefix of grid) for (const value of list) next.push([...prefix, value]);
    grid = next;
  }
  return grid;
}
