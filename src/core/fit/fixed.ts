import type { CompiledModel, DerivedQuantity, Law, ParamValues } from '../laws/law';
import type { FitIssue } from './types';

/**
 * Holding some parameters of a law at given values: the law is rewritten as one over the free
 * parameters only, so the optimizers, the bootstrap and the diagnostics run unchanged and never
 * see a direction they may not move in. Results are then mapped back to the full law.
 */

export interface FixedLaw {
  law: Law;
  /** Indices of the free parameters in the full law's order. */
  free: number[];
  /** Full parameter vector with the free ones taken from `reduced`. */
  expand(reduced: ArrayLike<number>): Float64Array;
}

/** Problems with a `fixed` option: unknown names, non-finite or (for positive scales) non-positive values, nothing left to fit. A value outside the search bounds is allowed: bounds limit the search, not what a user may assert. */
export function fixedProblems(law: Law, fixed: Readonly<Record<string, number>>): FitIssue[] {
  const out: FitIssue[] = [];
  const bad = (name: string, why: string) =>
    out.push({ code: 'options/invalid-fixed', severity: 'error', params: [name], message: `Fixed value for ${name}: ${why}.` });
  for (const [name, value] of Object.entries(fixed)) {
    const q = law.parameters.find((p) => p.name === name);
    if (!q) bad(name, `${law.title} has no parameter ${name} (it has ${law.parameters.map((p) => p.name).join(', ')})`);
    else if (!Number.isFinite(value)) bad(name, `the value must be a finite number (got ${value})`);
    else if (q.scale === 'log' && !(value > 0)) bad(name, `${name} is a positive scale, so it must be above 0 (got ${value})`);
  }
  if (out.length === 0 && law.parameters.every((q) => q.name in fixed)) {
    out.push({ code: 'options/invalid-fixed', severity: 'error', message: `Every parameter of ${law.title} is fixed: there is nothing to fit.` });
  }
  return out;
}

export function fixParameters(law: Law, fixed: Readonly<Record<string, number>>): FixedLaw {
  const p = law.parameters.length;
  const free: number[] = [];
  const base = new Float64Array(p);
  law.parameters.forEach((q, j) => {
    if (q.name in fixed) base[j] = fixed[q.name];
    else free.push(j);
  });
  const f = free.length;
  const expand = (reduced: ArrayLike<number>): Float64Array => {
    const full = Float64Array.from(base);
    for (let j = 0; j < f; j++) full[free[j]] = reduced[j];
    return full;
  };
  // One scratch vector per law, reused: predict and gradient run once per point per evaluation.
  const scratch = Float64Array.from(base);
  const fullGrad = new Float64Array(p);
  const fill = (reduced: ArrayLike<number>): Float64Array => {
    for (let j = 0; j < f; j++) scratch[free[j]] = reduced[j];
    return scratch;
  };
  const withFixed = (values: ParamValues): ParamValues => ({ ...values, ...fixed });
  const derived: DerivedQuantity[] = law.derived.map((d) => ({ ...d, compute: (values, inputs) => d.compute(withFixed(values), inputs) }));

  const reduced: Law = {
    ...law,
    parameters: free.map((j) => law.parameters[j]),
    predict: (x, reducedP) => law.predict(x, fill(reducedP)),
    gradient(x, reducedP, grad) {
      const value = law.gradient(x, fill(reducedP), fullGrad);
      for (let j = 0; j < f; j++) grad[j] = fullGrad[free[j]];
      return value;
    },
    compile: law.compile ? (columns, space) => reduceModel(law, columns, space, base, free) : undefined,
    startGrid: law.startGrid ? (data) => law.startGrid!(data).map((start) => free.map((j) => start[j])) : undefined,
    derived,
    published: undefined,
  };
  return { law: reduced, free, expand };
}

/** The law's own compiled kernel, fed the fixed coordinates and with their Jacobian columns dropped. */
function reduceModel(law: Law, columns: readonly Float64Array[], space: 'log' | 'linear', base: Float64Array, free: number[]): CompiledModel | undefined {
  const model = law.compile?.(columns, space);
  if (!model) return undefined;
  const p = law.parameters.length;
  const f = free.length;
  const n = model.n;
  const theta = new Float64Array(p);
  law.parameters.forEach((q, j) => {
    theta[j] = q.scale === 'log' ? Math.log(base[j]) : base[j];
  });
  const fullJac = new Float64Array(n * p);
  return {
    n,
    evaluate(reducedTheta, out, jac) {
      for (let j = 0; j < f; j++) theta[free[j]] = reducedTheta[j];
      const ok = model.evaluate(theta, out, jac ? fullJac : null);
      if (ok && jac) {
        for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) jac[i * f + j] = fullJac[i * p + free[j]];
      }
      return ok;
    },
  };
}
