import type { CompiledModel, Law, ResidualSpace } from '../laws/law';

/**
 * The bridge between a law's natural parameters and the optimizer's coordinates θ
 * (θ_j = log p_j for `log` parameters), and the generic kernel for laws that only give
 * `predict` and `gradient` (custom formulas, new laws before anyone writes a fast kernel).
 */

export interface Coordinates {
  /** Bounds in θ. */
  lower: Float64Array;
  upper: Float64Array;
  isLog: Uint8Array;
}

export function coordinates(law: Law, bounds: Readonly<Record<string, readonly [number, number]>> = {}): Coordinates {
  const p = law.parameters.length;
  const lower = new Float64Array(p);
  const upper = new Float64Array(p);
  const isLog = new Uint8Array(p);
  law.parameters.forEach((q, j) => {
    const [lo, hi] = bounds[q.name] ?? [q.lower, q.upper];
    isLog[j] = q.scale === 'log' ? 1 : 0;
    lower[j] = isLog[j] ? Math.log(lo) : lo;
    upper[j] = isLog[j] ? Math.log(hi) : hi;
  });
  return { lower, upper, isLog };
}

export function toTheta(c: Coordinates, natural: ArrayLike<number>, out = new Float64Array(c.isLog.length)): Float64Array {
  for (let j = 0; j < out.length; j++) out[j] = c.isLog[j] ? Math.log(natural[j]) : natural[j];
  return out;
}

export function toNatural(c: Coordinates, theta: ArrayLike<number>, out = new Float64Array(c.isLog.length)): Float64Array {
  for (let j = 0; j < out.length; j++) out[j] = c.isLog[j] ? Math.exp(theta[j]) : theta[j];
  return out;
}

/** The law's own kernel when it has one for this space, else one built from predict/gradient. */
export function compileLaw(law: Law, columns: readonly Float64Array[], space: ResidualSpace): CompiledModel {
  return law.compile?.(columns, space) ?? genericModel(law, columns, space);
}

export function genericModel(law: Law, columns: readonly Float64Array[], space: ResidualSpace): CompiledModel {
  const p = law.parameters.length;
  const v = columns.length;
  const n = v > 0 ? columns[0].length : 0;
  const isLog = law.parameters.map((q) => q.scale === 'log');
  const x = new Float64Array(v);
  const natural = new Float64Array(p);
  const grad = new Float64Array(p);
  const logSpace = space === 'log';
  return {
    n,
    evaluate(theta, out, jac) {
      for (let j = 0; j < p; j++) natural[j] = isLog[j] ? Math.exp(theta[j]) : theta[j];
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < v; k++) x[k] = columns[k][i];
        const f = jac ? law.gradient(x, natural, grad) : law.predict(x, natural);
        if (!Number.isFinite(f) || (logSpace && !(f > 0))) return false;
        out[i] = logSpace ? Math.log(f) : f;
        if (jac) {
          // Chain rule to θ: ∂/∂log p = p·∂/∂p, and ∂log f = ∂f / f.
          const scale = logSpace ? 1 / f : 1;
          for (let j = 0; j < p; j++) jac[i * p + j] = grad[j] * (isLog[j] ? natural[j] : 1) * scale;
        }
      }
      return true;
    },
  };
}

/** Problems with a law's declaration (empty when sound): checked in tests and for custom formulas. */
export function lawDeclarationProblems(law: Law): string[] {
  const out: string[] = [];
  const names = new Set<string>();
  for (const q of law.parameters) {
    if (names.has(q.name)) out.push(`parameter ${q.name} is declared twice`);
    names.add(q.name);
    if (!(q.lower < q.upper)) out.push(`parameter ${q.name}: lower bound ${q.lower} is not below upper bound ${q.upper}`);
    if (q.scale === 'log' && !(q.lower > 0)) out.push(`parameter ${q.name}: a log-scale parameter needs a positive lower bound`);
    if (q.starts.length === 0) out.push(`parameter ${q.name} has no starting values`);
    for (const s of q.starts) if (!(s >= q.lower && s <= q.upper)) out.push(`parameter ${q.name}: start ${s} is outside its bounds`);
  }
  for (const v of law.variables) {
    if (names.has(v.name)) out.push(`${v.name} is both a variable and a parameter`);
    names.add(v.name);
  }
  if (names.has(law.response.name)) out.push(`response ${law.response.name} is also a variable or parameter`);
  const ids = new Set<string>();
  for (const d of law.derived) {
    if (ids.has(d.id)) out.push(`derived quantity ${d.id} is declared twice`);
    ids.add(d.id);
  }
  return out;
}
