import type { CompiledModel, DataColumns, ResidualSpace } from './law';

/**
 * A kernel that writes log f_i and ∂log f_i/∂θ_j for every point. Laws whose prediction is a
 * sum of positive terms write it as a log-sum-exp, which neither overflows nor loses the
 * small terms, and get the linear-space kernel for free.
 * Returns false when some value is not finite.
 */
export type LogKernel = (theta: Float64Array, out: Float64Array, jac: Float64Array | null) => boolean;

export function modelFromLogKernel(n: number, p: number, space: ResidualSpace, kernel: LogKernel): CompiledModel {
  if (space === 'log') return { n, evaluate: kernel };
  return {
    n,
    evaluate(theta, out, jac) {
      if (!kernel(theta, out, jac)) return false;
      for (let i = 0; i < n; i++) {
        const f = Math.exp(out[i]);
        out[i] = f;
        if (jac) for (let j = i * p, end = j + p; j < end; j++) jac[j] *= f;
      }
      return true;
    },
  };
}

export function logColumn(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.log(x[i]);
  return out;
}

export function meanOf(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

export function meanLog(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.log(x[i]);
  return s / x.length;
}

export function minOf(x: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] < m) m = x[i];
  return m;
}

/** The column, or an error naming it: start grids run only on validated data. */
export function column(data: DataColumns, name: string): Float64Array {
  const c = data[name];
  if (!c) throw new Error(`no column ${name}`);
  return c;
}

/**
 * What a fused kernel may add to HuberKernel: how its parameters trade off, as a symmetric
 * positive definite p×p matrix B (row-major) shaped like the Gauss–Newton matrix of its terms.
 * For a term e^(a − α·log N) the pair (a, α) moves the prediction by Δa − Δα·log N, so
 * B = mean over points of (1, −log N)ᵀ(1, −log N). L-BFGS-B uses it as its initial Hessian
 * (the pair then moves together, as the data require), and the multi-start measures how far
 * apart two parameter vectors are in φ = Lᵀ·θ, B = L·Lᵀ (for the pair: a − α·mean(log N) and
 * α·sd(log N)), coordinate by coordinate.
 */
export interface ParameterGeometry {
  readonly geometry: Float64Array;
}

/** The geometry a kernel declares, or null: HuberKernel does not ask for one. */
export function geometryOf(kernel: object): Float64Array | null {
  const g = (kernel as Partial<ParameterGeometry>).geometry;
  return g instanceof Float64Array ? g : null;
}

/** The 2×2 block mean of (1, −x)ᵀ(1, −x) for a (log-scale, exponent) pair on column x, into B at (j, k). */
export function exponentBlock(b: Float64Array, p: number, j: number, k: number, x: ArrayLike<number>): void {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length;
  let square = 0;
  for (let i = 0; i < x.length; i++) square += x[i] * x[i];
  square /= x.length;
  b[j * p + j] = 1;
  b[j * p + k] = b[k * p + j] = -mean;
  // The spread of x keeps the block positive definite; one point (or all equal) would make it
  // singular, so floor the variance at a small share of the mean's square.
  b[k * p + k] = Math.max(square, mean * mean * (1 + 1e-6) + 1e-12);
}
