import type { Law, Variable } from './law';
import { productGrid } from './law';
import { column, logColumn, meanLog, minOf, modelFromLogKernel } from './kernel';
import { loss, modelSize } from './variables';

/**
 * Parallel scaling (Chen, Hui, Cui, et al. 2025, "Parallel Scaling Law for Language Models",
 * arXiv:2505.10475): running P parallel streams through the same N parameters acts like
 * multiplying the parameters by (1 + k·log P):
 *   L = (A / (N·(k·log P + 1)))^α + E
 * The form was checked against the authors' published visualisation
 * (Loss = E + (A / (Parameters·(1 + k·log P)))^α), which puts A inside the power; the log is
 * natural here, and k depends on that choice. The paper's fitted coefficients (Stack-V2-Python
 * and Pile) could not be read from a stored copy of its table, so none are declared as published.
 */

const parallelStreams: Variable = {
  name: 'P',
  description: 'parallel streams (P = 1 is the plain model)',
  domain: 'positive',
};

const alphaStarts = [0.1, 0.2, 0.4];
const kStarts = [0.2, 0.5];

/** N·(1 + k·ln P): the plain model size with the same loss. */
export function equivalentParameters(N: number, P: number, k: number): number {
  return N * (1 + k * Math.log(P));
}

export const parScale: Law = {
  id: 'parscale',
  title: 'ParScale: loss in model size and parallel streams',
  citation: [
    {
      authors: 'Chen, Hui, Cui, Yang, Liu, Sun, Lin, Liu',
      year: 2025,
      title: 'Parallel Scaling Law for Language Models',
      url: 'https://arxiv.org/abs/2505.10475',
    },
  ],
  formula: { text: 'L = (A / (N * (k * log(P) + 1)))^alpha + E', latex: 'L = \\left(\\frac{A}{N\\,(k \\log P + 1)}\\right)^{\\alpha} + E' },
  variables: [modelSize, parallelStreams],
  response: loss,
  parameters: [
    { name: 'A', latex: 'A', description: 'scale (in parameters) of the reducible term', lower: 1e-10, upper: 1e40, scale: 'log', starts: [1e6, 1e9] },
    { name: 'k', latex: 'k', description: 'benefit of parallel streams per unit of log P', lower: 0, upper: 100, scale: 'linear', starts: kStarts },
    { name: 'alpha', latex: '\\alpha', description: 'exponent of the effective model size', lower: 0, upper: 3, scale: 'linear', starts: alphaStarts },
    { name: 'E', latex: 'E', description: 'irreducible loss', lower: 1e-9, upper: 1e6, scale: 'log', starts: [0.5, 1] },
  ],
  predict(x, p) {
    return Math.pow(p[0] / equivalentParameters(x[0], x[1], p[1]), p[2]) + p[3];
  },
  gradient(x, p, grad) {
    const lp = Math.log(x[1]);
    const g = 1 + p[1] * lp;
    const ratio = p[0] / (x[0] * g);
    const t = Math.pow(ratio, p[2]);
    grad[0] = (t * p[2]) / p[0];
    grad[1] = (-t * p[2] * lp) / g;
    grad[2] = t * Math.log(ratio);
    grad[3] = 1;
    return t + p[3];
  },
  compile(columns, space) {
    const ln = logColumn(columns[0]);
    const lp = logColumn(columns[1]);
    const n = ln.length;
    // log L = LSE(α·(a − log N − log g), e) with g = 1 + k·ln P.
    return modelFromLogKernel(n, 4, space, (theta, out, jac) => {
      const [a, k, alpha, e] = [theta[0], theta[1], theta[2], theta[3]];
      let check = 0;
      for (let i = 0; i < n; i++) {
        const g = 1 + k * lp[i];
        const gap = a - ln[i] - Math.log(g);
        const u = alpha * gap;
        const m = u > e ? u : e;
        const wu = Math.exp(u - m);
        const we = Math.exp(e - m);
        const s = wu + we;
        const lse = m + Math.log(s);
        out[i] = lse;
        check += lse;
        if (jac) {
          const pu = wu / s;
          const j = i * 4;
          jac[j] = pu * alpha;
          jac[j + 1] = (-pu * alpha * lp[i]) / g;
          jac[j + 2] = pu * gap;
          jac[j + 3] = we / s;
        }
      }
      return Number.isFinite(check);
    });
  },
  startGrid(data) {
    const mln = meanLog(column(data, 'N'));
    const l = column(data, 'L');
    const lc = Math.exp(meanLog(l));
    const lMin = minOf(l);
    // A is placed so the reducible term carries what the floor E leaves of the centroid's loss.
    return productGrid([[0.5 * lMin, 0.85 * lMin], kStarts, alphaStarts]).map(([e, k, alpha]) => [
      Math.exp(mln + Math.log(Math.max(lc - e, 1e-3 * lc)) / alpha),
      k,
      alpha,
      e,
    ]);
  },
  derived: [
    {
      id: 'N_equivalent',
      title: 'Equivalent plain model size',
      description: 'N·(1 + k·ln P): the parameters a single-stream model needs for the same loss.',
      unit: 'parameters',
      inputs: [
        { name: 'N', description: 'parameters of the parallel model', unit: 'parameters' },
        { name: 'P', description: 'parallel streams', default: 8 },
      ],
      compute: (p, x) => equivalentParameters(x.N, x.P, p.k),
    },
    {
      id: 'P_for_target',
      title: 'Parallel streams to reach a target loss',
      description: 'The P at which a model of N parameters reaches the target: ln P = ((A/N)·(target − E)^(−1/α) − 1)/k; 1 when the plain model already does.',
      inputs: [
        { name: 'N', description: 'parameters of the model', unit: 'parameters' },
        { name: 'target', description: 'target loss' },
      ],
      compute(p, x) {
        const gap = x.target - p.E;
        if (!(gap > 0) || !(p.k > 0)) return NaN;
        const needed = (p.A / x.N) * Math.pow(gap, -1 / p.alpha);
        return needed <= 1 ? 1 : Math.exp((needed - 1) / p.k);
      },
    },
  ],
};
