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
