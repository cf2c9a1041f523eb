import { flopsPerToken, trainingBudget } from './computeInputs';
import type { DerivedQuantity, Law, ParamValues } from './law';
import { productGrid } from './law';
import { fastExp } from './fastExp';
import { minimizeOnIsoFlop, type IsoFlopOptimum } from './isoFlop';
import { column, logColumn, meanLog, minOf, modelFromLogKernel } from './kernel';
import { loss, modelSize, trainingTokens } from './variables';

/**
 * Farseer's refined loss surface (Li, Zheng, Wang, et al. 2025, "Predictable Scale: Part II,
 * Farseer: A Refined Scaling Law in Large Language Models", arXiv:2506.10972):
 *   L(N, D) = exp(a3·N^γ + b3) + exp(a2·N^β + b2) · D^(−exp(a1·N^α + b1))
 * i.e. E + U(N) as a stretched exponential in N, plus a power law in D whose scale B(N) and
 * exponent A(N) both depend on N — the N–D interaction that Chinchilla's additive form lacks.
 *
 * Verified: the decomposition L = E + U(N) + V(D) + H(N, D) with the data-dependent part
 * modelled as B(N)·D^(−A(N)) (the paper's section 3, via a stored review of it). Not verified:
 * the exact final parameterisation above is as we recall the paper's closed form, and could not
 * be re-checked against a stored copy of that equation; the paper's fitted coefficients (on its
 * own BPC data) could not be found, so none are declared as published.
 *
 * Here n = N/1e9 stands in for N (see `unit`): a·(N/1e9)^x = (a·1e-9^x)·N^x, so only the a's
 * are rescaled and the family of surfaces is the paper's. (D stays in tokens: rescaling it would
 * multiply the data term by 1e9^A(N), which is not of the form exp(a2·N^β + b2), i.e. a
 * different law.) Fitted in log space as log L = LSE(u3, u2 − A·log D) with u3 = a3·n^γ + b3,
 * u2 = a2·n^β + b2, A = exp(a1·n^α + b1).
 */

/**
 * N enters the formula in billions. With raw counts, N^γ spans orders of magnitude and the a's
 * come out as 1e-3 next to 30: the optimizer then crawls for thousands of iterations along the
 * valley. Measured in billions, the a's are of order one.
 */
const unit = 1e9;
const logUnit = Math.log(unit);

/** Parameter order: a1, b1, alpha (data exponent A(N)), a2, b2, beta (data scale B(N)), a3, b3, gamma (E + U(N)). */
function terms(N: number, D: number, p: ArrayLike<number>) {
  const lnN = Math.log(N) - logUnit;
  const nA = Math.exp(p[2] * lnN);
  const nB = Math.exp(p[5] * lnN);
  const nU = Math.exp(p[8] * lnN);
  const expo = Math.exp(p[0] * nA + p[1]);
  const u2 = p[3] * nB + p[4];
  const u3 = p[6] * nU + p[7];
  return { lnN, nA, nB, nU, expo, u2, u3, data: Math.exp(u2 - expo * Math.log(D)), model: Math.exp(u3) };
}

export function farseerLoss(p: ParamValues, N: number, D: number): number {
  const t = terms(N, D, [p.a1, p.b1, p.alpha, p.a2, p.b2, p.beta, p.a3, p.b3, p.gamma]);
  return t.model + t.data;
}

const budget = trainingBudget;

/** Each derived quantity asks for the same optimum of every resample: remember it per parameter set. */
const optima = new WeakMap<ParamValues, Map<string, IsoFlopOptimum>>();
function optimum(p: ParamValues, C: number, k: number): IsoFlopOptimum {
  let byInputs = optima.get(p);
  if (!byInputs) optima.set(p, (byInputs = new Map()));
  const key = `${C},${k}`;
  let o = byInputs.get(key);
  if (!o) byInputs.set(key, (o = minimizeOnIsoFlop((N, D) => farseerLoss(p, N, D), C, k)));
  return o;
}

const derived: DerivedQuantity[] = [
  {
    id: 'N_opt',
    title: 'Compute-optimal model size',
    description: 'The model size minimising the fitted surface on the iso-FLOP line C = k·N·D (found numerically: Farseer has no closed form).',
    unit: 'parameters',
    inputs: [budget, flopsPerToken],
    compute: (p, x) => optimum(p, x.C, x.k).N,
  },
  {
    id: 'D_opt',
    title: 'Compute-optimal training tokens',
    description: 'D*(C) = C / (k·N*).',
    unit: 'tokens',
    inputs: [budget, flopsPerToken],
    compute: (p, x) => optimum(p, x.C, x.k).D,
  },
  {
    id: 'tokens_per_param',
    title: 'Compute-optimal tokens per parameter',
    description: 'D*/N* at the budget C; under Farseer it grows with the budget instead of staying near 20.',
    inputs: [budget, flopsPerToken],
    compute: (p, x) => {
      const o = optimum(p, x.C, x.k);
      return o.D / o.N;
    },
  },
  {
    id: 'L_opt',
    title: 'Loss at the compute optimum',
    description: 'L(N*, D*) at the budget C.',
    inputs: [budget, flopsPerToken],
    compute: (p, x) => optimum(p, x.C, x.k).loss,
  },
];

const exponentStarts = [-0.2, 0.2];
const modelExponentStarts = [-0.2];
const dataExponentStarts = [0.25];

export const farseer: Law = {
  id: 'farseer',
  title: 'Farseer: refined loss surface in model size and data',
  citation: [
    {
      authors: 'Li, Zheng, Wang, Ding, Wang, Wang, Xuyang, Ding, Zhou, Zhang, Jiang',
      year: 2025,
      title: 'Predictable Scale: Part II, Farseer: A Refined Scaling Law in Large Language Models',
      url: 'https://arxiv.org/abs/2506.10972',
    },
  ],
  formula: {
    text: 'L = exp(a3 * n^gamma + b3) + exp(a2 * n^beta + b2) * D^(-exp(a1 * n^alpha + b1)), n = N / 1e9',
    latex: 'L = e^{a_3 n^{\\gamma} + b_3} + e^{a_2 n^{\\beta} + b_2}\\, D^{-e^{a_1 n^{\\alpha} + b_1}},\\quad n = N/10^{9}',
  },
  variables: [modelSize, trainingTokens],
  response: loss,
  parameters: [
    { name: 'a1', latex: 'a_1', description: 'N-dependence of the data exponent', lower: -50, upper: 50, scale: 'linear', starts: [0] },
    { name: 'b1', latex: 'b_1', description: 'log of the data exponent at N^α = 0', lower: -20, upper: 5, scale: 'linear', starts: [-1.5] },
    { name: 'alpha', latex: '\\alpha', description: 'exponent of N in the data exponent', lower: -2, upper: 2, scale: 'linear', starts: exponentStarts },
    { name: 'a2', latex: 'a_2', description: 'N-dependence of the data-term scale', lower: -50, upper: 50, scale: 'linear', starts: [0] },
    { name: 'b2', latex: 'b_2', description: 'log scale of the data term at N^β = 0', lower: -50, upper: 50, scale: 'linear', starts: [5] },
    { name: 'beta', latex: '\\beta', description: 'exponent of N in the data-term scale', lower: -2, upper: 2, scale: 'linear', starts: exponentStarts },
    { name: 'a3', latex: 'a_3', description: 'scale of the model-size term', lower: -50, upper: 50, scale: 'linear', starts: [1] },
    { name: 'b3', latex: 'b_3', description: 'log of the loss floor as N grows (γ < 0)', lower: -20, upper: 10, scale: 'linear', starts: [0.5] },
    { name: 'gamma', latex: '\\gamma', description: 'exponent of N in the model-size term', lower: -2, upper: 2, scale: 'linear', starts: modelExponentStarts },
  ],
  predict(x, p) {
    const t = terms(x[0], x[1], p);
    return t.model + t.data;
  },
  gradient(x, p, grad) {
    const t = terms(x[0], x[1], p);
    const lnD = Math.log(x[1]);
    // ∂data = data·(∂u2 − lnD·∂A(N)), ∂model = model·∂u3.
    const dA = -t.data * lnD * t.expo;
    grad[0] = dA * t.nA;
    grad[1] = dA;
    grad[2] = dA * p[0] * t.nA * t.lnN;
    grad[3] = t.data * t.nB;
    grad[4] = t.data;
    grad[5] = t.data * p[3] * t.nB * t.lnN;
    grad[6] = t.model * t.nU;
    grad[7] = t.model;
    grad[8] = t.model * p[6] * t.nU * t.lnN;
    return t.model + t.data;
  },
  compile(columns, space) {
    const ln = Float64Array.from(logColumn(columns[0]), (v) => v - logUnit);
    const ld = logColumn(columns[1]);
    const n = ln.length;
    // Six exponentials a point, in every refit of the bootstrap: the table-driven exp pays here.
    return modelFromLogKernel(n, 9, space, (theta, out, jac) => {
      let check = 0;
      for (let i = 0; i < n; i++) {
        const nA = fastExp(theta[2] * ln[i]);
        const nB = fastExp(theta[5] * ln[i]);
        const nU = fastExp(theta[8] * ln[i]);
        const expo = fastExp(theta[0] * nA + theta[1]);
        const u2 = theta[3] * nB + theta[4] - expo * ld[i];
        const u3 = theta[6] * nU + theta[7];
        const m = u2 > u3 ? u2 : u3;
        const w2 = fastExp(u2 - m);
        const w3 = fastExp(u3 - m);
        const s = w2 + w3;
        const lse = m + Math.log(s);
        out[i] = lse;
        check += lse;
        if (jac) {
          const p2 = w2 / s;
          const p3 = w3 / s;
          const dA = -p2 * ld[i] * expo;
          const k = i * 9;
          jac[k] = dA * nA;
          jac[k + 1] = dA;
          jac[k + 2] = dA * theta[0] * nA * ln[i];
          jac[k + 3] = p2 * nB;
          jac[k + 4] = p2;
          jac[k + 5] = p2 * theta[3] * nB * ln[i];
          jac[k + 6] = p3 * nU;
          jac[k + 7] = p3;
          jac[k + 8] = p3 * theta[6] * nU * ln[i];
        }
      }
      return Number.isFinite(check);
    });
  },
  startGrid(data) {
    const n = column(data, 'N');
    const mln = meanLog(n) - logUnit;
    const mld = meanLog(column(data, 'D'));
    const l = column(data, 'L');
    const lc = Math.exp(meanLog(l));
    const lMin = minOf(l);
    let lnMin = Infinity;
    let lnMax = -Infinity;
    for (const v of n) {
      lnMin = Math.min(lnMin, Math.log(v) - logUnit);
      lnMax = Math.max(lnMax, Math.log(v) - logUnit);
    }
    // Each start splits the centroid's loss 70/30 between the model and data terms, and lets the
    // data term's exponent and scale move by ±0.2 (in log) across the sweep's model sizes: an
    // N-dependence of zero would leave α and β without a gradient to start from.
    const swing = (e: number) => 0.2 / Math.max(1e-9, Math.abs(Math.exp(e * lnMax) - Math.exp(e * lnMin)));
    return productGrid([exponentStarts, [-1, 1], [-1, 1], modelExponentStarts, dataExponentStarts]).map(([e, s1, s2, gamma, a0]) => {
      const b3 = Math.log(Math.min(0.7 * lMin, 0.63 * lc));
      const a3 = (Math.log(0.7 * lc) - b3) / Math.exp(gamma * mln);
      const nc = Math.exp(e * mln);
      const a1 = s1 * swing(e);
      // With D in tokens a change of the exponent moves log D^(−A) by A·log D ≈ 25·A: the scale
      // starts out compensating it at the centroid's D, so each start changes one thing at a time.
      const a2 = a0 * mld * a1 + s2 * swing(e);
      const b1 = Math.log(a0) - a1 * nc;
      const b2 = Math.log(0.3 * lc) + a0 * mld - a2 * nc;
      return [a1, b1, e, a2, b2, e, a3, b3, gamma];
    });
  },
  derived,
};
