import type { Citation, DerivedInput, Law, ParamValues, Response, Variable } from './law';
import { productGrid } from './law';
import { column, logColumn, meanLog, minOf, modelFromLogKernel } from './kernel';
import { loss, trainingCompute } from './variables';

/**
 * Gadre, Smyrnis, Shankar, et al. (2024), "Language models scale reliably with over-training and
 * on downstream tasks" (arXiv:2403.08540):
 *
 * 1. Loss in compute C and token multiplier M = D/N (their eq. 4):
 *      L(C, M) = E + (a·M^η + b·M^(−η))·C^(−η)
 *    which is Chinchilla's surface with equal exponents rewritten through C = 6·N·D. Checked
 *    against the authors' code (mlfoundations/scaling, scaling/laws.py `powlaw_ours`, which fits
 *    it as α·N^b + β·6^(b/2)·(M·N)^b + E: the same surface with η = −b/2, a = α·6^η, b = β).
 * 2. Average top-1 error from loss (their eq. 5):
 *      Err(L) = ε − k·exp(−γ·L)
 *    checked against the same file (`decay_ours`: e − a·exp(x)^(−b)).
 * Their fitted coefficients are per training set and are not declared as published here.
 */

const gadre: Citation = {
  authors: 'Gadre, Smyrnis, Shankar, Gururangan, Wortsman, Shao, Mercat, Fang, Li, Keh, et al.',
  year: 2024,
  title: 'Language models scale reliably with over-training and on downstream tasks',
  url: 'https://arxiv.org/abs/2403.08540',
};

export const tokenMultiplier: Variable = {
  name: 'M',
  description: 'token multiplier: training tokens per parameter (D/N)',
  unit: 'tokens/parameter',
  domain: 'positive',
};

const etaStarts = [0.05, 0.15, 0.3];

export function overtrainingLoss(p: ParamValues, C: number, M: number): number {
  return p.E + (p.a * Math.pow(M, p.eta) + p.b * Math.pow(M, -p.eta)) * Math.pow(C, -p.eta);
}

const multiplierInput: DerivedInput = { name: 'M', description: 'token multiplier (tokens per parameter) of the planned run', default: 20 };
const computeInput: DerivedInput = { name: 'C', description: 'training compute of the planned run', unit: 'FLOPs' };

export const gadreOvertraining: Law = {
  id: 'gadre-overtraining',
  title: 'Over-training law: loss in compute and tokens per parameter',
  citation: [gadre],
  formula: { text: 'L = E + (a * M^eta + b * M^(-eta)) * C^(-eta)', latex: 'L = E + \\left(a\\,M^{\\eta} + b\\,M^{-\\eta}\\right) C^{-\\eta}' },
  variables: [trainingCompute, tokenMultiplier],
  response: loss,
  parameters: [
    { name: 'E', latex: 'E', description: 'irreducible loss', lower: Math.exp(-20), upper: Math.exp(10), scale: 'log', starts: [0.5, 1.5] },
    { name: 'a', latex: 'a', description: 'scale of the model-size-limited term (grows with M)', lower: Math.exp(-30), upper: Math.exp(100), scale: 'log', starts: [1, 100] },
    { name: 'b', latex: 'b', description: 'scale of the data-limited term (shrinks with M)', lower: Math.exp(-30), upper: Math.exp(100), scale: 'log', starts: [1, 100] },
    { name: 'eta', latex: '\\eta', description: 'compute exponent', lower: 0, upper: 2, scale: 'linear', starts: etaStarts },
  ],
  predict(x, p) {
    return p[0] + (p[1] * Math.pow(x[1], p[3]) + p[2] * Math.pow(x[1], -p[3])) * Math.pow(x[0], -p[3]);
  },
  gradient(x, p, grad) {
    const lc = Math.log(x[0]);
    const lm = Math.log(x[1]);
    const ta = p[1] * Math.exp(p[3] * (lm - lc));
    const tb = p[2] * Math.exp(-p[3] * (lm + lc));
    grad[0] = 1;
    grad[1] = ta / p[1];
    grad[2] = tb / p[2];
    grad[3] = ta * (lm - lc) - tb * (lm + lc);
    return p[0] + ta + tb;
  },
  compile(columns, space) {
    const lc = logColumn(columns[0]);
    const lm = logColumn(columns[1]);
    const n = lc.length;
    // log L = LSE(e, a + η(log M − log C), b − η(log M + log C)).
    return modelFromLogKernel(n, 4, space, (theta, out, jac) => {
      const [e, a, b, eta] = [theta[0], theta[1], theta[2], theta[3]];
      let check = 0;
      for (let i = 0; i < n; i++) {
        const ga = lm[i] - lc[i];
        const gb = -lm[i] - lc[i];
        const ua = a + eta * ga;
        const ub = b + eta * gb;
        const m = Math.max(e, ua, ub);
        const we = Math.exp(e - m);
        const wa = Math.exp(ua - m);
        const wb = Math.exp(ub - m);
        const s = we + wa + wb;
        const lse = m + Math.log(s);
        out[i] = lse;
        check += lse;
        if (jac) {
          const k = i * 4;
          jac[k] = we / s;
          jac[k + 1] = wa / s;
          jac[k + 2] = wb / s;
          jac[k + 3] = (wa * ga + wb * gb) / s;
        }
      }
      return Number.isFinite(check);
    });
  },
  startGrid(data) {
    const mlc = meanLog(column(data, 'C'));
    const mlm = meanLog(column(data, 'M'));
    const l = column(data, 'L');
    const lc = Math.exp(meanLog(l));
    const lMin = minOf(l);
    // The reducible part at the centroid is split evenly between the two terms.
    return productGrid([[0.5 * lMin, 0.85 * lMin], etaStarts]).map(([e, eta]) => {
      const half = 0.5 * Math.max(lc - e, 1e-3 * lc);
      return [e, half * Math.exp(eta * (mlc - mlm)), half * Math.exp(eta * (mlc + mlm)), eta];
    });
  },
  derived: [
    {
      id: 'M_opt',
      title: 'Compute-optimal tokens per parameter',
      description: 'The token multiplier minimising the loss at any compute: M* = (b/a)^(1/(2η)).',
      unit: 'tokens/parameter',
      inputs: [],
      compute: (p) => Math.pow(p.b / p.a, 1 / (2 * p.eta)),
    },
    {
      id: 'L_at_plan',
      title: 'Loss of a planned run',
      description: 'L(C, M) for the compute and token multiplier supplied.',
      unit: 'nats/token',
      inputs: [computeInput, multiplierInput],
      compute: (p, x) => overtrainingLoss(p, x.C, x.M),
    },
    {
      id: 'C_for_target',
      title: 'Compute to reach a target loss at a token multiplier',
      description: 'C = ((a·M^η + b·M^(−η)) / (target − E))^(1/η); undefined at or below E.',
      unit: 'FLOPs',
      inputs: [{ name: 'target', description: 'target loss' }, multiplierInput],
      compute(p, x) {
        const gap = x.target - p.E;
        return gap > 0 ? Math.pow((p.a * Math.pow(x.M, p.eta) + p.b * Math.pow(x.M, -p.eta)) / gap, 1 / p.eta) : NaN;
      },
    },
    {
      id: 'overtraining_penalty',
      title: 'Loss cost of over-training',
      description: 'L(C, M) − L(C, M*): the loss given up at compute C by training at M instead of the compute-optimal multiplier.',
      unit: 'nats/token',
      inputs: [computeInput, multiplierInput],
      compute(p, x) {
        const mOpt = Math.pow(p.b / p.a, 1 / (2 * p.eta));
        return overtrainingLoss(p, x.C, x.M) - overtrainingLoss(p, x.C, mOpt);
      },
    },
  ],
};

const topOneError: Response = {
  name: 'Err',
  description: 'average top-1 error over downstream tasks',
  domain: 'positive',
};

const lossVariable: Variable = {
  name: 'L',
  description: 'validation loss (nats per token)',
  domain: 'positive',
};

const gammaStarts = [0.5, 1, 2];

export const gadreDownstream: Law = {
  id: 'gadre-downstream',
  title: 'Downstream top-1 error from loss',
  citation: [gadre],
  formula: { text: 'Err = epsilon - k * exp(-gamma * L)', latex: '\\mathrm{Err} = \\epsilon - k\\,e^{-\\gamma L}' },
  variables: [lossVariable],
  response: topOneError,
  parameters: [
    { name: 'epsilon', latex: '\\epsilon', description: 'error as the loss grows (about the random-guess error)', lower: 0, upper: 10, scale: 'linear', starts: [0.8, 1] },
    { name: 'k', latex: 'k', description: 'scale of the improvement', lower: 1e-12, upper: 1e12, scale: 'log', starts: [1, 10] },
    { name: 'gamma', latex: '\\gamma', description: 'rate at which error falls with loss', lower: 0, upper: 50, scale: 'linear', starts: gammaStarts },
  ],
  predict(x, p) {
    return p[0] - p[1] * Math.exp(-p[2] * x[0]);
  },
  gradient(x, p, grad) {
    const t = Math.exp(-p[2] * x[0]);
    grad[0] = 1;
    grad[1] = -t;
    grad[2] = p[1] * t * x[0];
    return p[0] - p[1] * t;
  },
  startGrid(data) {
    const l = column(data, 'L');
    const err = column(data, 'Err');
    let maxErr = 0;
    for (const e of err) maxErr = Math.max(maxErr, e);
    const mL = meanLog(l);
    const meanErr = Math.exp(meanLog(err));
    // ε just above the worst error seen; k places the curve through the centroid.
    return productGrid([[1.02 * maxErr, 1.2 * maxErr], gammaStarts]).map(([eps, gamma]) => [eps, Math.max(eps - meanErr, 1e-3) * Math.exp(gamma * Math.exp(mL)), gamma]);
  },
  derived: [
    {
      id: 'Err_at_loss',
      title: 'Error at a loss',
      description: 'Predicted average top-1 error at the loss supplied (e.g. a scaling-law prediction).',
      inputs: [{ name: 'loss', description: 'validation loss' }],
      compute: (p, x) => p.epsilon - p.k * Math.exp(-p.gamma * x.loss),
    },
    {
      id: 'L_for_target_error',
      title: 'Loss needed for a target error',
      description: 'L = −ln((ε − target)/k)/γ; undefined when the target is at or above ε.',
      unit: 'nats/token',
      inputs: [{ name: 'target_error', description: 'target average top-1 error' }],
      compute(p, x) {
        const gap = p.epsilon - x.target_error;
        return gap > 0 ? -Math.log(gap / p.k) / p.gamma : NaN;
      },
    },
  ],
};
